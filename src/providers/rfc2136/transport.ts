/**
 * Sending one DNS message to one server and getting its answer (RFC 1035 §4.2, RFC 7766). UDP first,
 * re-sent on timeout a bounded number of times from one socket; TCP when the message exceeds the UDP limit
 * or the answer comes back truncated (TC). Over UDP an answer with another ID, another question, or that
 * does not parse is ignored (it may be spoofed), and so is one that fails `authenticate` (TSIG): anyone who
 * sees the request can race the server with a forged answer, so the exchange keeps listening until an answer
 * authenticates or the deadline passes (then UnverifiedAnswerError: the outcome is unknown). Over TCP
 * answers are matched to pipelined requests by ID. Every attempt has a deadline; every socket is closed
 * before the promise settles.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { UDP_PLAIN_LIMIT } from '../dns-wire/constants.js';
import { WireFormatError } from '../../errors.js';
import { readName } from '../dns-wire/name.js';
import { decodeMessage, type DecodedMessage } from '../dns-wire/reader.js';
import { DnsTimeoutError, DnsTransportError, UnverifiedAnswerError } from './errors.js';
import { formatHostPort } from '../../net/endpoint.js';

export interface DnsServerAddress {
  readonly host: string;
  readonly port: number;
}

export interface ExchangeOptions {
  /** Deadline of one attempt (one UDP send, or one TCP connection), ms. */
  readonly timeoutMs: number;
  /** UDP sends before giving up. Default 3. */
  readonly udpAttempts?: number;
  /** TCP connections before giving up. Default 2. */
  readonly tcpAttempts?: number;
  /** Skip UDP. */
  readonly tcpOnly?: boolean;
  /** Largest message sent or expected over UDP. Default 512 (no EDNS). */
  readonly udpLimit?: number;
  readonly signal?: AbortSignal;
  /**
   * Whether a UDP answer that matches the request is authentic (its TSIG verifies). One that is not is set
   * aside and the exchange keeps listening. Default: every matching answer is taken.
   */
  readonly authenticate?: (raw: Buffer, decoded: DecodedMessage) => boolean;
}

export interface ExchangeResult {
  readonly raw: Buffer;
  readonly decoded: DecodedMessage;
  readonly via: 'udp' | 'tcp';
  /** A UDP answer came back truncated (TC) before the TCP one. */
  readonly truncatedUdp: boolean;
  /** Matching UDP answers set aside because they did not authenticate before this one came. */
  readonly unverified?: number;
}

interface Pending {
  readonly id: number;
  readonly opcode: number;
  readonly question: string | undefined;
}

function questionKey(buf: Buffer): string | undefined {
  if (buf.readUInt16BE(4) === 0) return undefined;
  const { name, end } = readName(buf, 12);
  if (end + 4 > buf.length) throw new WireFormatError('question cut off', { offset: end, section: 'question' });
  return `${name}/${buf.readUInt16BE(end)}/${buf.readUInt16BE(end + 2)}`;
}

function pendingOf(request: Buffer): Pending {
  return { id: request.readUInt16BE(0), opcode: (request.readUInt16BE(2) >> 11) & 0xf, question: questionKey(request) };
}

/** Why `response` is not the answer to `p`, or undefined when it is. TC answers need only a valid header. */
function mismatch(p: Pending, response: Buffer): string | undefined {
  if (response.length < 12) return 'shorter than a header';
  if (response.readUInt16BE(0) !== p.id) return `ID ${response.readUInt16BE(0)} instead of ${p.id}`;
  const flags = response.readUInt16BE(2);
  if ((flags & 0x8000) === 0) return 'not a response (QR clear)';
  if (((flags >> 11) & 0xf) !== p.opcode) return 'another opcode';
  let question: string | undefined;
  try {
    question = questionKey(response);
  } catch (error) {
    return `a malformed question (${(error as Error).message})`;
  }
  if (question === undefined) return (flags & 0xf) === 0 ? 'no question in a NOERROR answer' : undefined;
  return question === p.question ? undefined : `another question (${question})`;
}

function decodeOrExplain(raw: Buffer): DecodedMessage | string {
  try {
    return decodeMessage(raw);
  } catch (error) {
    return `malformed (${(error as Error).message})`;
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

function networkError(server: DnsServerAddress, via: string, error: NodeJS.ErrnoException): DnsTransportError {
  return new DnsTransportError(
    'ERR_DNS_UNREACHABLE',
    `cannot reach ${formatHostPort(server)} over ${via}: ${error.code ?? error.message}`,
    { cause: error, labels: ['retryable'] },
  );
}

type UdpAnswer = { raw: Buffer; decoded: DecodedMessage; unverified: number };

async function udpExchange(
  server: DnsServerAddress,
  request: Buffer,
  options: ExchangeOptions,
): Promise<UdpAnswer | 'truncated'> {
  const attempts = Math.max(1, Math.min(options.udpAttempts ?? 3, 10));
  const pending = pendingOf(request);
  const socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
  const ignored: string[] = [];
  let unverified: { raw: Buffer; decoded: DecodedMessage } | undefined;
  let unverifiedCount = 0;
  try {
    return await new Promise((resolve, reject) => {
      let sent = 0;
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => reject(abortError(options.signal!));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const send = (): void => {
        if (sent >= attempts) {
          finish();
          const why =
            ignored.length === 0 ? '' : ` (ignored ${ignored.length} unusable answer(s), last: ${ignored.at(-1)})`;
          const deadline = `${attempts} attempt(s) of ${options.timeoutMs} ms`;
          if (unverified !== undefined) {
            reject(
              new UnverifiedAnswerError(
                `no answer from ${formatHostPort(server)} over UDP authenticated within ${deadline}; ${unverifiedCount} answer(s) did not`,
                unverified,
                unverifiedCount,
              ),
            );
            return;
          }
          reject(
            new DnsTimeoutError(
              'ERR_DNS_TIMEOUT',
              `no answer from ${formatHostPort(server)} over UDP after ${attempts} attempt(s) of ${options.timeoutMs} ms${why}`,
              { labels: ['retryable'] },
            ),
          );
          return;
        }
        sent++;
        try {
          socket.send(request, (error) => {
            if (error) fail(error);
          });
        } catch (error) {
          fail(error as Error);
          return;
        }
        timer = setTimeout(send, options.timeoutMs);
      };
      const fail = (error: NodeJS.ErrnoException): void => {
        finish();
        reject(networkError(server, 'UDP', error));
      };
      socket.on('error', fail);
      socket.on('message', (raw) => {
        const why = mismatch(pending, raw);
        if (why !== undefined) {
          if (ignored.length < 16) ignored.push(why);
          return;
        }
        if ((raw.readUInt16BE(2) & 0x0200) !== 0) {
          finish();
          resolve('truncated');
          return;
        }
        const decoded = decodeOrExplain(raw);
        if (typeof decoded === 'string') {
          if (ignored.length < 16) ignored.push(decoded);
          return;
        }
        if (options.authenticate !== undefined && !options.authenticate(raw, decoded)) {
          // Maybe forged: never a reason to stop listening. The real answer may still come.
          unverified = { raw, decoded };
          unverifiedCount++;
          return;
        }
        finish();
        resolve({ raw, decoded, unverified: unverifiedCount });
      });
      // The callback gets the lookup or connect error, if any (the typings omit the argument).
      const connected = (error?: Error | null): void => (error ? fail(error) : send());
      socket.connect(server.port, server.host, connected);
    });
  } finally {
    try {
      socket.close();
    } catch {
      /* never bound (lookup failed): nothing to close */
    }
  }
}

/** Sends `requests` pipelined on one TCP connection; answers in request order. One attempt. */
function tcpSession(
  server: DnsServerAddress,
  requests: readonly Buffer[],
  options: ExchangeOptions,
): Promise<{ raw: Buffer; decoded: DecodedMessage }[]> {
  const pending = requests.map(pendingOf);
  const results = new Array<{ raw: Buffer; decoded: DecodedMessage } | undefined>(requests.length);
  let remaining = requests.length;
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: server.host, port: server.port });
    let buffered: Buffer = Buffer.alloc(0);
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      if (error) reject(error);
      else resolve(results as { raw: Buffer; decoded: DecodedMessage }[]);
    };
    const onAbort = (): void => settle(abortError(options.signal!));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => {
      settle(
        new DnsTimeoutError(
          'ERR_DNS_TIMEOUT',
          `no complete answer from ${formatHostPort(server)} over TCP within ${options.timeoutMs} ms (${remaining} of ${requests.length} outstanding)`,
          { labels: ['retryable'] },
        ),
      );
    }, options.timeoutMs);
    socket.setNoDelay(true);
    socket.on('connect', () => {
      socket.write(Buffer.concat(requests.flatMap((r) => [Buffer.from([r.length >> 8, r.length & 0xff]), r])));
    });
    socket.on('error', (error) => settle(networkError(server, 'TCP', error)));
    socket.on('close', () =>
      settle(
        new DnsTransportError(
          'ERR_DNS_BAD_RESPONSE',
          `${formatHostPort(server)} closed the TCP connection with ${remaining} of ${requests.length} answer(s) outstanding`,
          { labels: ['retryable'] },
        ),
      ),
    );
    socket.on('data', (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      // Each frame is at least 2 bytes, so this loop ends within buffered.length / 2 steps.
      while (!settled && buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) return;
        const raw = Buffer.from(buffered.subarray(2, 2 + length));
        buffered = buffered.subarray(2 + length);
        const index = pending.findIndex((p, i) => results[i] === undefined && mismatch(p, raw) === undefined);
        if (index < 0) continue; // an answer to none of our requests: ignore it
        const decoded = decodeOrExplain(raw);
        if (typeof decoded === 'string') {
          settle(
            new DnsTransportError(
              'ERR_DNS_BAD_RESPONSE',
              `${formatHostPort(server)} sent a ${decoded} answer over TCP`,
              { labels: ['retryable', 'badPeer'] },
            ),
          );
          return;
        }
        results[index] = { raw, decoded };
        if (--remaining === 0) settle();
      }
    });
  });
}

/** Pipelines `requests` over TCP, with up to `tcpAttempts` connections (retried on timeout or a dropped connection). */
export async function exchangeTcp(
  server: DnsServerAddress,
  requests: readonly Buffer[],
  options: ExchangeOptions,
): Promise<ExchangeResult[]> {
  const attempts = Math.max(1, Math.min(options.tcpAttempts ?? 2, 10));
  let last: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (options.signal?.aborted) throw abortError(options.signal);
    try {
      const answers = await tcpSession(server, requests, options);
      return answers.map((a) => ({ ...a, via: 'tcp' as const, truncatedUdp: false }));
    } catch (error) {
      last = error;
      const retry =
        error instanceof DnsTimeoutError ||
        (error instanceof DnsTransportError && error.code === 'ERR_DNS_BAD_RESPONSE' && !error.hasLabel('badPeer'));
      if (!retry) throw error;
    }
  }
  throw last;
}

/** One request, one answer: UDP with a TCP fallback (or TCP only). */
export async function exchange(
  server: DnsServerAddress,
  request: Buffer,
  options: ExchangeOptions,
): Promise<ExchangeResult> {
  if (options.signal?.aborted) throw abortError(options.signal);
  const limit = options.udpLimit ?? UDP_PLAIN_LIMIT;
  if (options.tcpOnly !== true && request.length <= limit) {
    const answer = await udpExchange(server, request, options);
    if (answer !== 'truncated')
      return {
        raw: answer.raw,
        decoded: answer.decoded,
        via: 'udp',
        truncatedUdp: false,
        unverified: answer.unverified,
      };
    const [tcp] = await exchangeTcp(server, [request], options);
    return { ...tcp!, truncatedUdp: true };
  }
  const [tcp] = await exchangeTcp(server, [request], options);
  return tcp!;
}
