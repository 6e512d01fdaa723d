// The embedded server on the native engine: chosen and reported, UDP (threads) and TCP (JavaScript) giving
// the same answers, counters that add both up, and no answer from a mix of two zones while updates land.
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../src/errors.js';
import {
  startEmbeddedDnsServer,
  type EmbeddedDnsEngine,
  type EmbeddedDnsServer,
} from '../../../../src/providers/embedded/server.js';
import { frame, query, RC, rcodeOf, resolverFor, sorted, tcpExchange, udpExchange, unframe, ZONE } from '../helpers.js';
import { addresses, hammerDuringUpdates, NAME, setOf, until } from '../updates.js';
import { nativeLoadMessage, question, rawMessage } from './native.js';

describe('embedded DNS server with the native engine', () => {
  let server: EmbeddedDnsServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('the native UDP engine is built and loads', () => {
    const { ok, message } = nativeLoadMessage();
    expect(ok, message).toBe(true);
  });

  it('runs native threads, no worker processes, and answers UDP and TCP alike', async () => {
    server = await startEmbeddedDnsServer({
      zone: ZONE,
      port: 0,
      records: [setOf(0)],
      engine: 'native',
      workers: 2,
      rotate: false,
    });
    expect(server.engine).toBe('native');
    expect(server.workers).toBe(2);
    expect(server.workerPids()).toEqual([]);
    expect(sorted(await resolverFor(server.port).resolve4(NAME))).toEqual(sorted(setOf(0).values));
    // The same queries over UDP (the threads) and TCP (the Responder): the same bytes. One TCP connection for
    // all of them: tcpExchange collects until its deadline (the server keeps the connection open).
    const queries = [
      query(NAME, 'A', { id: 11 }),
      query(NAME.toUpperCase(), 'A', { id: 12, edns: 1232 }),
      query(`nope.${ZONE}`, 'AAAA', { id: 13 }),
      query(ZONE, 'SOA', { id: 14, edns: 4096 }),
    ];
    const tcp = unframe((await tcpExchange(server.port, frame(...queries), 3000)).data);
    expect(tcp.map((m) => m.readUInt16BE(0))).toEqual([11, 12, 13, 14]);
    for (const [i, q] of queries.entries()) {
      const udp = await udpExchange(server.port, q, 3000);
      expect(udp?.toString('hex'), q.toString('hex')).toBe(tcp[i]!.toString('hex'));
    }
  });

  it('adds native and JavaScript counters up', async () => {
    server = await startEmbeddedDnsServer({ zone: ZONE, port: 0, records: [setOf(0)], engine: 'native', workers: 2 });
    const { port } = server;
    const ask = async (q: Buffer, rcode: number): Promise<void> => {
      const reply = await udpExchange(port, q, 3000);
      expect(reply && rcodeOf(reply), q.toString('hex')).toBe(rcode);
    };
    for (let i = 0; i < 5; i++) await ask(query(NAME, 'A', { id: i }), RC.NOERROR); // the threads'
    for (let i = 0; i < 2; i++) await ask(query(`no${i}.${ZONE}`, 'A', { id: 10 + i }), RC.NXDOMAIN); // the threads'
    await ask(rawMessage({ id: 20, qd: 0, body: [] }), RC.FORMERR); // JavaScript's
    await ask(rawMessage({ id: 21, qd: 2, body: [question(NAME, 1), question(NAME, 1)] }), RC.FORMERR); // JavaScript's
    // arcount 1 with no record: JavaScript drops it as malformed, unanswered.
    expect(await udpExchange(port, rawMessage({ id: 22, ar: 1, body: [question(NAME, 1)] }), 500)).toBeUndefined();
    const tcp = unframe((await tcpExchange(port, frame(query(NAME, 'A', { id: 30 })), 2000)).data);
    expect(tcp.map(rcodeOf)).toEqual([RC.NOERROR]);
    const s = server;
    await until('the counters', () => s.stats().queries.udp === 10 && s.stats().queries.tcp === 1);
    const stats = s.stats();
    expect(stats.queries).toEqual({ udp: 10, tcp: 1 });
    expect(stats.responses).toEqual({
      noerror: 6, // 5 from the threads, 1 from TCP
      formerr: 2,
      servfail: 0,
      nxdomain: 2,
      notimp: 0,
      refused: 0,
      badvers: 0,
    });
    expect(stats.dropped).toEqual({ malformed: 1, oversize: 0, responses: 0, overload: 0 });
    expect(stats.errors).toBe(0);
  });

  it("engine 'node' serves through Node's dgram", async () => {
    server = await startEmbeddedDnsServer({ zone: ZONE, port: 0, records: [setOf(0)], engine: 'node' });
    expect(server.engine).toBe('node');
    expect(sorted(await resolverFor(server.port).resolve4(NAME))).toEqual(sorted(setOf(0).values));
  });

  it('rejects an unknown engine with InvalidArgumentError naming engine', async () => {
    const attempt = startEmbeddedDnsServer({ zone: ZONE, port: 0, engine: 'turbo' as EmbeddedDnsEngine });
    await expect(attempt).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(attempt).rejects.toMatchObject({ path: 'engine', message: expect.stringMatching(/^engine: /) });
  });

  it('never answers from a mix of two updates, nor empty, while 1,000 updates are applied', async () => {
    server = await startEmbeddedDnsServer({ zone: ZONE, port: 0, records: [setOf(0)], engine: 'native', workers: 2 });
    const port = server.port;
    // setTimeout(1) after each update lets the clients in: apply resolves at once with the native engine.
    const { judged, bad } = await hammerDuringUpdates(server, 1000, 1);
    expect(bad.slice(0, 20)).toEqual([]);
    expect(judged).toBeGreaterThan(100);
    // setZone is synchronous: once apply resolved, every thread answers the last set.
    for (let i = 0; i < 10; i++) {
      const reply = await udpExchange(port, query(NAME, 'A', { id: i }), 3000);
      expect(reply && sorted(addresses(reply))).toEqual(sorted(setOf(1000).values));
    }
  }, 180_000);
});
