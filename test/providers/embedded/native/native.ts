/** Shared by the native engine's tests: the binding (missing is a failure, never a skip) and raw packet builders. */
import { loadNativeUdp, type NativeUdpBinding } from '../../../../src/providers/embedded/native/binding.js';

/** The built engine; throws with the loader's reason so every test that needs it fails loudly. */
export function nativeBinding(): NativeUdpBinding {
  const load = loadNativeUdp();
  if (!load.ok) throw new Error(`the native UDP engine does not load: ${load.reason} (${load.file})`);
  return load.binding;
}

/** The loader's verdict, for the first test of each file: ok, or the reason as the failure message. */
export function nativeLoadMessage(): { readonly ok: boolean; readonly message: string } {
  const load = loadNativeUdp();
  return { ok: load.ok, message: load.ok ? 'loaded' : `native UDP engine: ${load.reason} (${load.file})` };
}

/** Uncompressed wire form of a dotted name, bytes as given (no case folding, no validation). */
export function wireName(name: string): Buffer {
  const labels = name === '.' || name === '' ? [] : name.replace(/\.$/, '').split('.');
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.of(l.length), Buffer.from(l, 'latin1')])),
    Buffer.of(0),
  ]);
}

export function question(name: Buffer | string, qtype: number, qclass = 1): Buffer {
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(qtype, 0);
  tail.writeUInt16BE(qclass, 2);
  return Buffer.concat([typeof name === 'string' ? wireName(name) : name, tail]);
}

/** An OPT record: owner, UDP size, extended rcode, version, DO bit, rdata. */
export function optRr(
  o: { name?: Buffer; size?: number; extRcode?: number; version?: number; flags?: number; rdata?: Buffer } = {},
): Buffer {
  const rdata = o.rdata ?? Buffer.alloc(0);
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(41, 0);
  fixed.writeUInt16BE(o.size ?? 1232, 2);
  fixed[4] = o.extRcode ?? 0;
  fixed[5] = o.version ?? 0;
  fixed.writeUInt16BE(o.flags ?? 0, 6);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([o.name ?? Buffer.of(0), fixed, rdata]);
}

/** A plain record (for answer/authority/additional sections of a query that should not carry them). */
export function plainRr(name: string, type: number, rdata: Buffer): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt16BE(type, 0);
  fixed.writeUInt16BE(1, 2);
  fixed.writeUInt32BE(60, 4);
  fixed.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([wireName(name), fixed, rdata]);
}

/** A message from raw parts: header counts are given explicitly, so they can lie about the body. */
export function rawMessage(o: {
  id?: number;
  flags?: number;
  qd?: number;
  an?: number;
  ns?: number;
  ar?: number;
  body: readonly Buffer[];
}): Buffer {
  const h = Buffer.alloc(12);
  h.writeUInt16BE(o.id ?? 0x1234, 0);
  h.writeUInt16BE(o.flags ?? 0, 2);
  h.writeUInt16BE(o.qd ?? 1, 4);
  h.writeUInt16BE(o.an ?? 0, 6);
  h.writeUInt16BE(o.ns ?? 0, 8);
  h.writeUInt16BE(o.ar ?? 0, 10);
  return Buffer.concat([h, ...o.body]);
}

/** Deterministic PRNG (mulberry32): the fuzz replays the same packets every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
