import { describe, expect, it } from 'vitest';
import {
  anyDue,
  backoffDelay,
  EMPTY_RETRIES,
  isDue,
  recordFailure,
  retainPeers,
} from '../../src/discovery/peer-retry.js';

const policy = { initialDelayMs: 100, maxDelayMs: 1000 };
const entry = { nodeId: 'A1', tlsName: '', hosts: [{ host: '10.0.0.1', port: 3000 }] };

describe('peer retry backoff (pure)', () => {
  it('doubles from the initial delay up to the maximum', () => {
    expect([1, 2, 3, 4, 5, 100].map((n) => backoffDelay(n, policy))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('a failed peer is due again only after its backoff', () => {
    let table = recordFailure(EMPTY_RETRIES, entry, 0, policy);
    expect(isDue(table, entry, 99)).toBe(false);
    expect(isDue(table, entry, 100)).toBe(true);
    table = recordFailure(table, entry, 100, policy);
    expect(isDue(table, entry, 299)).toBe(false);
    expect(anyDue(table, 299)).toBe(false);
    expect(anyDue(table, 300)).toBe(true);
  });

  it('a peer listed at new addresses is due at once, and its backoff starts over', () => {
    const table = recordFailure(recordFailure(EMPTY_RETRIES, entry, 0, policy), entry, 100, policy);
    const moved = { ...entry, hosts: [{ host: '10.0.0.2', port: 3000 }] };
    expect(isDue(table, moved, 101)).toBe(true);
    expect(recordFailure(table, moved, 101, policy).get('A1')).toMatchObject({ failures: 1, dueAt: 201 });
  });

  it('forgets peers no list names any more, and returns the same table when nothing changes', () => {
    const table = recordFailure(EMPTY_RETRIES, entry, 0, policy);
    expect(retainPeers(table, () => true)).toBe(table);
    expect(retainPeers(table, () => false).size).toBe(0);
  });
});
