import { describe, expect, it } from 'vitest';
import { Backoff, backoffCeiling, backoffDelay } from '../../src/time/backoff.js';

describe('backoff', () => {
  const policy = { baseMs: 100, maxMs: 1000 } as const;

  it('doubles from the base and stops at the cap', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map((f) => backoffCeiling(f, policy))).toEqual([0, 100, 200, 400, 800, 1000, 1000]);
  });

  it('applies the chosen jitter inside the ceiling', () => {
    expect(backoffDelay(3, { ...policy, jitter: 'none' }, 0.3)).toBe(400);
    expect(backoffDelay(3, { ...policy, jitter: 'full' }, 0.5)).toBe(200);
    expect(backoffDelay(3, { ...policy, jitter: 'full' }, 0)).toBe(0);
    expect(backoffDelay(3, { ...policy, jitter: 'equal' }, 0)).toBe(200);
    expect(backoffDelay(3, { ...policy, jitter: 'equal' }, 1)).toBe(400);
  });

  it('tracks failures in a row and resets on success', () => {
    const b = new Backoff({ ...policy, jitter: 'none' }, () => 0);
    expect(b.failed(1000)).toBe(100);
    expect(b.failed(1100)).toBe(200);
    expect(b.waitMs(1200)).toBe(100);
    expect(b.failuresInARow).toBe(2);
    b.succeeded();
    expect(b.waitMs(1200)).toBe(0);
    expect(b.failuresInARow).toBe(0);
  });

  it('grows linearly when asked, and adds the floor after the jitter', () => {
    const linear = { baseMs: 40, maxMs: 1000, jitter: 'full', growth: 'linear', floorMs: 10 } as const;
    expect([1, 2, 3].map((f) => backoffCeiling(f, linear))).toEqual([40, 80, 120]);
    expect(backoffDelay(3, linear, 0)).toBe(10);
    expect(backoffDelay(3, linear, 0.5)).toBe(70);
    expect(backoffDelay(0, linear, 0.5)).toBe(0);
  });
});
