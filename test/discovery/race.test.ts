import { describe, expect, it } from 'vitest';
import { race } from '../../src/discovery/race.js';

/** An attempt that settles when told, and records whether it was aborted. */
function controllable() {
  const aborted = new Set<number>();
  const settle = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
  const started: number[] = [];
  const attempt = (c: number, signal: AbortSignal): Promise<string> =>
    new Promise((resolve, reject) => {
      started.push(c);
      settle.set(c, { resolve, reject });
      signal.addEventListener('abort', () => {
        aborted.add(c);
        reject(new Error('aborted'));
      });
    });
  return { attempt, aborted, settle, started };
}

describe('race', () => {
  it('takes the first success even when earlier candidates never answer, and cancels the rest', async () => {
    const c = controllable();
    const promise = race([0, 1, 2, 3], c.attempt);
    await Promise.resolve();
    expect(c.started).toEqual([0, 1, 2, 3]);
    c.settle.get(3)!.resolve('node');
    const result = await promise;
    expect(result.winner).toEqual({ candidate: 3, value: 'node' });
    expect([...c.aborted].sort()).toEqual([0, 1, 2]);
    expect(result.attempts.map((a) => a.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'won']);
  });

  it('respects maxParallel and starts the next candidate when one fails', async () => {
    const c = controllable();
    const promise = race([0, 1, 2], c.attempt, { maxParallel: 1 });
    await Promise.resolve();
    expect(c.started).toEqual([0]);
    c.settle.get(0)!.reject(new Error('refused'));
    await new Promise((r) => setImmediate(r));
    expect(c.started).toEqual([0, 1]);
    c.settle.get(1)!.resolve('ok');
    const result = await promise;
    expect(result.winner?.candidate).toBe(1);
    expect(result.attempts.map((a) => a.status)).toEqual(['failed', 'won', 'not-started']);
  });

  it('reports every failure when nothing succeeds', async () => {
    const result = await race([1, 2], (n) => Promise.reject(new Error(`e${n}`)));
    expect(result.winner).toBeUndefined();
    expect(result.attempts.map((a) => (a.error as Error).message)).toEqual(['e1', 'e2']);
  });

  it('keeps a fallback while a better result may come, and disposes the loser', async () => {
    const disposed: string[] = [];
    const c = controllable();
    const promise = race([0, 1], c.attempt, {
      classify: (v) => (v === 'orphan' ? 'fallback' : 'win'),
      dispose: (v) => disposed.push(v),
      fallbackGraceMs: 10_000,
    });
    await Promise.resolve();
    c.settle.get(0)!.resolve('orphan');
    await new Promise((r) => setImmediate(r));
    c.settle.get(1)!.resolve('with-peers');
    const result = await promise;
    expect(result.winner?.value).toBe('with-peers');
    expect(disposed).toEqual(['orphan']);
  });

  it('returns the fallback when the grace period ends', async () => {
    const c = controllable();
    const promise = race([0, 1], c.attempt, { classify: () => 'fallback', fallbackGraceMs: 5 });
    await Promise.resolve();
    c.settle.get(0)!.resolve('alone');
    const result = await promise;
    expect(result.winner?.value).toBe('alone');
    expect(result.attempts[0]!.status).toBe('fallback');
    expect(c.aborted.has(1)).toBe(true);
  });

  it('disposes successes that arrive after the race is decided', async () => {
    const disposed: string[] = [];
    let late!: (v: string) => void;
    const result = await race(
      [0, 1],
      (n) => (n === 0 ? new Promise<string>((r) => (late = r)) : Promise.resolve('fast')),
      { dispose: (v) => disposed.push(v) },
    );
    expect(result.winner?.value).toBe('fast');
    late('slow');
    await Promise.resolve();
    expect(disposed).toEqual(['slow']);
  });

  it('ends at once on an aborted signal', async () => {
    const c = controllable();
    const controller = new AbortController();
    const promise = race([0], c.attempt, { signal: controller.signal });
    controller.abort();
    const result = await promise;
    expect(result.winner).toBeUndefined();
    expect(c.aborted.has(0)).toBe(true);
  });

  it('handles an empty candidate list', async () => {
    const result = await race([], () => Promise.resolve(1));
    expect(result).toEqual({ winner: undefined, attempts: [] });
  });
});
