/** Generated valid structures survive format -> parse unchanged: the simulator and client agree. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatBuild,
  formatFeatures,
  formatGeneration,
  formatNodeId,
  formatPeers,
  formatReplicas,
  formatReplicasAll,
  formatReplicasMaster,
  formatServiceList,
  ownsPartition,
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
  setPartition,
  emptyBitmap,
} from '../../../src/protocol/values/index.js';
import { peersReplyArb, replicasArb, serviceListArb } from './arbitraries.js';

const RUNS = 500;

describe('round trips', () => {
  it('node ids', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (n) => {
        const text = formatNodeId(n);
        expect(parseNodeId(text)).toBe(text);
        expect(BigInt(`0x${text}`)).toBe(n);
      }),
      { numRuns: RUNS },
    );
  });

  it('builds', () => {
    fc.assert(
      fc.property(fc.tuple(fc.nat(65535), fc.nat(65535), fc.nat(65535), fc.nat(65535)), ([a, b, c, d]) => {
        expect(parseBuild(formatBuild([a, b, c, d]))).toMatchObject({ major: a, minor: b, patch: c, build: d });
      }),
      { numRuns: RUNS },
    );
  });

  it('features', () => {
    const name = fc.string({ unit: fc.constantFrom(...'abcxyz-_.0189'), minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.uniqueArray(name, { maxLength: 10 }), (names) => {
        expect([...parseFeatures(formatFeatures(names))]).toEqual(names);
      }),
      { numRuns: RUNS },
    );
  });

  it('generations', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (signed, unsigned) => {
          expect(parsePartitionGeneration(formatGeneration(signed, true))).toBe(signed);
          expect(parseUnsignedGeneration('peers-generation', formatGeneration(unsigned))).toBe(unsigned);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('service lists', () => {
    fc.assert(
      fc.property(serviceListArb, (hosts) => {
        expect(parseServiceList(formatServiceList(hosts))).toEqual(hosts);
      }),
      { numRuns: RUNS },
    );
  });

  it('peer lists, with default-port stripping', () => {
    fc.assert(
      fc.property(peersReplyArb, (reply) => {
        const text = formatPeers(reply);
        expect(parsePeers(text)).toEqual(reply);
        // The server never writes `:defport` on a host: re-read with another default port, exactly the hosts
        // on the default port move to it (their port was left out), every other host keeps its own.
        const other = reply.defaultPort === 1 ? 2 : 1;
        const reread = parsePeers(text.replace(/^(\d+),\d*,/, `$1,${other},`));
        reread.peers.forEach((peer, i) =>
          peer.hosts.forEach((host, j) => {
            const original = reply.peers[i]!.hosts[j]!;
            expect(host.port).toBe(original.port === reply.defaultPort ? other : original.port);
          }),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('replicas, replicas-all and replicas-master', () => {
    fc.assert(
      fc.property(replicasArb, (list) => {
        expect(parseReplicas(formatReplicas(list))).toEqual(list);
        expect(parseReplicasAll(formatReplicasAll(list))).toEqual(list.map((n) => ({ ...n, regime: 0 })));
        expect(parseReplicasMaster(formatReplicasMaster(list))).toEqual(
          list.map((n) => ({ namespace: n.namespace, bitmap: n.columns[0] })),
        );
      }),
      { numRuns: 200 },
    );
  });

  it('partition sets survive bitmap encoding', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 4095 }), { maxLength: 64 }), (partitions) => {
        const bitmap = emptyBitmap();
        for (const p of partitions) setPartition(bitmap, p);
        const [parsed] = parseReplicas(formatReplicas([{ namespace: 'test', regime: 0, columns: [bitmap] }]));
        const owned = new Set(partitions);
        for (let p = 0; p < 4096; p++) if (ownsPartition(parsed!.columns[0]!, p) !== owned.has(p)) return false;
        return true;
      }),
      { numRuns: 200 },
    );
  });
});
