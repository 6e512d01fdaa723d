// Hostile traffic against the real sockets: every packet is dropped or answered without harm, TCP
// connections that misbehave are closed, and the server keeps answering normal queries.
import dgram from 'node:dgram';
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedDnsServer, type EmbeddedDnsServer } from '../../../src/providers/embedded/server.js';
import { frame, query, rcodeOf, RC, resolverFor, tcpExchange, udpExchange, unframe, ZONE } from './helpers.js';

const IDLE_MS = 400;

// Both engines: hostile traffic must be handled alike by the native fast path and by Node's dgram.
for (const engine of ['native', 'node'] as const)
  describe(`embedded DNS server under hostile traffic (${engine} engine)`, () => {
    let server: EmbeddedDnsServer;

    async function stillAnswers(): Promise<void> {
      expect(await resolverFor(server.port).resolve4(`api.${ZONE}`)).toEqual(['127.0.0.11']);
      const tcp = unframe((await tcpExchange(server.port, frame(query(`api.${ZONE}`, 'A')), 300)).data);
      expect(tcp.map(rcodeOf)).toEqual([RC.NOERROR]);
    }

    beforeAll(async () => {
      server = await startEmbeddedDnsServer({
        zone: ZONE,
        port: 0,
        engine,
        records: [{ name: `api.${ZONE}`, type: 'A', ttl: 30, values: ['127.0.0.11'] }],
        limits: { tcpIdleTimeoutMs: IDLE_MS, tcpMessageTimeoutMs: IDLE_MS, maxTcpConnections: 4 },
      });
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('drops random datagrams (fast-check) and truncated headers, then still answers', async () => {
      const q = query(`api.${ZONE}`, 'A');
      const packets = [
        ...fc.sample(fc.uint8Array({ minLength: 0, maxLength: 700 }), 400).map((u) => Buffer.from(u)),
        ...Array.from({ length: 12 }, (_, n) => q.subarray(0, n)),
        q.subarray(0, q.length - 2),
      ];
      const before = server.stats();
      const socket = dgram.createSocket('udp4');
      const replies: Buffer[] = [];
      socket.on('message', (m) => replies.push(m));
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      // In batches, letting the server catch up, so that the kernel's receive buffer never overflows.
      for (let i = 0; i < packets.length; i += 32) {
        for (const p of packets.slice(i, i + 32))
          await new Promise<void>((resolve) => socket.send(p, server.port, '127.0.0.1', () => resolve()));
        const sent = Math.min(i + 32, packets.length);
        for (let t = 0; t < 100 && server.stats().queries.udp - before.queries.udp < sent; t++)
          await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.close();
      const after = server.stats();
      const handled = (s: typeof after): number =>
        Object.values(s.responses).reduce((a, b) => a + b, 0) +
        s.dropped.malformed +
        s.dropped.responses +
        s.dropped.oversize;
      expect(after.queries.udp - before.queries.udp).toBe(packets.length);
      expect(handled(after) - handled(before)).toBe(packets.length);
      expect(after.dropped.malformed - before.dropped.malformed).toBeGreaterThanOrEqual(13);
      for (const reply of replies) expect(reply[2]! & 0x80).toBe(0x80);
      await stillAnswers();
    });

    it('answers 50 questions with FORMERR, drops pointer loops and oversized packets', async () => {
      const fifty = Buffer.concat([
        Buffer.from([0, 7, 0, 0, 0, 50, 0, 0, 0, 0, 0, 0]),
        ...Array.from({ length: 50 }, () => Buffer.from([3, 97, 112, 105, 0, 0, 1, 0, 1])),
      ]);
      expect(rcodeOf((await udpExchange(server.port, fifty))!)).toBe(RC.FORMERR);
      // Question name is a pointer to itself.
      const selfLoop = Buffer.from([0, 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1]);
      expect(await udpExchange(server.port, selfLoop, 100)).toBeUndefined();
      // Additional records whose names point at each other (never followed: answered normally).
      const q = query(`api.${ZONE}`, 'A', { id: 9 });
      q.writeUInt16BE(2, 10);
      const loops = Buffer.concat([
        q,
        Buffer.from([0xc0, q.length + 11, 0, 16, 0, 1, 0, 0, 0, 0, 0, 0]),
        Buffer.from([0xc0, q.length, 0, 16, 0, 1, 0, 0, 0, 0, 0, 0]),
      ]);
      const reply = await udpExchange(server.port, loops);
      expect(rcodeOf(reply!)).toBe(RC.NOERROR);
      const before = server.stats().dropped.oversize;
      expect(
        await udpExchange(server.port, Buffer.concat([query(`api.${ZONE}`, 'A'), Buffer.alloc(60_000)]), 100),
      ).toBeUndefined();
      expect(server.stats().dropped.oversize).toBe(before + 1);
      await stillAnswers();
    });

    it('closes a TCP connection at once on a 65535 length prefix with no data, and on garbage', async () => {
      const huge = await tcpExchange(server.port, Buffer.from([0xff, 0xff]), 3000);
      expect(huge.closedByServer).toBe(true);
      expect(huge.ms).toBeLessThan(IDLE_MS);
      const garbage = await tcpExchange(server.port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), 3000);
      expect(garbage).toMatchObject({ closedByServer: true, data: Buffer.alloc(0) });
      // A well-framed message that does not parse closes the connection after the answers before it.
      const mixed = await tcpExchange(
        server.port,
        frame(
          query(`api.${ZONE}`, 'A', { id: 1 }),
          Buffer.from([0, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 0x0c, 0, 1, 0, 1]),
          query(`api.${ZONE}`, 'A', { id: 3 }),
        ),
        3000,
      );
      expect(mixed.closedByServer).toBe(true);
      expect(unframe(mixed.data).map((m) => m.readUInt16BE(0))).toEqual([1]);
      await fc.assert(
        fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
          const out = await tcpExchange(server.port, Buffer.from(bytes), IDLE_MS * 3);
          expect(out.closedByServer).toBe(true); // by the server: at once, or by the idle timeout
        }),
        { numRuns: 25 },
      );
      expect(server.stats().tcp.closedMalformed).toBeGreaterThanOrEqual(3);
      await stillAnswers();
    });

    it('reassembles a query sent byte by byte, and closes idle connections', async () => {
      const bytes = frame(query(`api.${ZONE}`, 'A', { id: 77 }));
      const socket = net.connect({ host: '127.0.0.1', port: server.port });
      const chunks: Buffer[] = [];
      socket.on('data', (c) => chunks.push(c));
      const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));
      await new Promise((resolve) => socket.once('connect', resolve));
      // One segment per byte (no Nagle), each flushed before the next; no timers between them, so a loaded
      // machine cannot stretch the whole query past the server's message timeout.
      socket.setNoDelay(true);
      for (const b of bytes) {
        await new Promise((resolve) => socket.write(Buffer.from([b]), resolve));
        await new Promise((resolve) => setImmediate(resolve));
      }
      const sentAt = performance.now();
      const closedAt = await closed; // no further traffic: the idle timeout closes it
      expect(unframe(Buffer.concat(chunks)).map((m) => m.readUInt16BE(0))).toEqual([77]);
      expect(closedAt - sentAt).toBeGreaterThanOrEqual(IDLE_MS - 50);
      expect(closedAt - sentAt).toBeLessThan(IDLE_MS + 2000);
      expect(server.stats().tcp.idleTimeouts).toBeGreaterThanOrEqual(1);
    });

    it('refuses connections beyond maxTcpConnections and serves again once they close', async () => {
      const sockets = await Promise.all(
        Array.from(
          { length: 6 },
          () =>
            new Promise<net.Socket>((resolve) => {
              const s = net.connect({ host: '127.0.0.1', port: server.port }, () => resolve(s));
              s.on('error', () => undefined);
            }),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(server.stats().tcp.rejected).toBeGreaterThanOrEqual(2);
      expect(server.stats().tcp.open).toBeLessThanOrEqual(4);
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await stillAnswers();
      expect(server.stats().errors).toBe(0);
    });
  });
