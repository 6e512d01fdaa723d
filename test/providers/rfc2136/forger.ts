/**
 * An on-path forger on loopback: a UDP and TCP front for a real DNS server. For every UDP request it first
 * sends the client forged answers (same ID and question, unsigned TSIG errors with an empty MAC, as anyone who
 * sees the request can), then relays the request to the real server and its real answer back. TCP is relayed
 * untouched. Everything stays on 127.0.0.1; close() ends every socket it opened.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { CLASS, TYPE } from '../../../src/providers/dns-wire/constants.js';
import { decodeMessage } from '../../../src/providers/dns-wire/reader.js';
import { encodeName } from '../../../src/providers/dns-wire/name.js';
import { encodeMessage } from '../../../src/providers/dns-wire/writer.js';
import { freePort } from '../../harness/ports.js';

export interface Forgery {
  readonly rcode: number;
  /** TSIG error field (BADSIG 16, BADKEY 17, BADTIME 18). */
  readonly tsigError: number;
}

export interface Forger {
  readonly port: number;
  /** Forged answers sent so far. */
  readonly forged: number;
  /** Real answers relayed so far (UDP). */
  readonly relayed: number;
  close(): Promise<void>;
}

/** An unsigned answer to `request` claiming `forgery`, with a TSIG record naming the request's key and an empty MAC. */
export function forgeAnswer(request: Buffer, forgery: Forgery): Buffer {
  const d = decodeMessage(request);
  const theirs = d.additionals.at(-1);
  // The request's algorithm name, as sent (uncompressed) at the start of its TSIG rdata.
  const algorithm =
    theirs?.type === TYPE.TSIG ? theirs.rdata.subarray(0, theirs.rdata.indexOf(0) + 1) : encodeName('hmac-sha256');
  const fixed = Buffer.alloc(16);
  fixed.writeUIntBE(Math.floor(Date.now() / 1000), 0, 6); // time signed
  fixed.writeUInt16BE(300, 6); // fudge
  fixed.writeUInt16BE(0, 8); // MAC size 0
  fixed.writeUInt16BE(d.id, 10); // original ID
  fixed.writeUInt16BE(forgery.tsigError, 12);
  fixed.writeUInt16BE(0, 14); // other len
  const rdata = Buffer.concat([algorithm, fixed]);
  const tsig = { name: theirs?.name ?? 'key', type: TYPE.TSIG, klass: CLASS.ANY, ttl: 0, rdata };
  return encodeMessage({
    id: d.id,
    flags: 0x8000 | (d.opcode << 11) | forgery.rcode,
    questions: d.questions,
    additionals: [tsig],
  });
}

export async function startForger(
  target: { host: string; port: number },
  forgeries: readonly Forgery[],
): Promise<Forger> {
  const port = await freePort();
  const front = dgram.createSocket('udp4');
  const sockets = new Set<dgram.Socket>();
  const tcpSockets = new Set<net.Socket>();
  let forged = 0;
  let relayed = 0;
  front.on('message', (msg, from) => {
    for (const f of forgeries) {
      front.send(forgeAnswer(msg, f), from.port, from.address);
      forged++;
    }
    const back = dgram.createSocket('udp4');
    sockets.add(back);
    const done = (): void => {
      if (sockets.delete(back)) back.close();
    };
    const timer = setTimeout(done, 10_000);
    back.on('message', (answer) => {
      relayed++;
      front.send(answer, from.port, from.address);
      clearTimeout(timer);
      done();
    });
    back.on('error', done);
    back.send(msg, target.port, target.host);
  });
  const tcp = net.createServer((client) => {
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      tcpSockets.add(s);
      s.on('close', () => tcpSockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => front.bind(port, '127.0.0.1', () => resolve()));
  await new Promise<void>((resolve) => tcp.listen(port, '127.0.0.1', () => resolve()));
  return {
    port,
    get forged() {
      return forged;
    },
    get relayed() {
      return relayed;
    },
    async close() {
      for (const s of sockets) s.close();
      sockets.clear();
      for (const s of tcpSockets) s.destroy();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    },
  };
}
