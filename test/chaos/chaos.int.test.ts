/**
 * A short chaos run with a fixed seed against real BIND 9 and one `seedkeeper run` process: every fault kind
 * the harness has, zero invariant violations. A second run does the same with two replicas sharing the fenced lease.
 */
import { writeFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { chaosReport } from '../../scripts/chaos/report.js';
import { FAULTS } from '../../scripts/chaos/faults.js';
import { runChaos } from '../../scripts/chaos/run.js';
import { CHAOS_LEASE } from '../../scripts/chaos/world.js';
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

  it('keeps the seed record true with two replicas sharing the fenced lease, through kill -9 and SIGSTOP past the lease (seed 12)', async () => {
    await cliBuilt();
    // Registrar faults and node stops only; every SIGSTOP outlasts the lease (3 s) and its skew margin.
    const faults = FAULTS.filter((f) => ['registrar-kill9', 'registrar-pause', 'node-stop'].includes(f.kind)).map(
      (f) =>
        f.kind === 'registrar-pause'
          ? { ...f, minHoldMs: CHAOS_LEASE.leaseMs + CHAOS_LEASE.skewMs + 500, maxHoldMs: 6000, weight: 2 }
          : f,
    );
    const result = await runChaos({ seed: 12, durationMs: 45_000, nodes: 5, replicas: 2, ipBase: 200, faults });
    const report = chaosReport(result);
    if (process.env.SEEDKEEPER_CHAOS_REPORT) await writeFile(process.env.SEEDKEEPER_CHAOS_REPORT, report);
    expect(result.violations, report).toEqual([]);
    const applied = (kind: string): number =>
      result.faults.filter((f) => f.appliedAt !== undefined && f.planned.kind === kind).length;
    expect(applied('registrar-pause'), report).toBeGreaterThanOrEqual(1);
    expect(applied('registrar-kill9'), report).toBeGreaterThanOrEqual(1);
    expect(result.finalConvergedMs, report).toBeDefined();
    expect(result.unexpectedExits).toEqual([]);
  }, 300_000);
});
