/**
 * `watch`: register (after the port is ready), then until the signal aborts:
 * - poll the spot interruption notice every spotCheckMs, in its own loop so that a slow metadata service
 *   never delays a health probe; when a well-formed notice appears, deregister at once and stay out (a
 *   malformed one is reported and polling goes on: garbage never takes the node out for good);
 * - once per interval, probe the node; unavailable continuously for unavailableAfterMs -> deregister; healthyAfter consecutive
 *   passes after that -> register again;
 * - while registered, re-register every renewMs (when set: renews a registrar lease, repairs a record edited
 *   behind our back);
 * - a failed target operation is retried with backoff (interval doubling, at most 30 s), never in a tight loop.
 * When the signal aborts (SIGTERM, SIGINT), deregister, bounded by shutdownTimeoutMs.
 * Each iteration is bounded in time (probe timeout, the target's own timeouts); the loop ends with the signal.
 */
import { backoffDelay } from '../time/backoff.js';
import type { Clock } from '../time/clock.js';
import { AgentError, ImdsError, seconds, TargetRefusedError } from './errors.js';
import type { AgentEvents, RegisterReason } from './events.js';
import { checkSpotNotice, type SpotInstanceAction } from './spot-notice.js';
import type { AgentMember, RegistrationTarget } from './target.js';
import type { Readiness, ReadinessCheck } from './wait-port.js';

export interface WatchSettings {
  /** Probe period, ms. */
  readonly intervalMs: number;
  /** Deadline of one probe, ms. Default min(intervalMs, 2000). */
  readonly probeTimeoutMs?: number;
  /** Unavailable continuously this long -> deregister, ms. */
  readonly unavailableAfterMs: number;
  /** Consecutive passes after that -> register again. */
  readonly healthyAfter: number;
  /** Spot interruption notice poll period, ms; 0 = off. */
  readonly spotCheckMs: number;
  /** Deregistration on stop must finish within this, ms. */
  readonly shutdownTimeoutMs: number;
  /** Re-register this often while registered (renews a registrar lease, repairs drift), ms; 0 = never. */
  readonly renewMs: number;
}

/** What the watch needs of its agent: the Agent (agent.ts) is one; declared here so that watch.ts needs no agent.ts. */
export interface WatchedAgent {
  readonly target: RegistrationTarget;
  readonly watchSettings: WatchSettings;
  readonly clock: Clock;
  report<K extends keyof AgentEvents>(event: K, payload: AgentEvents[K][0]): void;
  check(member: AgentMember): ReadinessCheck;
  member(signal?: AbortSignal): Promise<AgentMember>;
  register(options: { readonly signal?: AbortSignal; readonly reason?: RegisterReason }): Promise<AgentMember>;
}

export interface WatchOutcome {
  /** Undefined when the signal came before the identity was known. */
  readonly member: AgentMember | undefined;
  /**
   * The deregistration on stop: `deregistered` (or was not registered), `kept-last` (refused: the last
   * address stays, fail open), `failed` (error or timeout, in `error`), `skipped` (no identity yet).
   */
  readonly shutdown: 'deregistered' | 'kept-last' | 'failed' | 'skipped';
  readonly error?: unknown;
  readonly spotNotice?: SpotInstanceAction;
}

const MAX_RETRY_MS = 30_000;

type SpotReader = (signal: AbortSignal) => Promise<SpotInstanceAction | undefined>;

/** A real, ref'd timer (not the clock's unref'd one): a hung deregistration must still end in a timeout. */
function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new AgentError('ERR_SHUTDOWN_TIMEOUT', `${what} did not finish within ${seconds(ms)}`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function pause(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0) return;
  try {
    await clock.sleep(ms, signal);
  } catch {
    // aborted: the loop condition ends the watch
  }
}

/**
 * Polls the spot notice every spotCheckMs until a well-formed one arrives (handed to `onNotice`) or the signal
 * aborts. Independent of the probe loop; each call is bounded by the reader's own budget.
 */
async function pollSpot(
  agent: WatchedAgent,
  spot: SpotReader,
  signal: AbortSignal,
  onNotice: (notice: SpotInstanceAction) => void,
): Promise<void> {
  const everyMs = agent.watchSettings.spotCheckMs;
  const { clock } = agent;
  while (!signal.aborted) {
    const started = clock.now();
    try {
      const answer = await spot(signal);
      if (answer !== undefined) {
        const verdict = checkSpotNotice(answer);
        if (verdict.ok) {
          onNotice(verdict.notice);
          return;
        }
        agent.report('imdsError', {
          error: new ImdsError(
            'ERR_IMDS_BAD_RESPONSE',
            `ignored a malformed spot interruption notice: ${verdict.reason}`,
          ),
        });
      }
    } catch (error) {
      if (signal.aborted) return;
      agent.report('imdsError', { error });
    }
    await pause(clock, everyMs - (clock.now() - started), signal);
  }
}

/** The steady-state loop; returns when the signal aborts. */
async function follow(
  agent: WatchedAgent,
  member: AgentMember,
  signal: AbortSignal,
  spot: SpotReader | undefined,
): Promise<SpotInstanceAction | undefined> {
  const s = agent.watchSettings;
  const check = agent.check(member);
  const probeTimeoutMs = s.probeTimeoutMs ?? Math.max(100, Math.min(s.intervalMs, 2000));
  const now = (): number => agent.clock.now();
  let registered = true;
  let healthy = true;
  let passes = 0;
  let failingSince: number | undefined;
  let lastOk = true;
  let notice: SpotInstanceAction | undefined;
  let retryAt = 0;
  let failures = 0;
  let renewAt = s.renewMs > 0 ? now() + s.renewMs : Infinity;
  const failed = (op: 'register' | 'deregister', error: unknown): void => {
    failures++;
    const retryInMs = backoffDelay(failures, { baseMs: s.intervalMs, maxMs: MAX_RETRY_MS, jitter: 'none' });
    retryAt = now() + retryInMs;
    agent.report('targetError', { member, op, error, retryInMs });
  };
  // Stopped with the watch: the probe loop's signal, or earlier when the loop ends for another reason.
  const spotStop = new AbortController();
  const stopSpot = (): void => spotStop.abort();
  signal.addEventListener('abort', stopSpot, { once: true });
  const spotting =
    spot !== undefined && s.spotCheckMs > 0
      ? pollSpot(agent, spot, spotStop.signal, (n) => {
          notice = n;
          retryAt = 0;
          agent.report('spotNotice', { member, notice: n });
        })
      : Promise.resolve();

  try {
    for (let tick = 0; !signal.aborted; tick++) {
      const started = now();
      if (notice === undefined) {
        const last: Readiness = await check(probeTimeoutMs, signal);
        if (signal.aborted) break;
        if (last.ok) {
          passes++;
          failingSince = undefined;
          lastOk = true;
          if (!healthy && passes >= s.healthyAfter) {
            healthy = true;
            agent.report('recovered', { member, passes });
          }
        } else {
          passes = 0;
          failingSince ??= started;
          if (lastOk) agent.report('down', { member, last });
          lastOk = false;
          const forMs = now() - failingSince;
          if (healthy && forMs >= s.unavailableAfterMs) {
            healthy = false;
            agent.report('unavailable', { member, forMs, last });
          }
        }
      }
      const want = healthy && notice === undefined;
      if (want !== registered && now() >= retryAt) {
        try {
          if (want) await agent.target.register(member);
          else await agent.target.deregister(member);
          registered = want;
          failures = 0;
          retryAt = 0;
          if (want) renewAt = s.renewMs > 0 ? now() + s.renewMs : Infinity;
          if (want) agent.report('registered', { member, reason: 'recovered', target: agent.target.kind });
          else
            agent.report('deregistered', {
              member,
              reason: notice === undefined ? 'unavailable' : 'spot',
              target: agent.target.kind,
            });
        } catch (error) {
          failed(want ? 'register' : 'deregister', error);
        }
      } else if (want && registered && now() >= renewAt && now() >= retryAt) {
        try {
          await agent.target.register(member);
          failures = 0;
          renewAt = now() + s.renewMs;
          agent.report('renewed', { member, target: agent.target.kind });
        } catch (error) {
          failed('register', error);
        }
      }
      await pause(agent.clock, s.intervalMs - (now() - started), signal);
    }
  } finally {
    signal.removeEventListener('abort', stopSpot);
    spotStop.abort();
    await spotting;
  }
  return notice;
}

/** Deregister on stop, bounded by shutdownTimeoutMs. */
async function shutdown(
  agent: WatchedAgent,
  member: AgentMember | undefined,
  notice: SpotInstanceAction | undefined,
): Promise<WatchOutcome> {
  agent.report('stopping', { member });
  const spotNotice = notice === undefined ? {} : { spotNotice: notice };
  if (member === undefined) return { member, shutdown: 'skipped', ...spotNotice };
  try {
    await bounded(
      agent.target.deregister(member),
      agent.watchSettings.shutdownTimeoutMs,
      `deregistering ${member.address} on stop`,
    );
    agent.report('deregistered', { member, reason: 'shutdown', target: agent.target.kind });
    return { member, shutdown: 'deregistered', ...spotNotice };
  } catch (error) {
    const keptLast = error instanceof TargetRefusedError && error.code === 'ERR_LAST_ADDRESS';
    return { member, shutdown: keptLast ? 'kept-last' : 'failed', error, ...spotNotice };
  }
}

export async function runWatch(
  agent: WatchedAgent,
  signal: AbortSignal,
  spot: SpotReader | undefined,
): Promise<WatchOutcome> {
  let member: AgentMember | undefined;
  try {
    member = await agent.member(signal);
    await agent.register({ signal, reason: 'start' });
  } catch (error) {
    // Stopped while starting: still deregister (idempotent; a previous run may have left the address).
    if (!signal.aborted) throw error;
  }
  const notice = signal.aborted || member === undefined ? undefined : await follow(agent, member, signal, spot);
  return await shutdown(agent, member, notice);
}
