/**
 * Hostile input: every parser either returns a value or throws InfoParseError (a SeedkeeperError), never
 * another exception, and rejects large pathological values in linear time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeedkeeperError } from '../../../src/errors.js';
import { InfoParseError } from '../../../src/protocol/errors.js';
import {
  formatBuild,
  formatFeatures,
  formatPeers,
  formatReplicas,
  formatReplicasAll,
  formatReplicasMaster,
  formatServiceList,
  parseBuild,
  parseFeatures,
  parseNodeId,
  parsePartitionGeneration,
  parsePeers,
  parseReplicas,
  parseReplicasAll,
  parseReplicasMaster,
  parseServiceList,
  parseUnsignedGeneration,
} from '../../../src/protocol/values/index.js';
import { grammarStringArb, mutated, nodeIdArb, peersReplyArb, replicasArb, serviceListArb } from './arbitraries.js';

const RUNS = 1000;

/** True when `parse` returns, or throws the parse error the contract promises. */
function parsesOrRejects(parse: (value: string) => unknown, value: string): boolean {
  try {
    parse(value);
    return true;
  } catch (error) {
    if (error instanceof SeedkeeperError && error instanceof InfoParseError) return true;
    throw error;
  }
}

const parsers: ReadonlyArray<[string, (value: string) => unknown, fc.Arbitrary<string>]> = [
  ['node', parseNodeId, nodeIdArb],
  [
    'build',
    parseBuild,
    fc.tuple(fc.nat(65535), fc.nat(65535), fc.nat(65535), fc.nat(65535)).map((t) => formatBuild(t)),
  ],
  [
    'features',
    parseFeatures,
    fc.array(fc.constantFrom('pscans', 'query-show', 'batch-any', 'peers'), { maxLength: 5 }).map(formatFeatures),
  ],
  ['partition-generation', parsePartitionGeneration, fc.integer().map(String)],
  ['peers-generation', (v) => parseUnsignedGeneration('peers-generation', v), fc.nat().map(String)],
  ['service-clear-std', parseServiceList, serviceListArb.map(formatServiceList)],
  ['peers-clear-std', parsePeers, peersReplyArb.map(formatPeers)],
  ['replicas', parseReplicas, replicasArb.map(formatReplicas)],
  ['replicas-all', parseReplicasAll, replicasArb.map(formatReplicasAll)],
  ['replicas-master', parseReplicasMaster, replicasArb.map(formatReplicasMaster)],
];

describe.each(parsers)('%s parser on hostile input', (_name, parse, valid) => {
  it('returns or throws InfoParseError for arbitrary strings', () => {
    fc.assert(
      fc.property(grammarStringArb, (value) => parsesOrRejects(parse, value)),
      { numRuns: RUNS },
    );
  });

  it('returns or throws InfoParseError for valid values with a few edits', () => {
    fc.assert(
      fc.property(mutated(valid), (value) => parsesOrRejects(parse, value)),
      { numRuns: RUNS },
    );
  });
});

describe('parsers reject big pathological values quickly', () => {
  const MiB = 1024 * 1024;
  const cases: ReadonlyArray<[string, () => unknown]> = [
    ['peers: unclosed brackets', () => parsePeers(`1,3000,${'['.repeat(4 * MiB)}`)],
    ['peers: endless host list', () => parsePeers(`1,3000,[[A1,,[${'1.1.1.1,'.repeat(MiB / 2)}`)],
    ['peers: endless peer list', () => parsePeers(`1,3000,[${'[A1,,[]],'.repeat(MiB / 2)}`)],
    ['peers: unterminated IPv6', () => parsePeers(`1,3000,[[A1,,[[${':'.repeat(4 * MiB)}`)],
    ['peers: over the size limit', () => parsePeers('x'.repeat(9 * MiB))],
    ['services: only commas', () => parseServiceList(','.repeat(4 * MiB))],
    ['services: many hosts', () => parseServiceList('1.1.1.1:1,'.repeat(MiB / 8))],
    ['replicas: many separators', () => parseReplicas('a:0,1;'.repeat(MiB))],
    ['replicas: many commas', () => parseReplicas(`test:0,1,${','.repeat(4 * MiB)}`)],
    ['replicas: huge bitmap', () => parseReplicas(`test:0,1,${'A'.repeat(4 * MiB)}`)],
    ['features: huge value', () => parseFeatures(';'.repeat(4 * MiB))],
    ['build: huge value', () => parseBuild('1.'.repeat(MiB))],
    ['generation: huge digits', () => parsePartitionGeneration('9'.repeat(MiB))],
    ['node: huge value', () => parseNodeId('A'.repeat(MiB))],
  ];

  it.each(cases)('%s', (_name, run) => {
    const started = performance.now();
    expect(run).toThrow(InfoParseError);
    // Generous bound: linear work on a few MiB takes milliseconds; backtracking would take minutes.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
