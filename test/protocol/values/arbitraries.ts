/**
 * fast-check generators for valid info values (what a server may write), and for near-valid garbage made by
 * mutating a valid value: the interesting inputs for a parser are the ones that almost parse.
 */
import fc from 'fast-check';
import type { HostPort } from '../../../src/net/endpoint.js';
import { formatNodeId } from '../../../src/protocol/values/node-id.js';
import type { PeerEntry, PeersReply } from '../../../src/protocol/values/peers.js';
import { BITMAP_BYTES, type NamespaceReplicas } from '../../../src/protocol/values/replicas.js';

export const nodeIdArb = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((n) => formatNodeId(n));
export const portArb = fc.integer({ min: 1, max: 65535 });
export const hostArb = fc.oneof(fc.ipV4(), fc.ipV6(), fc.domain());

export function hostPortArb(ports: fc.Arbitrary<number> = portArb): fc.Arbitrary<HostPort> {
  return fc.record({ host: hostArb, port: ports });
}

const u32Arb = fc.integer({ min: 0, max: 0xffff_ffff });

export const peersReplyArb: fc.Arbitrary<PeersReply> = fc
  .record({ generation: u32Arb, defaultPort: fc.oneof(fc.constantFrom(3000, 4333), portArb) })
  .chain(({ generation, defaultPort }) => {
    // Mix hosts on the default port (written without it) with hosts on other ports.
    const ports = fc.oneof(fc.constant(defaultPort), portArb);
    const peer: fc.Arbitrary<PeerEntry> = fc.record({
      nodeId: nodeIdArb,
      tlsName: fc.oneof(fc.constant(''), fc.domain()),
      hosts: fc.array(hostPortArb(ports), { maxLength: 4 }),
    });
    return fc
      .uniqueArray(peer, { selector: (p) => p.nodeId, maxLength: 6 })
      .map((peers): PeersReply => ({ generation, defaultPort, peers }));
  });

export const serviceListArb = fc.array(hostPortArb(), { maxLength: 6 });

const namespaceArb = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCXYZ0123456789-_.'),
  minLength: 1,
  maxLength: 31,
});

/** Bitmaps either random or sparse (a few partitions), since real ones are ~1/n dense. */
const bitmapArb = fc.oneof(
  fc.uint8Array({ minLength: BITMAP_BYTES, maxLength: BITMAP_BYTES }).map((b) => Buffer.from(b)),
  fc.array(fc.integer({ min: 0, max: 4095 }), { maxLength: 8 }).map((ps) => {
    const bitmap = Buffer.alloc(BITMAP_BYTES);
    for (const p of ps) bitmap[p >> 3]! |= 0x80 >> (p & 7);
    return bitmap;
  }),
);

export const replicasArb: fc.Arbitrary<NamespaceReplicas[]> = fc.uniqueArray(
  fc.record({ namespace: namespaceArb, regime: u32Arb, columns: fc.array(bitmapArb, { minLength: 1, maxLength: 3 }) }),
  { selector: (n) => n.namespace, maxLength: 3 },
);

/** Characters that steer a parser into its interesting branches. */
export const GRAMMAR_CHARS = [...'[],:;.=/+-_ \t\n0123456789ABCDEFabcdefxyz', '\u00e9', '\u0000', '\ud800'];

/** Short strings over the grammar's alphabet plus some plain random strings. */
export const grammarStringArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(...GRAMMAR_CHARS), maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

type Edit = { kind: 'delete' | 'insert' | 'replace'; at: number; char: string };

const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom('delete' as const, 'insert' as const, 'replace' as const),
  at: fc.nat(),
  char: fc.constantFrom(...GRAMMAR_CHARS),
});

/** A valid value with one to three random single-character edits. */
export function mutated(valid: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(valid, fc.array(editArb, { minLength: 1, maxLength: 3 })).map(([text, edits]) => {
    let out = text;
    for (const { kind, at, char } of edits) {
      const i = out.length === 0 ? 0 : at % (out.length + (kind === 'insert' ? 1 : 0));
      if (kind === 'delete') out = out.slice(0, i) + out.slice(i + 1);
      else if (kind === 'insert') out = out.slice(0, i) + char + out.slice(i);
      else out = out.slice(0, i) + char + out.slice(i + 1);
    }
    return out;
  });
}
