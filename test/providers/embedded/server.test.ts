// The embedded server over real sockets, queried by Node's resolver (c-ares) and raw UDP/TCP clients.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedProvider } from '../../../src/providers/embedded/provider.js';
import {
  startEmbeddedDnsServer,
  type EmbeddedDnsLogger,
  type EmbeddedDnsServer,
} from '../../../src/providers/embedded/server.js';
import { ConflictError } from '../../../src/providers/types.js';
import type { RecordSet } from '../../../src/records/types.js';
import { frame, query, rcodeOf, RC, resolverFor, sorted, tcpExchange, udpExchange, unframe, ZONE } from './helpers.js';

const API: RecordSet = { name: `api.${ZONE}`, type: 'A', ttl: 30, values: ['127.0.0.11', '127.0.0.12', '127.0.0.13'] };
const RECORDS: RecordSet[] = [
  API,
  { name: `v6.${ZONE}`, type: 'AAAA', ttl: 45, values: ['::1', '2001:db8::7'] },
  { name: `_owner.api.${ZONE}`, type: 'TXT', ttl: 30, values: ['heritage=seedkeeper,owner=test,v=1', 'y'.repeat(300)] },
];

// Both engines: the native fast path and Node's dgram must answer alike.
for (const engine of ['native', 'node'] as const)
  describe(`embedded DNS server (Node resolver, raw sockets; ${engine} engine)`, () => {
    let server: EmbeddedDnsServer;

    beforeAll(async () => {
      server = await startEmbeddedDnsServer({ zone: ZONE, port: 0, engine, records: RECORDS, soa: { serial: 41 } });
      expect(server.engine).toBe(engine);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('listens on UDP and TCP on one free loopback port', () => {
      expect(server.host).toBe('127.0.0.1');
      expect(server.port).toBeGreaterThan(0);
      expect(server.zone).toBe(ZONE);
    });

    it('answers resolve4/resolve6/resolveTxt/resolveSoa/resolveNs', async () => {
      const r = resolverFor(server.port);
      const a = await r.resolve4('API.seed.test', { ttl: true });
      expect(sorted(a.map((x) => x.address))).toEqual(API.values);
      expect(a.every((x) => x.ttl === 30)).toBe(true);
      expect(sorted(await r.resolve6(`v6.${ZONE}`))).toEqual(['2001:db8::7', '::1']);
      const txt = await r.resolveTxt(`_owner.api.${ZONE}`);
      expect(sorted(txt.map((parts) => parts.join('')))).toEqual([
        'heritage=seedkeeper,owner=test,v=1',
        'y'.repeat(300),
      ]);
      expect(txt.find((parts) => parts.join('').startsWith('y'))!.map((p) => p.length)).toEqual([255, 45]);
      expect(await r.resolveSoa(ZONE)).toMatchObject({
        nsname: `ns.${ZONE}`,
        hostmaster: `hostmaster.${ZONE}`,
        serial: 41,
        minttl: 5,
      });
      expect(await r.resolveNs(ZONE)).toEqual([`ns.${ZONE}`]);
    });

    it('ENOTFOUND for NXDOMAIN, ENODATA for NODATA (also at empty non-terminals)', async () => {
      const r = resolverFor(server.port);
      await expect(r.resolve4(`nothere.${ZONE}`)).rejects.toMatchObject({ code: 'ENOTFOUND' });
      await expect(r.resolve6(`api.${ZONE}`)).rejects.toMatchObject({ code: 'ENODATA' });
      await expect(r.resolve4(`_owner.api.${ZONE}`)).rejects.toMatchObject({ code: 'ENODATA' });
      await expect(r.resolve4(ZONE)).rejects.toMatchObject({ code: 'ENODATA' });
    });

    it('REFUSED outside the zone', async () => {
      const r = resolverFor(server.port);
      await expect(r.resolve4('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });
      const reply = await udpExchange(server.port, query('seed.test.example.com', 'A'));
      expect(rcodeOf(reply!)).toBe(RC.REFUSED);
    });

    it('answers several pipelined queries on one TCP connection, in order', async () => {
      const ids = [11, 12, 13];
      const names = [`api.${ZONE}`, `nx.${ZONE}`, 'example.com'];
      const out = await tcpExchange(server.port, frame(...names.map((n, i) => query(n, 'A', { id: ids[i] }))), 500);
      const replies = unframe(out.data);
      expect(replies.map((m) => m.readUInt16BE(0))).toEqual(ids);
      expect(replies.map(rcodeOf)).toEqual([RC.NOERROR, RC.NXDOMAIN, RC.REFUSED]);
    });

    it('a change through the provider is visible to the very next query, with a bumped SOA serial', async () => {
      const provider = createEmbeddedProvider(server);
      expect(provider).toMatchObject({ kind: 'embedded', zone: ZONE });
      const r = resolverFor(server.port);
      const serial = (await r.resolveSoa(ZONE)).serial;
      const [current] = await provider.read([`api.${ZONE}`]);
      expect(current).toEqual(API);
      const next = { ...API, values: ['127.0.0.21', '127.0.0.22'] };
      expect(await provider.apply([{ kind: 'update', before: current!, after: next }])).toEqual({ applied: 1 });
      expect(sorted(await r.resolve4(`api.${ZONE}`))).toEqual(next.values);
      expect((await r.resolveSoa(ZONE)).serial).toBe(serial + 1);
      // A stale writer loses: nothing changes, the serial stays.
      await expect(
        provider.apply([{ kind: 'update', before: API, after: { ...API, values: ['127.0.0.66'] } }]),
      ).rejects.toBeInstanceOf(ConflictError);
      expect((await r.resolveSoa(ZONE)).serial).toBe(serial + 1);
      await provider.apply([{ kind: 'update', before: next, after: API }]);
      await provider.close();
      await expect(provider.read([`api.${ZONE}`])).rejects.toMatchObject({ code: 'ERR_PROVIDER_CLOSED' });
      expect(sorted(await r.resolve4(`api.${ZONE}`))).toEqual(API.values); // close() left the server running
    });

    it('counts what it did', () => {
      const s = server.stats();
      expect(s.queries.udp).toBeGreaterThan(5);
      expect(s.queries.tcp).toBeGreaterThanOrEqual(3);
      expect(s.responses.noerror).toBeGreaterThan(3);
      expect(s.responses.nxdomain).toBeGreaterThanOrEqual(2);
      expect(s.responses.refused).toBeGreaterThanOrEqual(2);
      expect(s.recompiles).toBeGreaterThanOrEqual(2);
      expect(s.errors).toBe(0);
    });
  });

describe('embedded DNS server lifecycle', () => {
  it('port 0 picks different free ports; a taken port is an error; stop() is idempotent and frees the port', async () => {
    const one = await startEmbeddedDnsServer({ zone: ZONE, port: 0 });
    const two = await startEmbeddedDnsServer({ zone: ZONE, port: 0 });
    expect(one.port).not.toBe(two.port);
    await expect(startEmbeddedDnsServer({ zone: ZONE, port: one.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    await two.stop();
    await one.stop();
    await one.stop();
    const again = await startEmbeddedDnsServer({ zone: ZONE, port: one.port });
    await again.stop();
  });

  it('a provider that owns its server stops it on close()', async () => {
    const server = await startEmbeddedDnsServer({ zone: ZONE, port: 0, records: [API] });
    const provider = createEmbeddedProvider(server, { ownServer: true });
    await provider.close();
    expect(await udpExchange(server.port, query(`api.${ZONE}`, 'A'), 300)).toBeUndefined();
  });

  it('logs start and stop through a pino logger', async () => {
    const lines: string[] = [];
    const logger: EmbeddedDnsLogger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const server = await startEmbeddedDnsServer({
      zone: ZONE,
      port: 0,
      records: [],
      logger,
      ns: ['ns1.example.net', 'ns2.example.net'],
      nsTtl: 600,
    });
    expect(sorted(await resolverFor(server.port).resolveNs(ZONE))).toEqual(['ns1.example.net', 'ns2.example.net']);
    await server.stop();
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
      'embedded DNS server listening (UDP and TCP)',
      'embedded DNS server stopped',
    ]);
  });

  it('rejects bad options', async () => {
    await expect(startEmbeddedDnsServer({ zone: ZONE, host: 'localhost', port: 0 })).rejects.toThrow(
      /not an IP address/,
    );
    await expect(startEmbeddedDnsServer({ zone: ZONE, port: 70_000 })).rejects.toThrow(/port/);
    await expect(startEmbeddedDnsServer({ zone: ZONE, port: 0, limits: { maxUdpPayload: 100 } })).rejects.toThrow(
      /maxUdpPayload/,
    );
    await expect(startEmbeddedDnsServer({ zone: 'no zone', port: 0 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ZONE',
    });
  });
});
