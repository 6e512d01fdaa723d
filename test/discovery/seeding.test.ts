import { describe, expect, it } from 'vitest';
import { noSeedNodeError, seedCandidates, type SeedCandidate } from '../../src/discovery/seeding.js';
import { parseSeed } from '../../src/discovery/seed.js';
import type { AttemptRecord } from '../../src/discovery/race.js';

describe('seed candidates', () => {
  it('dials each endpoint once, whatever its spelling', () => {
    const seed = parseSeed('seed.example.com:3100');
    const candidates = seedCandidates([
      { seed, addresses: ['10.0.0.1', '::ffff:10.0.0.1', '2001:db8::1', '2001:DB8:0::1'], error: undefined },
    ]);
    expect(candidates.map((c) => c.address)).toEqual([
      { host: '10.0.0.1', port: 3100 },
      { host: '2001:db8::1', port: 3100 },
    ]);
  });
});

describe('no seed node', () => {
  it('names IPv6 seed addresses with brackets', () => {
    const seed = parseSeed('[2001:db8::1]:3000');
    const attempt: AttemptRecord<SeedCandidate> = {
      candidate: { seed, address: { host: '2001:db8::1', port: 3000 } },
      status: 'failed',
      error: new Error('refused'),
      elapsedMs: 1,
    };
    const error = noSeedNodeError({
      winner: undefined,
      resolutions: [{ seed, addresses: ['2001:db8::1'], error: undefined }],
      attempts: [attempt],
    });
    expect(error.failures.map((f) => f.address)).toEqual(['[2001:db8::1]:3000']);
  });
});
