/** Raw UDP/TCP DNS clients and query builders for the embedded server's tests. */
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import dnsPacket, { type Answer, type Question } from 'dns-packet';

export const ZONE = 'seed.test';

export interface QueryOptions {
  readonly id?: number;
  readonly flags?: number;
  /** EDNS UDP payload size; undefined = no OPT record. */
  readonly edns?: number;
  readonly ednsVersion?: number;
  readonly qclass?: Question['class'];
}

/** Query types dns-packet encodes; its typings omit the meta types. */
export type QueryType = Question['type'] | 'ANY' | 'AXFR' | 'IXFR';

export function query(name: string, type: QueryType, options: QueryOptions = {}): Buffer {
  const additionals: Answer[] = [];
  if (options.edns !== undefined) {
    additionals.push({
      type: 'OPT',
      name: '.',
      udpPayloadSize: options.edns,
      ednsVersion: options.ednsVersion ?? 0,
      extendedRcode: 0,
      flags: 0,
      flag_do: false,
      options: [],
    });
  }
  return dnsPacket.encode({
    type: 'query',
    id: options.id ?? 4242,
    flags: options.flags ?? 0,
    questions: [{ name, type: type as Question['type'], class: options.qclass ?? 'IN' }],
    additionals,
  });
}

export const rcodeOf = (msg: Buffer): number => msg[3]! & 0x0f;
export const RC = { NOERROR: 0, FORMERR: 1, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** Sends one datagram; resolves with the first reply, or undefined after `timeoutMs`. */
export function udpExchange(port: number, msg: Buffer, timeoutMs = 1000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket('udp4');
    const done = (reply: Buffer | undefined): void => {
      clearTimeout(timer);
      socket.close();
      resolve(reply);
    };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    socket.once('message', (reply) => done(reply));
    socket.once('error', () => done(undefined));
    socket.send(msg, port, '127.0.0.1');
  });
}

export interface TcpOutcome {
  readonly data: Buffer;
  /** True if the server closed (or reset) the connection before `timeoutMs`. */
  readonly closedByServer: boolean;
  readonly ms: number;
}

/** Connects, writes `bytes`, collects everything until the server closes or `timeoutMs` passes. */
export function tcpExchange(port: number, bytes: Buffer, timeoutMs = 1000): Promise<TcpOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    const socket = net.connect({ host: '127.0.0.1', port });
    let settled = false;
    const done = (closedByServer: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closedByServer, ms: performance.now() - started });
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => done(true));
    socket.on('close', () => done(true));
    socket.on('error', () => done(true));
    socket.once('connect', () => socket.write(bytes));
  });
}

/** TCP framing: each message preceded by its 2-byte length. */
export function frame(...messages: Buffer[]): Buffer {
  return Buffer.concat(messages.flatMap((m) => [Buffer.from([m.length >> 8, m.length & 0xff]), m]));
}

/** Splits a TCP byte stream into messages (ignores an incomplete tail). */
export function unframe(stream: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  for (let i = 0; i < 10_000 && off + 2 <= stream.length; i++) {
    const len = stream.readUInt16BE(off);
    if (off + 2 + len > stream.length) break;
    out.push(stream.subarray(off + 2, off + 2 + len));
    off += 2 + len;
  }
  return out;
}

export function resolverFor(port: number): dns.promises.Resolver {
  const r = new dns.promises.Resolver({ timeout: 1000, tries: 2 });
  r.setServers([`127.0.0.1:${port}`]);
  return r;
}

export const sorted = (xs: readonly string[]): string[] => [...xs].sort();
