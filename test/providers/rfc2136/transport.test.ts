// The transport against scripted fake servers on loopback: spoofed and malformed UDP answers ignored,
// bounded retries, TC → TCP, large requests straight to TCP, pipelined TCP answers in any order and
// split anywhere, and every failure bounded in time with the sockets closed.
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMessage } from '../../../src/providers/dns-wire/reader.js';
import { encodeMessage } from '../../../src/providers/dns-wire/writer.js';
import { buildQuery } from '../../../src/providers/rfc2136/message.js';
import { exchange, exchangeTcp } from '../../../src/providers/rfc2136/transport.js';
import { freePort } from '../../harness/ports.js';
import { answerTo, closeFakes, fake, frame, type Fake } from './fake-dns.js';

const server = (f: Fake) => ({ host: '127.0.0.1', port: f.port });
const lastOctet = (raw: Buffer): number | undefined => decodeMessage(raw).answers[0]?.rdata[3];
async function failure(p: Promise<unknown>): Promise<{ code: string; message: string; labels: Set<string> }> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: { code: string; message: string; labels: Set<string> }) => e,
  );
}

afterEach(closeFakes);

describe('UDP', () => {
  it('ignores answers with another ID, another question or garbage, and accepts the real one', async () => {
    const f = await fake({
      udp: (msg, reply) => {
        reply(answerTo(msg, 2, { id: (msg.readUInt16BE(0) + 1) & 0xffff }));
        reply(answerTo(msg, 3, { name: 'evil.seed.test' }));
        reply(Buffer.from('not dns at all'));
        reply(answerTo(msg, 1));
      },
    });
    const answer = await exchange(server(f), buildQuery('a.seed.test', 'A').message, { timeoutMs: 1000 });
    expect(answer.via).toBe('udp');
    expect(lastOctet(answer.raw)).toBe(1);
  });

  it('keeps listening past matching answers that fail authenticate, takes the first that passes, and counts the others', async () => {
    const f = await fake({
      udp: (msg, reply) => {
        reply(answerTo(msg, 2));
        reply(answerTo(msg, 3));
        setTimeout(() => reply(answerTo(msg, 1)), 20);
      },
    });
    const authenticate = (raw: Buffer): boolean => lastOctet(raw) === 1;
    const answer = await exchange(server(f), buildQuery('a.seed.test', 'A').message, { timeoutMs: 1000, authenticate });
    expect(lastOctet(answer.raw)).toBe(1);
    expect(answer.unverified).toBe(2);
  });

  it('with only answers that fail authenticate, waits out the deadline, then says none authenticated (retryable)', async () => {
    const f = await fake({ udp: (msg, reply) => reply(answerTo(msg, 2)) });
    const t0 = Date.now();
    const error = await failure(
      exchange(server(f), buildQuery('a.seed.test', 'A').message, {
        timeoutMs: 100,
        udpAttempts: 2,
        authenticate: () => false,
      }),
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(error.code).toBe('ERR_DNS_UNVERIFIED');
    expect(error.labels.has('retryable')).toBe(true);
    expect(error.message).toMatch(
      /no answer from 127\.0\.0\.1:\d+ over UDP authenticated within 2 attempt\(s\) of 100 ms; 2 answer\(s\) did not/,
    );
    expect(f.udpSeen).toHaveLength(2);
  });

  it('times out (bounded) when only spoofed answers come, saying what it ignored', async () => {
    const f = await fake({ udp: (msg, reply) => reply(answerTo(msg, 2, { id: (msg.readUInt16BE(0) + 1) & 0xffff })) });
    const t0 = Date.now();
    const error = await failure(
      exchange(server(f), buildQuery('a.seed.test', 'A').message, { timeoutMs: 100, udpAttempts: 3 }),
    );
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(error.code).toBe('ERR_DNS_TIMEOUT');
    expect(error.labels.has('retryable')).toBe(true);
    expect(error.message).toMatch(
      /after 3 attempt\(s\) of 100 ms \(ignored 3 unusable answer\(s\), last: ID \d+ instead of \d+\)/,
    );
    expect(f.udpSeen).toHaveLength(3);
  });

  it('re-sends the same message on timeout, a bounded number of times', async () => {
    const f = await fake({ udp: (msg, reply, count) => count === 3 && reply(answerTo(msg)) });
    const query = buildQuery('a.seed.test', 'A').message;
    const answer = await exchange(server(f), query, { timeoutMs: 100, udpAttempts: 3 });
    expect(lastOctet(answer.raw)).toBe(1);
    expect(f.udpSeen).toEqual([query, query, query]);
    const g = await fake({ udp: (msg, reply, count) => count === 3 && reply(answerTo(msg)) });
    expect((await failure(exchange(server(g), query, { timeoutMs: 100, udpAttempts: 2 }))).code).toBe(
      'ERR_DNS_TIMEOUT',
    );
  });

  it('falls back to TCP when the answer is truncated', async () => {
    const f = await fake({
      udp: (msg, reply) => reply(answerTo(msg, 1, { tc: true })),
      tcp: ([msg], s) => s.write(frame(answerTo(msg!, 7))),
    });
    const answer = await exchange(server(f), buildQuery('a.seed.test', 'A').message, { timeoutMs: 1000 });
    expect(answer).toMatchObject({ via: 'tcp', truncatedUdp: true });
    expect(lastOctet(answer.raw)).toBe(7);
  });

  it('sends a request larger than 512 bytes over TCP only', async () => {
    const f = await fake({ tcp: ([msg], s) => s.write(frame(answerTo(msg!, 9))) });
    const big = encodeMessage({
      id: 4242,
      flags: 0,
      questions: [{ name: 'a.seed.test', type: 1, klass: 1 }],
      additionals: [{ name: '', type: 65280, klass: 1, ttl: 0, rdata: Buffer.alloc(600) }],
    });
    const answer = await exchange(server(f), big, { timeoutMs: 1000 });
    expect(answer.via).toBe('tcp');
    expect(f.udpSeen).toHaveLength(0);
  });

  it('reports an unreachable server (ICMP port unreachable) quickly', async () => {
    const port = await freePort();
    const t0 = Date.now();
    const error = await failure(
      exchange({ host: '127.0.0.1', port }, buildQuery('a.seed.test', 'A').message, { timeoutMs: 2000 }),
    );
    expect(error.code).toBe('ERR_DNS_UNREACHABLE');
    expect(Date.now() - t0).toBeLessThan(1000);
  });
});

describe('TCP', () => {
  it('matches pipelined answers to requests whatever their order and however they are split', async () => {
    const f = await fake({
      framesPerReply: 3,
      tcp: (frames, s) => {
        const bytes = Buffer.concat([
          frame(answerTo(frames[2]!, 3)),
          frame(answerTo(frames[0]!, 1)),
          frame(answerTo(frames[1]!, 2)),
        ]);
        for (let i = 0; i < bytes.length; i += 7) s.write(bytes.subarray(i, i + 7));
      },
    });
    const queries = ['a', 'b', 'c'].map((n) => buildQuery(`${n}.seed.test`, 'A').message);
    const answers = await exchangeTcp(server(f), queries, { timeoutMs: 1000 });
    expect(answers.map((a) => lastOctet(a.raw))).toEqual([1, 2, 3]);
    expect(answers.map((a) => a.decoded.id)).toEqual(queries.map((q) => q.readUInt16BE(0)));
  });

  it('gives up after bounded attempts on a server that never answers, and closes its connections', async () => {
    const f = await fake({ tcp: () => undefined });
    const t0 = Date.now();
    const error = await failure(
      exchangeTcp(server(f), [buildQuery('a.seed.test', 'A').message], { timeoutMs: 150, tcpAttempts: 2 }),
    );
    expect(error.code).toBe('ERR_DNS_TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(f.tcpConnections).toBe(2);
    await new Promise((r) => setTimeout(r, 50));
    expect(f.tcpClosed).toBe(2);
  });

  it('reports a connection closed before the answer, and a malformed answer', async () => {
    const closing = await fake({ tcp: (_frames, s) => s.end() });
    expect(
      (await failure(exchangeTcp(server(closing), [buildQuery('a.seed.test', 'A').message], { timeoutMs: 1000 }))).code,
    ).toBe('ERR_DNS_BAD_RESPONSE');
    const garbage = await fake({
      tcp: ([msg], s) => s.write(frame(Buffer.concat([answerTo(msg!), Buffer.from([1, 2, 3])]))),
    });
    const error = await failure(
      exchangeTcp(server(garbage), [buildQuery('a.seed.test', 'A').message], { timeoutMs: 1000 }),
    );
    expect(error.code).toBe('ERR_DNS_BAD_RESPONSE');
    expect(error.labels.has('badPeer')).toBe(true);
    expect(garbage.tcpConnections).toBe(1); // a malformed answer is not retried
  });

  it('stops when aborted', async () => {
    const f = await fake({ tcp: () => undefined });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('stop now')), 50);
    const error = await failure(
      exchangeTcp(server(f), [buildQuery('a.seed.test', 'A').message], { timeoutMs: 5000, signal: controller.signal }),
    );
    expect(error.message).toBe('stop now');
  });
});
