// The responder without sockets: every answer decoded by dns-packet, and property tests that no input
// can make it throw or produce a message a decoder rejects.
import dnsPacket, { type StringAnswer, type TxtAnswer } from 'dns-packet';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Responder } from '../../../src/providers/embedded/query.js';
import { ZoneStore } from '../../../src/providers/embedded/zone-store.js';
import type { RecordSet } from '../../../src/records/types.js';
import { query, RC, rcodeOf, ZONE } from './helpers.js';

const sixty = Array.from({ length: 60 }, (_, i) => `10.1.0.${i + 1}`);
const RECORDS: RecordSet[] = [
  { name: `api.${ZONE}`, type: 'A', ttl: 30, values: ['127.0.0.11', '127.0.0.12', '127.0.0.13'] },
  { name: `api.${ZONE}`, type: 'TXT', ttl: 60, values: ['hello', 'x'.repeat(600)] },
  { name: `v6.${ZONE}`, type: 'AAAA', ttl: 30, values: ['2001:db8::1', '::ffff:10.0.0.1'] },
  { name: `a.b.${ZONE}`, type: 'A', ttl: 30, values: ['10.0.0.1'] },
  { name: `big.${ZONE}`, type: 'A', ttl: 30, values: sixty },
];

function responder(options: { rotate?: boolean } = {}): { store: ZoneStore; r: Responder } {
  const store = new ZoneStore({ zone: ZONE, records: RECORDS, soa: { serial: 9, minimum: 20, ttl: 300 } });
  return {
    store,
    r: new Responder(store, { maxUdpPayload: 1232, maxQueryBytes: 4096, rotate: options.rotate ?? false }),
  };
}

function ask(r: Responder, msg: Buffer, tcp = false): ReturnType<typeof dnsPacket.decode> & { raw: Buffer } {
  const out = r.respond(msg, tcp);
  if (out === null) throw new Error('dropped');
  const raw = tcp ? out.subarray(2) : out;
  if (tcp) expect(out.readUInt16BE(0)).toBe(raw.length);
  return Object.assign(dnsPacket.decode(raw), { raw });
}

describe('Responder', () => {
  it('answers A authoritatively, echoing ID, question case and RD/CD', () => {
    const { r } = responder();
    const res = ask(
      r,
      query('ApI.Seed.TEST', 'A', { id: 777, flags: dnsPacket.RECURSION_DESIRED | dnsPacket.CHECKING_DISABLED }),
    );
    expect(res).toMatchObject({
      id: 777,
      flag_qr: true,
      flag_aa: true,
      flag_tc: false,
      flag_rd: true,
      flag_cd: true,
      flag_ra: false,
    });
    expect(rcodeOf(res.raw)).toBe(RC.NOERROR);
    expect(res.questions).toEqual([{ name: 'ApI.Seed.TEST', type: 'A', class: 'IN' }]);
    expect(res.answers!.map((a) => [a.name, (a as StringAnswer).data, (a as StringAnswer).ttl])).toEqual([
      ['ApI.Seed.TEST', '127.0.0.11', 30],
      ['ApI.Seed.TEST', '127.0.0.12', 30],
      ['ApI.Seed.TEST', '127.0.0.13', 30],
    ]);
    expect(res.additionals).toEqual([]);
  });

  it('answers AAAA, TXT (split into 255-byte strings), SOA, NS and ANY', () => {
    const { r } = responder();
    expect(ask(r, query(`v6.${ZONE}`, 'AAAA')).answers!.map((a) => (a as StringAnswer).data)).toEqual([
      '2001:db8::1',
      '::ffff:a00:1',
    ]);
    const txt = ask(r, query(`api.${ZONE}`, 'TXT', { edns: 1232 })).answers as TxtAnswer[];
    expect(txt.map((t) => (t.data as Buffer[]).map((b) => b.length))).toEqual([[5], [255, 255, 90]]);
    expect(txt.map((t) => Buffer.concat(t.data as Buffer[]).toString())).toEqual(['hello', 'x'.repeat(600)]);
    const soa = ask(r, query(ZONE, 'SOA'));
    expect(soa.answers).toEqual([
      expect.objectContaining({
        type: 'SOA',
        ttl: 300,
        data: {
          mname: `ns.${ZONE}`,
          rname: `hostmaster.${ZONE}`,
          serial: 9,
          refresh: 3600,
          retry: 600,
          expire: 86400,
          minimum: 20,
        },
      }),
    ]);
    expect(ask(r, query(ZONE, 'NS')).answers).toEqual([
      expect.objectContaining({ type: 'NS', data: `ns.${ZONE}`, ttl: 3600 }),
    ]);
    expect(ask(r, query(`api.${ZONE}`, 'ANY'), true).answers!.map((a) => a.type)).toEqual([
      'A',
      'A',
      'A',
      'TXT',
      'TXT',
    ]);
  });

  it('NXDOMAIN and NODATA carry the SOA with the negative TTL min(ttl, minimum); empty non-terminals exist', () => {
    const { r } = responder();
    const nx = ask(r, query(`No.Such.Name.${ZONE}`, 'A'));
    expect(rcodeOf(nx.raw)).toBe(RC.NXDOMAIN);
    expect(nx.flag_aa).toBe(true);
    expect(nx.answers).toEqual([]);
    expect(nx.authorities).toEqual([expect.objectContaining({ name: ZONE, type: 'SOA', ttl: 20 })]);
    for (const [name, type] of [
      [`api.${ZONE}`, 'AAAA'],
      [`api.${ZONE}`, 'MX'],
      [`b.${ZONE}`, 'A'],
      [ZONE, 'A'],
      [`b.${ZONE}`, 'ANY'],
    ] as const) {
      const nodata = ask(r, query(name, type));
      expect(rcodeOf(nodata.raw), `${name} ${type}`).toBe(RC.NOERROR);
      expect(nodata.answers).toEqual([]);
      expect(nodata.authorities).toEqual([expect.objectContaining({ name: ZONE, type: 'SOA', ttl: 20 })]);
    }
  });

  it('REFUSED outside the zone or class, without AA', () => {
    const { r } = responder();
    for (const msg of [
      query('example.com', 'A'),
      query('test', 'A'),
      query('xseed.test', 'A'),
      query(`api.${ZONE}`, 'TXT', { qclass: 'CH' }),
    ]) {
      const res = ask(r, msg);
      expect(rcodeOf(res.raw)).toBe(RC.REFUSED);
      expect(res.flag_aa).toBe(false);
      expect(res.questions).toHaveLength(1);
    }
    expect(rcodeOf(ask(r, query(`api.${ZONE}`, 'A', { qclass: 'ANY' })).raw)).toBe(RC.NOERROR);
  });

  it('FORMERR, NOTIMP, BADVERS', () => {
    const { r } = responder();
    const two = dnsPacket.encode({
      type: 'query',
      id: 1,
      questions: [
        { name: `api.${ZONE}`, type: 'A' },
        { name: `v6.${ZONE}`, type: 'AAAA' },
      ],
    });
    const none = dnsPacket.encode({ type: 'query', id: 2, questions: [] });
    expect(rcodeOf(r.respond(two, false)!)).toBe(RC.FORMERR);
    expect(rcodeOf(r.respond(none, false)!)).toBe(RC.FORMERR);
    const notify = query(`api.${ZONE}`, 'SOA');
    notify[2] = (notify[2]! & 0x87) | (4 << 3); // opcode NOTIFY
    expect(rcodeOf(r.respond(notify, false)!)).toBe(RC.NOTIMP);
    expect(rcodeOf(r.respond(query(ZONE, 'AXFR'), true)!.subarray(2))).toBe(RC.NOTIMP);
    expect(rcodeOf(r.respond(query(`api.${ZONE}`, 'OPT'), false)!)).toBe(RC.FORMERR);
    const twoOpts = dnsPacket.encode({
      type: 'query',
      id: 3,
      questions: [{ name: ZONE, type: 'SOA' }],
      additionals: [1, 2].map(() => ({ type: 'OPT', name: '.', udpPayloadSize: 1232 }) as dnsPacket.Answer),
    });
    expect(rcodeOf(r.respond(twoOpts, false)!)).toBe(RC.FORMERR);
    const badvers = ask(r, query(`api.${ZONE}`, 'A', { edns: 1232, ednsVersion: 1 }));
    expect(badvers.answers).toEqual([]);
    expect(badvers.additionals).toEqual([expect.objectContaining({ type: 'OPT', extendedRcode: 1, ednsVersion: 0 })]);
    expect(r.counters.rcodes[16]).toBe(1);
  });

  it('answers EDNS with an OPT record advertising 1232 and honours the client size; truncates over UDP only', () => {
    const { r } = responder();
    const edns = ask(r, query(`big.${ZONE}`, 'A', { edns: 4096 }));
    expect(edns.flag_tc).toBe(false);
    expect(edns.answers).toHaveLength(60);
    expect(edns.additionals).toEqual([expect.objectContaining({ type: 'OPT', udpPayloadSize: 1232 })]);
    for (const msg of [
      query(`big.${ZONE}`, 'A'),
      query(`big.${ZONE}`, 'A', { edns: 512 }),
      query(`big.${ZONE}`, 'A', { edns: 100 }),
    ]) {
      const tc = ask(r, msg);
      expect(tc.flag_tc).toBe(true);
      expect(tc.flag_aa).toBe(true);
      expect(tc.raw.length).toBeLessThanOrEqual(512);
      expect(tc.answers).toEqual([]);
      expect(tc.questions).toHaveLength(1);
    }
    expect(ask(r, query(`big.${ZONE}`, 'A'), true).answers).toHaveLength(60);
    expect(r.counters.truncated).toBe(3);
  });

  it('rotates A answers when asked to, always returning every record', () => {
    const { r } = responder({ rotate: true });
    const firsts = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const answers = ask(r, query(`api.${ZONE}`, 'A')).answers!.map((a) => (a as StringAnswer).data);
      expect([...answers].sort()).toEqual(['127.0.0.11', '127.0.0.12', '127.0.0.13']);
      firsts.add(answers[0]!);
    }
    expect(firsts.size).toBe(3);
  });

  it('sees a change on the very next query, with the bumped serial', () => {
    const { store, r } = responder();
    store.apply([{ kind: 'update', before: RECORDS[0]!, after: { ...RECORDS[0]!, values: ['127.0.0.99'] } }]);
    expect(ask(r, query(`api.${ZONE}`, 'A')).answers!.map((a) => (a as StringAnswer).data)).toEqual(['127.0.0.99']);
    expect(ask(r, query(`nx.${ZONE}`, 'A')).authorities).toEqual([
      expect.objectContaining({ data: expect.objectContaining({ serial: 10 }) }),
    ]);
  });

  it('drops responses, short, truncated, pointer-named and oversized packets', () => {
    const { r } = responder();
    const response = query(`api.${ZONE}`, 'A');
    response[2]! |= 0x80;
    const pointer = Buffer.concat([query(ZONE, 'A').subarray(0, 12), Buffer.from([0xc0, 0x0c, 0, 1, 0, 1])]);
    const full = query(`api.${ZONE}`, 'A');
    for (const msg of [
      response,
      Buffer.alloc(0),
      Buffer.alloc(11),
      full.subarray(0, full.length - 1),
      full.subarray(0, 16),
      pointer,
      Buffer.concat([full, Buffer.alloc(5000)]),
    ]) {
      expect(r.respond(msg, false)).toBeNull();
    }
    expect(r.counters).toMatchObject({ droppedResponses: 1, droppedOversize: 1, droppedMalformed: 5 });
  });

  it('never throws, and whatever it sends decodes (random bytes and mutated queries)', () => {
    const { r } = responder();
    const base = query(`api.${ZONE}`, 'A', { edns: 1232 });
    const mutated = fc
      .tuple(
        fc.array(fc.tuple(fc.nat(base.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        fc.nat(base.length),
      )
      .map(([edits, cut]) => {
        const b = Buffer.from(base);
        for (const [i, v] of edits) b[i] = v;
        return b.subarray(0, Math.max(cut, 12));
      });
    const input = fc.oneof(
      fc.uint8Array({ maxLength: 600 }).map((u) => Buffer.from(u)),
      mutated,
    );
    fc.assert(
      fc.property(input, fc.boolean(), (msg, tcp) => {
        const out = r.respond(msg, tcp);
        if (out === null) return;
        const raw = tcp ? out.subarray(2) : out;
        expect(raw.readUInt16BE(0)).toBe(msg.readUInt16BE(0));
        expect(raw[2]! & 0x80).toBe(0x80);
        expect(() => dnsPacket.decode(raw)).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });
});
