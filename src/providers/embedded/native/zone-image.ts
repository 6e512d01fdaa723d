/**
 * The compiled zone (answers.ts) flattened into the byte image the native UDP engine reads
 * (native/udp/engine.cc has the same layout next to its reader). Pure: the same compiled zone always gives
 * the same image, and the engine answers from exactly what the JavaScript responder would send.
 *
 * Layout, integers big-endian: u8 version (1), u8 loaded, u16 zone wire length, zone wire, answer NXDOMAIN,
 * u32 names; per name: u8 length, lowercase wire name, answer NODATA, u16 types; per type: u16 type, answer.
 * An answer: u16 flags, u16 an, u16 ns, u16 bodies, u32 body length, then every body (all the same length).
 */
import type { Answer, CompiledZone } from '../answers.js';
import { InternalError } from '../../../errors.js';

export const ZONE_IMAGE_VERSION = 1;

class Writer {
  readonly #chunks: Buffer[] = [];
  u8(v: number): void {
    this.#chunks.push(Buffer.of(v));
  }
  u16(v: number): void {
    const b = Buffer.allocUnsafe(2);
    b.writeUInt16BE(v, 0);
    this.#chunks.push(b);
  }
  u32(v: number): void {
    const b = Buffer.allocUnsafe(4);
    b.writeUInt32BE(v, 0);
    this.#chunks.push(b);
  }
  bytes(b: Buffer): void {
    this.#chunks.push(b);
  }
  answer(a: Answer): void {
    const len = a.bodies[0]!.length;
    if (a.bodies.some((b) => b.length !== len))
      throw new InternalError('a rotating answer has bodies of different lengths');
    this.u16(a.flags);
    this.u16(a.an);
    this.u16(a.ns);
    this.u16(a.bodies.length);
    this.u32(len);
    for (const b of a.bodies) this.bytes(b);
  }
  done(): Buffer {
    return Buffer.concat(this.#chunks);
  }
}

export function zoneImage(zone: CompiledZone): Buffer {
  const w = new Writer();
  w.u8(ZONE_IMAGE_VERSION);
  w.u8(zone.snapshot.loaded ? 1 : 0);
  w.u16(zone.zoneWire.length);
  w.bytes(zone.zoneWire);
  w.answer(zone.nxdomain);
  w.u32(zone.names.size);
  for (const [key, entry] of zone.names) {
    const name = Buffer.from(key, 'latin1');
    w.u8(name.length);
    w.bytes(name);
    w.answer(entry.nodata);
    w.u16(entry.byType.size);
    for (const [type, answer] of entry.byType) {
      w.u16(type);
      w.answer(answer);
    }
  }
  return w.done();
}
