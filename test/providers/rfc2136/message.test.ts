// UPDATE messages (RFC 2136 §2.4–2.5) as bytes: prerequisites, deletes and adds for each kind of change,
// folding of a batch, TXT splitting; queries cross-checked with dns-packet.
import dnsPacket from 'dns-packet';
import { describe, expect, it } from 'vitest';
import { CLASS, OPCODE, TYPE } from '../../../src/providers/dns-wire/constants.js';
import { decodeRdata } from '../../../src/providers/dns-wire/rdata.js';
import { decodeMessage, type WireRecord } from '../../../src/providers/dns-wire/reader.js';
import { foldChanges } from '../../../src/providers/rfc2136/batch.js';
import { buildQuery, buildUpdate } from '../../../src/providers/rfc2136/message.js';
import { ConflictError, ProviderError } from '../../../src/providers/types.js';
import type { RecordChange, RecordSet } from '../../../src/records/types.js';

const ZONE = 'seed.test';
const A = (values: string[], ttl = 30, name = `api.${ZONE}`): RecordSet => ({ name, type: 'A', ttl, values });
const shape = (r: WireRecord) => ({ name: r.name, type: r.type, klass: r.klass, ttl: r.ttl, rdlength: r.rdata.length });

function update(changes: RecordChange[]) {
  const built = buildUpdate(ZONE, foldChanges('rfc2136', ZONE, changes), undefined, 0x4242);
  return { built, msg: decodeMessage(built.message) };
}

describe('UPDATE messages', () => {
  it('create: zone section, prerequisite "RRset does not exist", adds with the TTL', () => {
    const { built, msg } = update([{ kind: 'create', set: A(['10.0.0.2', '10.0.0.1'], 60) }]);
    expect(msg).toMatchObject({ id: 0x4242, qr: false, opcode: OPCODE.UPDATE, rcode: 0 });
    expect(msg.flags & 0x0100).toBe(0); // RD off
    expect(msg.questions).toEqual([{ name: ZONE, type: TYPE.SOA, klass: CLASS.IN }]);
    expect(msg.answers.map(shape)).toEqual([
      { name: `api.${ZONE}`, type: TYPE.A, klass: CLASS.NONE, ttl: 0, rdlength: 0 },
    ]);
    expect(msg.authorities.map(shape)).toEqual(
      [1, 2].map(() => ({ name: `api.${ZONE}`, type: TYPE.A, klass: CLASS.IN, ttl: 60, rdlength: 4 })),
    );
    expect(msg.authorities.map((r) => decodeRdata('A', r.rdata))).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(msg.additionals).toEqual([]);
    expect(built).toMatchObject({ prerequisites: 1, updates: 2 });
  });

  it('update: the exact old set as "RRset exists (value dependent)" (TTL 0), delete the RRset, add the new one', () => {
    const { msg } = update([{ kind: 'update', before: A(['10.0.0.1', '10.0.0.2']), after: A(['10.0.0.3'], 120) }]);
    expect(msg.answers.map(shape)).toEqual(
      [1, 2].map(() => ({ name: `api.${ZONE}`, type: TYPE.A, klass: CLASS.IN, ttl: 0, rdlength: 4 })),
    );
    expect(msg.answers.map((r) => decodeRdata('A', r.rdata))).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(msg.authorities.map(shape)).toEqual([
      { name: `api.${ZONE}`, type: TYPE.A, klass: CLASS.ANY, ttl: 0, rdlength: 0 },
      { name: `api.${ZONE}`, type: TYPE.A, klass: CLASS.IN, ttl: 120, rdlength: 4 },
    ]);
  });

  it('delete: the exact set as prerequisite, then delete the RRset', () => {
    const { msg } = update([
      { kind: 'delete', set: { name: `v6.${ZONE}`, type: 'AAAA', ttl: 30, values: ['2001:db8::1'] } },
    ]);
    expect(msg.answers.map(shape)).toEqual([
      { name: `v6.${ZONE}`, type: TYPE.AAAA, klass: CLASS.IN, ttl: 0, rdlength: 16 },
    ]);
    expect(decodeRdata('AAAA', msg.answers[0]!.rdata)).toBe('2001:db8::1');
    expect(msg.authorities.map(shape)).toEqual([
      { name: `v6.${ZONE}`, type: TYPE.AAAA, klass: CLASS.ANY, ttl: 0, rdlength: 0 },
    ]);
  });

  it('splits a TXT value longer than 255 bytes into character-strings', () => {
    const value = `o=${'é'.repeat(200)}`; // 402 UTF-8 bytes
    const { msg } = update([{ kind: 'create', set: { name: `api.${ZONE}`, type: 'TXT', ttl: 30, values: [value] } }]);
    const rdata = msg.authorities[0]!.rdata;
    expect(rdata[0]).toBe(255);
    expect(rdata[256]).toBe(402 - 255);
    expect(rdata.length).toBe(402 + 2);
    expect(decodeRdata('TXT', rdata)).toBe(value);
  });

  it('one message for several sets (A + AAAA + ownership TXT)', () => {
    const txt: RecordSet = { name: `api.${ZONE}`, type: 'TXT', ttl: 30, values: ['heritage=seedkeeper'] };
    const { msg } = update([
      { kind: 'update', before: A(['10.0.0.1']), after: A(['10.0.0.1', '10.0.0.2']) },
      { kind: 'create', set: txt },
    ]);
    expect(msg.answers.map((r) => [r.type, r.klass])).toEqual([
      [TYPE.A, CLASS.IN],
      [TYPE.TXT, CLASS.NONE],
    ]);
    expect(msg.authorities.map((r) => [r.type, r.klass])).toEqual([
      [TYPE.A, CLASS.ANY],
      [TYPE.A, CLASS.IN],
      [TYPE.A, CLASS.IN],
      [TYPE.TXT, CLASS.IN],
    ]);
  });
});

describe('folding a batch', () => {
  it('delete then create of one set becomes one transition with the first precondition', () => {
    const t = foldChanges('rfc2136', ZONE, [
      { kind: 'delete', set: A(['10.0.0.1']) },
      { kind: 'create', set: A(['10.0.0.2']) },
    ]);
    expect(t).toEqual([{ name: `api.${ZONE}`, type: 'A', expected: A(['10.0.0.1']), final: A(['10.0.0.2']) }]);
  });

  it('a change that contradicts an earlier one in the batch is a conflict, as in the zone store', () => {
    expect(() =>
      foldChanges('rfc2136', ZONE, [
        { kind: 'create', set: A(['10.0.0.1']) },
        { kind: 'create', set: A(['10.0.0.2']) },
      ]),
    ).toThrow(ConflictError);
    expect(() =>
      foldChanges('rfc2136', ZONE, [
        { kind: 'delete', set: A(['10.0.0.1']) },
        { kind: 'delete', set: A(['10.0.0.1']) },
      ]),
    ).toThrow(ConflictError);
    expect(() =>
      foldChanges('rfc2136', ZONE, [
        { kind: 'update', before: A(['10.0.0.1']), after: A(['10.0.0.2']) },
        { kind: 'delete', set: A(['10.0.0.1']) },
      ]),
    ).toThrow(ConflictError);
  });

  it('rejects invalid records and names outside the zone as usage errors', () => {
    const cases: [RecordChange, string][] = [
      [{ kind: 'create', set: A(['10.0.0.1'], 30, 'api.other.test') }, 'ERR_NOT_IN_ZONE'],
      [{ kind: 'create', set: A(['::1']) }, 'ERR_INVALID_RECORD'],
      [{ kind: 'update', before: A(['10.0.0.1']), after: A(['10.0.0.1'], 30, `b.${ZONE}`) }, 'ERR_INVALID_RECORD'],
      [{ kind: 'rename' } as unknown as RecordChange, 'ERR_INVALID_RECORD'],
    ];
    for (const [change, code] of cases) {
      let error: unknown;
      try {
        foldChanges('rfc2136', ZONE, [change]);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).code).toBe(code);
      expect((error as ProviderError).hasLabel('usage')).toBe(true);
    }
  });

  it('an unchanged set keeps its prerequisite and sends no update', () => {
    const { built } = update([{ kind: 'update', before: A(['10.0.0.1']), after: A(['10.0.0.1']) }]);
    expect(built).toMatchObject({ prerequisites: 1, updates: 0 });
  });
});

describe('queries', () => {
  it('are plain non-recursive questions that dns-packet reads back', () => {
    const { id, message } = buildQuery(`api.${ZONE}`, 'AAAA');
    const p = dnsPacket.decode(message);
    expect(p.id).toBe(id);
    expect(p.flags).toBe(0);
    expect(p.questions).toEqual([{ name: `api.${ZONE}`, type: 'AAAA', class: 'IN' }]);
  });
});
