/**
 * The hot path: parse one query (header, the single question, the additional section for EDNS) without
 * allocating, pick the pre-encoded answer for the current zone snapshot, and write the response as the
 * query's header and question followed by the answer bytes. Returns null for what must not be answered:
 * malformed or oversized packets, and responses (QR set: answering them could loop between two servers).
 *
 * Semantics (RFC 1034/1035/2308/6891): AA on every answer for a name in the zone; NXDOMAIN and NODATA
 * carry the SOA (negative TTL) in the authority section; SERVFAIL for every name in a zone not loaded yet; REFUSED outside the zone or class; FORMERR when
 * there is not exactly one question, for a question of type OPT, or a bad OPT record; NOTIMP for opcodes
 * other than QUERY and for zone transfers (AXFR/IXFR) and MAILA/MAILB; BADVERS for EDNS versions above 0.
 * ANY is answered with every set the name holds (the zone is small). Over UDP an answer longer than the
 * client's limit (512 without EDNS, else its size capped at ours) is replaced by the header, the question
 * and TC; over TCP every answer is sent whole.
 */
import { compileZone, type Answer, type CompiledZone, type CompileOptions } from './answers.js';
import { CLASS, EXT_RCODE_BADVERS, FLAG, HEADER_BYTES, RCODE, TYPE } from '../dns-wire/constants.js';
import { lowerQuestionName } from '../dns-wire/name.js';
import { optRecord } from '../dns-wire/writer.js';
import type { ZoneSnapshot } from './zone-store.js';

/** Where the responder reads the zone: the zone store, or a worker's copy of the primary's snapshot. */
export interface SnapshotSource {
  snapshot(): ZoneSnapshot;
}

/** Counters the server reports; plain fields so the hot path only increments numbers. */
export class ResponderCounters {
  answered = 0;
  truncated = 0;
  droppedMalformed = 0;
  droppedOversize = 0;
  droppedResponses = 0;
  compiles = 0;
  /** By rcode (extended rcodes included: BADVERS = 16). */
  readonly rcodes = new Array<number>(32).fill(0);
}

export interface ResponderOptions extends CompileOptions {
  /** UDP payload size we advertise and the most we send over UDP with EDNS. */
  readonly maxUdpPayload: number;
  /** Larger queries are dropped (UDP) or close the connection (TCP). */
  readonly maxQueryBytes: number;
}

// Module-local numbers for the per-packet path: reading an imported binding costs a hole check each time.
const { QR: FLAG_QR, TC: FLAG_TC, RD: FLAG_RD, CD: FLAG_CD } = FLAG;
const { IN: CLASS_IN, ANY: CLASS_ANY } = CLASS;
const MAX_OTHER_RECORDS = 16;
const MAX_LABELS = 128;
const META_TYPES = new Set<number>([TYPE.IXFR, TYPE.AXFR, TYPE.MAILA, TYPE.MAILB]);
const NO_BODY: readonly Buffer[] = [Buffer.alloc(0)];
const EMPTY: Answer = { flags: 0, an: 0, ns: 0, bodies: NO_BODY };

// Results of the additional-section scan.
const ADD_OK = 0;
const ADD_DROP = 1;
const ADD_FORMERR = 2;

export class Responder {
  readonly counters = new ResponderCounters();
  readonly #store: SnapshotSource;
  readonly #options: ResponderOptions;
  readonly #opt: Buffer;
  readonly #optBadvers: Buffer;
  readonly #scratch = Buffer.alloc(256);
  #compiled: CompiledZone;
  #turn = 0;
  // Set by #scanAdditional for the query being answered.
  #edns = false;
  #ednsSize = 0;
  #ednsVersion = 0;

  constructor(store: SnapshotSource, options: ResponderOptions) {
    this.#store = store;
    this.#options = options;
    this.#opt = optRecord(options.maxUdpPayload);
    this.#optBadvers = optRecord(options.maxUdpPayload, EXT_RCODE_BADVERS);
    this.#compiled = compileZone(store.snapshot(), options);
  }

  /** The compiled form of the store's current snapshot (recompiled on the first query after a change). */
  zone(): CompiledZone {
    const snapshot = this.#store.snapshot();
    if (snapshot !== this.#compiled.snapshot) {
      this.#compiled = compileZone(snapshot, this.#options);
      this.counters.compiles++;
    }
    return this.#compiled;
  }

  /** The response to `msg` (with a 2-byte length prefix when `tcp`), or null to drop it. */
  respond(msg: Buffer, tcp: boolean): Buffer | null {
    const len = msg.length;
    const c = this.counters;
    if (len > this.#options.maxQueryBytes) return (c.droppedOversize++, null);
    if (len < HEADER_BYTES) return (c.droppedMalformed++, null);
    const flags = msg.readUInt16BE(2);
    if ((flags & FLAG_QR) !== 0) return (c.droppedResponses++, null);
    if (((flags >>> 11) & 0xf) !== 0) return this.#headerOnly(msg, flags, RCODE.NOTIMP, tcp);
    if (msg.readUInt16BE(4) !== 1) return this.#headerOnly(msg, flags, RCODE.FORMERR, tcp);

    // The question name, lowercased into scratch; it ends at the same length in the message.
    const scratch = this.#scratch;
    const w = lowerQuestionName(msg, scratch);
    if (w < 0) return (c.droppedMalformed++, null);
    const off = HEADER_BYTES + w;
    if (off + 4 > len) return (c.droppedMalformed++, null);
    const qtype = msg.readUInt16BE(off);
    const qclass = msg.readUInt16BE(off + 2);
    const qEnd = off + 4;
    const scan = this.#scanAdditional(msg, qEnd);
    if (scan === ADD_DROP) return (c.droppedMalformed++, null);
    if (scan === ADD_FORMERR) return this.#write(msg, flags, qEnd, EMPTY, RCODE.FORMERR, -1, tcp);
    if (this.#edns && this.#ednsVersion !== 0)
      return this.#write(msg, flags, qEnd, EMPTY, 0, -1, tcp, this.#optBadvers);
    if (qtype === TYPE.OPT) return this.#write(msg, flags, qEnd, EMPTY, RCODE.FORMERR, -1, tcp);
    if (qclass !== CLASS_IN && qclass !== CLASS_ANY)
      return this.#write(msg, flags, qEnd, EMPTY, RCODE.REFUSED, -1, tcp);

    const zone = this.zone();
    const entry = zone.names.get(scratch.toString('latin1', 0, w));
    if (entry === undefined) {
      const apexAt = this.#apexOffset(zone.zoneWire, w);
      if (apexAt < 0) return this.#write(msg, flags, qEnd, EMPTY, RCODE.REFUSED, -1, tcp);
      if (!zone.snapshot.loaded) return this.#write(msg, flags, qEnd, EMPTY, RCODE.SERVFAIL, -1, tcp);
      if (META_TYPES.has(qtype)) return this.#write(msg, flags, qEnd, EMPTY, RCODE.NOTIMP, -1, tcp);
      return this.#write(msg, flags, qEnd, zone.nxdomain, 0, apexAt, tcp);
    }
    if (!zone.snapshot.loaded) return this.#write(msg, flags, qEnd, EMPTY, RCODE.SERVFAIL, -1, tcp);
    if (META_TYPES.has(qtype)) return this.#write(msg, flags, qEnd, EMPTY, RCODE.NOTIMP, -1, tcp);
    return this.#write(msg, flags, qEnd, entry.byType.get(qtype) ?? entry.nodata, 0, -1, tcp);
  }

  /** Where the apex starts inside the lowercase name in scratch (relative), or -1 if it is not inside the zone. */
  #apexOffset(zoneWire: Buffer, w: number): number {
    const start = w - zoneWire.length;
    if (start < 0 || this.#scratch.compare(zoneWire, 0, zoneWire.length, start, w) !== 0) return -1;
    let p = 0;
    for (let i = 0; i < MAX_LABELS && p < start; i++) p += this.#scratch[p]! + 1;
    return p === start ? start : -1;
  }

  /** Skips answer/authority records and finds the OPT record among the additional ones. */
  #scanAdditional(msg: Buffer, start: number): number {
    this.#edns = false;
    const an = msg.readUInt16BE(6);
    const ns = msg.readUInt16BE(8);
    const total = an + ns + msg.readUInt16BE(10);
    if (total === 0) return ADD_OK;
    if (total > MAX_OTHER_RECORDS) return ADD_FORMERR;
    const len = msg.length;
    let off = start;
    for (let r = 0; r < total; r++) {
      const nameStart = off;
      for (let i = 0; ; i++) {
        if (i >= MAX_LABELS || off >= len) return ADD_DROP;
        const l = msg[off]!;
        if (l === 0) {
          off += 1;
          break;
        }
        if ((l & 0xc0) === 0xc0) {
          off += 2; // pointers end a name; we never follow them, so loops cannot hurt
          break;
        }
        if (l > 63) return ADD_DROP;
        off += l + 1;
      }
      if (off + 10 > len) return ADD_DROP;
      const type = msg.readUInt16BE(off);
      const rdEnd = off + 10 + msg.readUInt16BE(off + 8);
      if (rdEnd > len) return ADD_DROP;
      if (type === TYPE.OPT) {
        if (r < an + ns || this.#edns || off - nameStart !== 1) return ADD_FORMERR;
        this.#edns = true;
        this.#ednsSize = msg.readUInt16BE(off + 2);
        this.#ednsVersion = msg[off + 5]!;
      }
      off = rdEnd;
    }
    return ADD_OK;
  }

  #headerOnly(msg: Buffer, flags: number, rcode: number, tcp: boolean): Buffer {
    const pre = tcp ? 2 : 0;
    const out = Buffer.alloc(pre + HEADER_BYTES);
    if (tcp) out.writeUInt16BE(HEADER_BYTES, 0);
    msg.copy(out, pre, 0, 2);
    out.writeUInt16BE(FLAG_QR | (flags & (0x7800 | FLAG_RD)) | rcode, pre + 2);
    this.counters.answered++;
    this.counters.rcodes[rcode]!++;
    return out;
  }

  /**
   * Header and question from the query, then the answer (for NXDOMAIN preceded by the SOA's owner: a
   * pointer to the apex at `apexAt` inside the question), then our OPT if the query had one. TC instead of the sections when
   * the whole does not fit a UDP response.
   */
  #write(
    msg: Buffer,
    flags: number,
    qEnd: number,
    answer: Answer,
    rcode: number,
    apexAt: number,
    tcp: boolean,
    opt?: Buffer,
  ): Buffer {
    const bodies = answer.bodies;
    const body = bodies.length === 1 ? bodies[0]! : bodies[this.#turn++ % bodies.length]!;
    let an = answer.an;
    let ns = answer.ns;
    let bits = answer.flags | rcode;
    const ednsOpt = this.#edns ? (opt ?? this.#opt) : undefined;
    const optLen = ednsOpt === undefined ? 0 : ednsOpt.length;
    const ptrLen = apexAt >= 0 ? 2 : 0;
    let size = qEnd + ptrLen + body.length + optLen;
    const limit = this.#edns ? Math.min(Math.max(this.#ednsSize, 512), this.#options.maxUdpPayload) : 512;
    let truncated = false;
    if (!tcp && size > limit) {
      truncated = true;
      size = qEnd + optLen;
      an = 0;
      ns = 0;
      bits |= FLAG_TC;
      this.counters.truncated++;
    }
    const pre = tcp ? 2 : 0;
    const out = Buffer.allocUnsafe(pre + size);
    if (tcp) out.writeUInt16BE(size, 0);
    msg.copy(out, pre, 0, qEnd);
    out.writeUInt16BE(FLAG_QR | (flags & (FLAG_RD | FLAG_CD)) | bits, pre + 2);
    out.writeUInt16BE(1, pre + 4);
    out.writeUInt16BE(an, pre + 6);
    out.writeUInt16BE(ns, pre + 8);
    out.writeUInt16BE(optLen === 0 ? 0 : 1, pre + 10);
    let at = pre + qEnd;
    if (!truncated) {
      if (ptrLen !== 0) at = out.writeUInt16BE(0xc000 | (HEADER_BYTES + apexAt), at);
      at += body.copy(out, at);
    }
    if (ednsOpt !== undefined) ednsOpt.copy(out, at);
    this.counters.answered++;
    this.counters.rcodes[ednsOpt === this.#optBadvers ? 16 : bits & 0xf]!++;
    return out;
  }
}
