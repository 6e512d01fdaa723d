import { describe, expect, it } from 'vitest';
import { fenceChange, fenced, leaseWrite } from '../../src/lease/fence.js';
import { foldChanges } from '../../src/providers/rfc2136/batch.js';
import { buildUpdate } from '../../src/providers/rfc2136/message.js';

const held = { holder: 'r1', until: 1_000_000, term: 3 };
const seed = { name: 'seed.db.test', type: 'A' as const, ttl: 30, values: ['10.0.0.1'] };

describe('lease changes', () => {
  it('creates the lease when none was read, else swaps it', () => {
    expect(leaseWrite('seed.db.test', undefined, held)).toEqual({
      kind: 'create',
      set: { name: '_seedkeeper-lease.seed.db.test', type: 'TXT', ttl: 1, values: ['holder=r1 until=1000000 term=3'] },
    });
    const renewed = leaseWrite('seed.db.test', held, { ...held, until: 1_005_000 });
    expect(renewed.kind).toBe('update');
  });

  it('fences an RFC 2136 UPDATE with a value-dependent prerequisite on the lease and no update of it', () => {
    const changes = fenced('seed.db.test', held, [{ kind: 'create', set: seed }]);
    expect(changes[0]).toEqual(fenceChange('seed.db.test', held));
    const transitions = foldChanges('rfc2136', 'db.test', changes);
    expect(transitions[0]).toMatchObject({ name: '_seedkeeper-lease.seed.db.test', type: 'TXT' });
    expect(transitions[0]!.expected).toEqual(transitions[0]!.final);
    const update = buildUpdate('db.test', transitions);
    // One prerequisite for the lease RR (value dependent) + one "RRset does not exist" for the seed record;
    // updates only add the seed record's one value.
    expect(update.prerequisites).toBe(2);
    expect(update.updates).toBe(1);
  });
});
