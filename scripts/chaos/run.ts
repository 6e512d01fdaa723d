/**
 * One chaos run: plan the faults from the seed, start the world, wait for the record to hold the healthy
 * set, then monitor every 25 ms while each fault is applied, held, undone and the record converges again.
 * Every wait is bounded; the world is closed whatever happens.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { LEASE_LABEL } from '../../src/lease/codec.js';
import { FAULTS, type FaultDef } from './faults.js';
import { checkFencing, countLeaseRefusals, parseUpdateLog, type FencingCheck } from './fencing.js';
import { sameAddresses, type Violation } from './invariants.js';
import { dnsQuery, Monitor, type MonitorCounts } from './monitor.js';
import { Prng } from './prng.js';
import { planSchedule, type ScheduledFault } from './schedule.js';
import { ChaosWorld, convergenceBoundMs, DEFAULT_CHAOS_TIMING, RECORD, type ChaosTiming } from './world.js';

export interface ChaosOptions {
  readonly seed: number;
  /** Time in which faults are applied (the run takes a little longer: start, last convergence). */
  readonly durationMs: number;
  readonly nodes?: number;
  readonly replicas?: number;
  readonly ipBase?: number;
  readonly timing?: ChaosTiming;
  readonly faults?: readonly FaultDef[];
  readonly minGapMs?: number;
  readonly maxGapMs?: number;
  /** Progress lines (default: none). */
  readonly log?: (line: string) => void;
}

export interface FaultRecord {
  readonly planned: ScheduledFault;
  readonly target: string | undefined;
  /** Unix ms. */
  readonly appliedAt: number | undefined;
  readonly undoneAt: number | undefined;
  /** From undo to the record holding the healthy set; undefined when skipped or not converged. */
  readonly convergedMs: number | undefined;
  readonly error?: string;
}

export interface ChaosResult {
  readonly seed: number;
  readonly options: {
    readonly durationMs: number;
    readonly nodes: number;
    readonly replicas: number;
    readonly timing: ChaosTiming;
    readonly boundMs: number;
  };
  readonly startedAt: number;
  readonly endedAt: number;
  readonly initialConvergenceMs: number;
  readonly faults: readonly FaultRecord[];
  readonly counts: MonitorCounts;
  readonly violations: readonly Violation[];
  readonly finalConvergedMs: number | undefined;
  /** With replicas: every update BIND applied, judged against the lease in force (its violations are in `violations`). */
  readonly fencing: Omit<FencingCheck, 'violations'> | undefined;
  /** Registrar processes found dead without a fault (restarted). */
  readonly unexpectedExits: readonly { readonly at: number; readonly id: string; readonly log: string }[];
}

async function waitConverged(world: ChaosWorld, monitor: Monitor, boundMs: number): Promise<number | undefined> {
  const start = Date.now();
  for (let i = 0; i < Math.ceil(boundMs / 25) + 1 && Date.now() - start <= boundMs; i++) {
    const latest = monitor.latest();
    if (
      latest &&
      latest.at > start &&
      latest.answer.kind === 'addresses' &&
      sameAddresses(latest.answer.addresses, world.healthyAddresses())
    )
      return Date.now() - start;
    await sleep(25);
  }
  return undefined;
}

async function runFault(
  world: ChaosWorld,
  monitor: Monitor,
  fault: ScheduledFault,
  def: FaultDef,
  boundMs: number,
): Promise<FaultRecord> {
  const eligible = def.eligible(world);
  if (eligible.length === 0)
    return { planned: fault, target: undefined, appliedAt: undefined, undoneAt: undefined, convergedMs: undefined };
  const target = eligible[fault.pick % eligible.length]!;
  const appliedAt = Date.now();
  try {
    await target.apply();
    await sleep(fault.holdMs);
  } finally {
    await target.undo();
  }
  const undoneAt = Date.now();
  const convergedMs = await waitConverged(world, monitor, boundMs);
  if (convergedMs === undefined) {
    monitor.report({
      kind: 'not-converged',
      at: Date.now(),
      detail: `${def.kind} on ${target.label}: the record did not hold the healthy set {${world.healthyAddresses().join(', ')}} within ${boundMs} ms of the undo`,
    });
  }
  return { planned: fault, target: target.label, appliedAt, undoneAt, convergedMs };
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  const timing = options.timing ?? DEFAULT_CHAOS_TIMING;
  const defs = options.faults ?? FAULTS;
  const nodes = options.nodes ?? 5;
  const replicas = options.replicas ?? 1;
  const boundMs = convergenceBoundMs(timing, replicas);
  const schedule = planSchedule(new Prng(options.seed), defs, {
    durationMs: options.durationMs,
    minGapMs: options.minGapMs ?? 1000,
    maxGapMs: options.maxGapMs ?? 4000,
  });
  log(`seed ${options.seed}: ${schedule.length} faults planned over ${Math.round(options.durationMs / 1000)} s`);
  const maxLifetimeSec = Math.ceil((options.durationMs + 20 * boundMs) / 1000) + 120;
  const world = await ChaosWorld.start({ nodes, replicas, ipBase: options.ipBase ?? 150, timing, maxLifetimeSec });
  if (world.netCutUnavailable) log(`checker-cut faults are skipped: ${world.netCutUnavailable}`);
  const dns = dnsQuery(`127.0.0.1:${world.bind.port}`, RECORD);
  const monitor = new Monitor({
    query: dns.query,
    members: () => world.memberAddresses(),
    maxTicks: Math.ceil((maxLifetimeSec * 1000) / 25),
  });
  const faults: FaultRecord[] = [];
  const unexpectedExits: { at: number; id: string; log: string }[] = [];
  const startedAt = Date.now();
  try {
    // Before the first publish the name does not exist: judge answers only once the record holds the healthy set.
    let initialConvergenceMs: number | undefined;
    for (let i = 0; i < 4 * 60 * 10 && initialConvergenceMs === undefined; i++) {
      const answer = await dns.query();
      if (answer.kind === 'addresses' && sameAddresses(answer.addresses, world.healthyAddresses()))
        initialConvergenceMs = Date.now() - startedAt;
      else await sleep(100);
    }
    if (initialConvergenceMs === undefined)
      throw new Error(
        `the record never held the healthy set; registrar log:\n${world.registrars[0]?.log().slice(-3000)}`,
      );
    log(`record holds the ${nodes} nodes after ${initialConvergenceMs} ms; monitoring every 25 ms`);
    monitor.start();
    const t0 = Date.now();
    for (const fault of schedule) {
      await sleep(Math.max(0, t0 + fault.atMs - Date.now()));
      for (const r of world.registrars) {
        if (!r.running) {
          unexpectedExits.push({ at: Date.now(), id: r.id, log: r.log().slice(-2000) });
          await r.start();
        }
      }
      const def = defs.find((d) => d.kind === fault.kind)!;
      let record: FaultRecord;
      try {
        record = await runFault(world, monitor, fault, def, boundMs);
      } catch (error) {
        record = {
          planned: fault,
          target: undefined,
          appliedAt: undefined,
          undoneAt: undefined,
          convergedMs: undefined,
          error: String(error),
        };
      }
      faults.push(record);
      log(
        `#${fault.index} ${fault.kind} ${record.target ?? '(skipped: no target)'} held ${fault.holdMs} ms, converged ${record.convergedMs ?? '-'} ms${record.error ? `, error ${record.error}` : ''}`,
      );
    }
    const finalConvergedMs = await waitConverged(world, monitor, boundMs);
    if (finalConvergedMs === undefined)
      monitor.report({
        kind: 'not-converged',
        at: Date.now(),
        detail: `after the last fault the record did not hold {${world.healthyAddresses().join(', ')}} within ${boundMs} ms`,
      });
    await sleep(250); // a few more checks of the settled record
    monitor.stop();
    let fencing: FencingCheck | undefined;
    if (replicas > 1) {
      const updateLog = await world.bind.updateLog();
      const leaseName = `${LEASE_LABEL}.${RECORD}`;
      fencing = {
        ...checkFencing(parseUpdateLog(updateLog), leaseName),
        leaseRefusals: countLeaseRefusals(updateLog, leaseName),
      };
      for (const v of fencing.violations) monitor.report(v);
    }
    return {
      seed: options.seed,
      options: { durationMs: options.durationMs, nodes, replicas, timing, boundMs },
      startedAt,
      endedAt: Date.now(),
      initialConvergenceMs,
      faults,
      counts: monitor.snapshot(),
      violations: [...monitor.violations],
      finalConvergedMs,
      fencing: fencing && {
        updates: fencing.updates,
        recordWrites: fencing.recordWrites,
        leaseWrites: fencing.leaseWrites,
        leaseRefusals: fencing.leaseRefusals,
      },
      unexpectedExits,
    };
  } finally {
    monitor.stop();
    dns.close();
    await world.close();
  }
}
