/**
 * Compiles a zone snapshot into pre-encoded answers: for every existing name, the bytes that follow the
 * question for each type it holds, for NODATA and for ANY. Owner names are compression pointers into the
 * question (offset 12), which has the same length as the lowercase name used here, so a response is the
 * query's own header and question (keeping its ID and letter case) followed by these bytes.
 */
import type { RecordSet } from '../../records/types.js';
import { encodeRdataWith } from '../dns-wire/codec.js';
import { SOA } from '../dns-wire/codecs.js';
import { CLASS, FLAG, QNAME_OFFSET, RCODE, TYPE } from '../dns-wire/constants.js';
import { encodeName, NAME, namePointer } from '../dns-wire/name.js';
import { encodeRdata, RECORD_TYPE_CODE } from '../dns-wire/rdata.js';
import { encodeRr } from '../dns-wire/writer.js';
import type { ZoneSnapshot } from './zone-store.js';

/** Most rotations kept per A/AAAA set: answers cycle through this many starting points. */
export const MAX_ROTATIONS = 16;

export interface Answer {
  /** Header bits for the response: AA and the rcode. */
  readonly flags: number;
  readonly an: number;
  readonly ns: number;
  /** Encoded sections after the question. Several when the records rotate; all the same length. */
  readonly bodies: readonly Buffer[];
}

export interface NameAnswers {
  /** By query type (including ANY = 255 when the name holds records). */
  readonly byType: ReadonlyMap<number, Answer>;
  /** NOERROR, no answer, the SOA in the authority section. */
  readonly nodata: Answer;
}

export interface CompiledZone {
  readonly snapshot: ZoneSnapshot;
  /** Keyed by the lowercase wire name read as latin1 (see query.ts). */
  readonly names: ReadonlyMap<string, NameAnswers>;
  /** Wire form of the apex. */
  readonly zoneWire: Buffer;
  /** NXDOMAIN: its body is the negative SOA record without its owner, which depends on the query name. */
  readonly nxdomain: Answer;
}

export interface CompileOptions {
  /** Rotate A/AAAA answers (cyclic, like BIND's `rrset-order cyclic`). Default true. */
  readonly rotate?: boolean;
}

function rotations(records: readonly Buffer[], rotate: boolean): Buffer[] {
  const count = rotate ? Math.min(records.length, MAX_ROTATIONS) : 1;
  const step = records.length / count;
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor(i * step);
    out.push(Buffer.concat([...records.slice(start), ...records.slice(0, start)]));
  }
  return out;
}

export function compileZone(snapshot: ZoneSnapshot, options: CompileOptions = {}): CompiledZone {
  const rotate = options.rotate ?? true;
  const zoneWire = encodeName(snapshot.zone);
  const { soa } = snapshot;
  const soaData = encodeRdataWith(SOA, soa);
  const negativeSoaRest = encodeRr(Buffer.alloc(0), TYPE.SOA, CLASS.IN, Math.min(soa.ttl, soa.minimum), soaData);
  const self = namePointer(QNAME_OFFSET);
  const byName = new Map<string, RecordSet[]>();
  for (const set of snapshot.sets.values()) {
    const list = byName.get(set.name) ?? [];
    list.push(set);
    byName.set(set.name, list);
  }
  const names = new Map<string, NameAnswers>();
  for (const name of snapshot.names) {
    const wire = encodeName(name);
    const apex = namePointer(QNAME_OFFSET + wire.length - zoneWire.length);
    const nodata: Answer = {
      flags: FLAG.AA | RCODE.NOERROR,
      an: 0,
      ns: 1,
      bodies: [Buffer.concat([apex, negativeSoaRest])],
    };
    const byType = new Map<number, Answer>();
    const all: Buffer[] = [];
    const add = (type: number, records: Buffer[], canRotate: boolean): void => {
      byType.set(type, {
        flags: FLAG.AA | RCODE.NOERROR,
        an: records.length,
        ns: 0,
        bodies: rotations(records, rotate && canRotate),
      });
      all.push(...records);
    };
    if (name === snapshot.zone) {
      add(TYPE.SOA, [encodeRr(self, TYPE.SOA, CLASS.IN, soa.ttl, soaData)], false);
      add(
        TYPE.NS,
        snapshot.ns.map((ns) => encodeRr(self, TYPE.NS, CLASS.IN, snapshot.nsTtl, encodeRdataWith(NAME, ns))),
        false,
      );
    }
    for (const set of byName.get(name) ?? []) {
      const type = RECORD_TYPE_CODE[set.type];
      const records = set.values.map((v) => encodeRr(self, type, CLASS.IN, set.ttl, encodeRdata(set.type, v)));
      add(type, records, set.type !== 'TXT');
    }
    if (all.length > 0)
      byType.set(TYPE.ANY, { flags: FLAG.AA | RCODE.NOERROR, an: all.length, ns: 0, bodies: [Buffer.concat(all)] });
    names.set(wire.toString('latin1'), { byType, nodata });
  }
  const nxdomain: Answer = { flags: FLAG.AA | RCODE.NXDOMAIN, an: 0, ns: 1, bodies: [negativeSoaRest] };
  return { snapshot, names, zoneWire, nxdomain };
}
