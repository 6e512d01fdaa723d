/**
 * A short chaos run with a fixed seed against real BIND 9 and one `seedkeeper run` process: every fault kind
 * the harness has, zero invariant violations. (The 2-minute run with replicas builds on this.)
 */
import { expect, it } from 'vitest';
import { chaosReport } from '../../scripts/chaos/report.js';
import { runChaos } from '../../scripts/chaos/run.js';
import { describeIfTool } from '../harness/require-tool.js';
import { cliBuilt } from '../helpers/cli.js';

describeIfTool(['named'])('chaos run (BIND 9, one registrar, simulated cluster)', () => {
  it('keeps the seed record true through 45 s of faults (seed 11)', async () => {
    await cliBuilt();
    const result = await runChaos({ seed: 11, durationMs: 45_000, nodes: 5, ipBase: 170 });
    const report = chaosReport(result);
    const applied = result.faults.filter((f) => f.appliedAt !== undefined);
    expect(result.violations, report).toEqual([]);
    expect(applied.length).toBeGreaterThanOrEqual(5);
    // 45 s at 25 ms is 1,800 ticks; a loaded 2-core machine stretches timers, and BIND restarts answer nothing.
    expect(result.counts.checks).toBeGreaterThan(400);
    expect(result.finalConvergedMs).toBeDefined();
    expect(result.unexpectedExits).toEqual([]);
  }, 240_000);
});
