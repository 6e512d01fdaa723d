import type { Endpoint, Probe, ProbeResult } from '../../src/health/types.js';

export type Outcome = 'pass' | 'fail' | 'slow-fail' | 'never' | 'throw';

/**
 * A scripted probe: each endpoint passes or fails on command. `slow-fail` waits for the timeout (or the
 * abort signal) like a dead host; `never` ignores both (a misbehaving probe); `throw` breaks the contract.
 */
export class FakeProbe implements Probe {
  readonly kind = 'tcp' as const;
  readonly outcomes = new Map<string, Outcome>();
  readonly calls: { key: string; at: number }[] = [];
  inFlight = 0;
  maxInFlight = 0;
  /** Delay before a pass or fail settles. */
  delayMs = 0;

  set(key: string, outcome: Outcome): void {
    this.outcomes.set(key, outcome);
  }

  callsFor(key: string): number[] {
    return this.calls.filter((c) => c.key === key).map((c) => c.at);
  }

  check(endpoint: Endpoint, timeoutMs: number, signal?: AbortSignal): Promise<ProbeResult> {
    const outcome = this.outcomes.get(endpoint.key) ?? 'pass';
    this.calls.push({ key: endpoint.key, at: performance.now() });
    if (outcome === 'throw') throw new Error('probe bug');
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (outcome === 'never') return new Promise(() => undefined);
    const delay = outcome === 'slow-fail' ? timeoutMs : this.delayMs;
    return new Promise((resolve) => {
      const finish = (result: ProbeResult): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.inFlight--;
        resolve(result);
      };
      const onAbort = (): void => finish({ ok: false, latencyMs: 0, reason: 'aborted' });
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => {
        if (outcome === 'pass') finish({ ok: true, latencyMs: delay, nodeId: 'A1' });
        else finish({ ok: false, latencyMs: delay, reason: outcome === 'slow-fail' ? 'timeout' : 'refused' });
      }, delay);
    });
  }
}

export const ep = (n: number, expectedNodeId?: string): Endpoint => ({
  key: `127.0.0.${n}:3000`,
  host: `127.0.0.${n}`,
  port: 3000,
  ...(expectedNodeId ? { expectedNodeId } : {}),
});
