// The native engine on real loopback sockets: its threads answer what the Responder would, hand the rest to
// JavaScript with the peer's address, send JavaScript's reply back, count what they did, and release the
// port on close.
import dgram from 'node:dgram';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../src/errors.js';
import { loadNativeUdp } from '../../../../src/providers/embedded/native/binding.js';
import { NativeUdpEngine, type PacketHandler } from '../../../../src/providers/embedded/native/engine.js';
import { Responder } from '../../../../src/providers/embedded/query.js';
import { ZoneStore } from '../../../../src/providers/embedded/zone-store.js';
import type { RecordSet } from '../../../../src/records/types.js';
import { query, RC, rcodeOf, udpExchange, ZONE } from '../helpers.js';
import { nativeBinding, nativeLoadMessage, question, rawMessage } from './native.js';

const LIMITS = { maxQueryBytes: 4096, maxUdpPayload: 1232 };
const RECORDS: RecordSet[] = [
  { name: `api.${ZONE}`, type: 'A', ttl: 30, values: ['10.0.0.1', '10.0.0.2', '10.0.0.3'] },
  { name: `api.${ZONE}`, type: 'AAAA', ttl: 30, values: ['2001:db8::1'] },
  { name: `big.${ZONE}`, type: 'TXT', ttl: 30, values: ['t'.repeat(700)] },
];

function responder(): Responder {
  const store = new ZoneStore({ zone: ZONE, records: RECORDS, soa: { serial: 5 } });
  return new Responder(store, { ...LIMITS, rotate: false });
}

/** An opcode-1 (IQUERY) query: the engine never answers it, the Responder says NOTIMP. */
const jsOnly = (id: number): Buffer => rawMessage({ id, flags: 1 << 11, body: [question(`api.${ZONE}`, 1)] });

/** A bound client socket, so the test knows its port (to check the address handed to JavaScript). */
async function client(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  return socket;
}

function exchange(socket: dgram.Socket, port: number, msg: Buffer, timeoutMs = 3000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const onMessage = (reply: Buffer): void => {
      clearTimeout(timer);
      resolve(reply);
    };
    const timer = setTimeout(() => {
      socket.off('message', onMessage);
      resolve(undefined);
    }, timeoutMs);
    socket.once('message', onMessage);
    socket.send(msg, port, '127.0.0.1');
  });
}

/** Binds a plain (no SO_REUSEPORT) dgram socket; resolves with it or rejects with the bind error. */
function bindExclusive(port: number): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    socket.once('error', (err) => {
      socket.close();
      reject(err);
    });
    socket.bind({ port, address: '127.0.0.1', exclusive: true }, () => resolve(socket));
  });
}

async function until(what: string, fn: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('native UDP engine on sockets', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  function open(threads: number, onPacket: PacketHandler, port = 0): NativeUdpEngine {
    const engine = NativeUdpEngine.open(nativeBinding(), { host: '127.0.0.1', port, threads, ...LIMITS }, onPacket);
    cleanup.push(() => engine.close());
    return engine;
  }

  it('the native UDP engine is built and loads', () => {
    const { ok, message } = nativeLoadMessage();
    expect(ok, message).toBe(true);
  });

  it('answers over UDP with exactly the Responder bytes', async () => {
    const r = responder();
    const toJs: Buffer[] = [];
    const engine = open(2, (_s, msg) => toJs.push(msg));
    expect(engine.port).toBeGreaterThan(0);
    engine.setZone(r.zone());
    const queries = [
      query(`api.${ZONE}`, 'A', { id: 1 }),
      query(`API.seed.Test`, 'AAAA', { id: 2, edns: 1232, flags: 0x0100 }),
      query(`api.${ZONE}`, 'ANY', { id: 3, edns: 4096 }),
      query(`big.${ZONE}`, 'TXT', { id: 4 }), // truncated: 700 bytes without EDNS
      query(`big.${ZONE}`, 'TXT', { id: 5, edns: 1232 }),
      query(`nope.${ZONE}`, 'A', { id: 6 }),
      query(ZONE, 'SOA', { id: 7 }),
      query(ZONE, 'NS', { id: 8, edns: 512 }),
      query('example.com', 'A', { id: 9 }),
    ];
    for (const q of queries) {
      const reply = await udpExchange(engine.port, q, 3000);
      expect(reply?.toString('hex'), q.toString('hex')).toBe(r.respond(q, false)!.toString('hex'));
    }
    expect(toJs).toEqual([]); // all of them were the threads' own
  });

  it('hands other packets to JavaScript with the socket and peer address; send() replies to that peer', async () => {
    const r = responder();
    const seen: { socket: number; msg: Buffer; addr: Buffer }[] = [];
    const errnos: number[] = [];
    const engine: NativeUdpEngine = open(2, (socket, msg, addr) => {
      seen.push({ socket, msg, addr });
      errnos.push(engine.send(socket, r.respond(msg, false)!, addr));
    });
    engine.setZone(r.zone());
    const c = await client();
    cleanup.push(() => c.close());
    const q = jsOnly(0x4242);
    const reply = await exchange(c, engine.port, q);
    expect(reply).toBeDefined();
    expect(rcodeOf(reply!)).toBe(RC.NOTIMP);
    expect(reply!.readUInt16BE(0)).toBe(0x4242);
    expect(errnos).toEqual([0]);
    expect(seen).toHaveLength(1);
    const { socket, msg, addr } = seen[0]!;
    expect([0, 1]).toContain(socket);
    expect(msg.equals(q)).toBe(true);
    // A struct sockaddr_in: family (host byte order), port and address (network order).
    expect(addr.length).toBe(16);
    expect(os.endianness() === 'LE' ? addr.readUInt16LE(0) : addr.readUInt16BE(0)).toBe(2); // AF_INET
    expect(addr.readUInt16BE(2)).toBe(c.address().port);
    expect([...addr.subarray(4, 8)]).toEqual([127, 0, 0, 1]);
  });

  it('receives on every thread’s socket (clients spread over both) and replies through the right one', async () => {
    const r = responder();
    const sockets = new Set<number>();
    const engine: NativeUdpEngine = open(2, (socket, msg, addr) => {
      sockets.add(socket);
      engine.send(socket, r.respond(msg, false)!, addr);
    });
    engine.setZone(r.zone());
    // The kernel picks a socket by hashing the peer's address and port: 32 client ports reach both
    // (all on one would happen about once in 2^31 runs).
    let answered = 0;
    for (let i = 0; i < 32; i++) {
      const c = await client();
      cleanup.push(() => c.close());
      const reply = await exchange(c, engine.port, jsOnly(i));
      if (reply !== undefined && reply.readUInt16BE(0) === i && rcodeOf(reply) === RC.NOTIMP) answered++;
    }
    expect(answered).toBe(32);
    expect([...sockets].sort()).toEqual([0, 1]);
  });

  it('counts received, answered, truncated, handed to JavaScript, and answers by rcode', async () => {
    const r = responder();
    const engine: NativeUdpEngine = open(2, (socket, msg, addr) => {
      engine.send(socket, r.respond(msg, false)!, addr);
    });
    engine.setZone(r.zone());
    const zero = engine.stats();
    expect(zero).toEqual({
      received: 0,
      answered: 0,
      truncated: 0,
      toJs: 0,
      droppedOverload: 0,
      recvErrors: 0,
      sendErrors: 0,
      rcodes: [0, 0, 0, 0, 0, 0],
    });
    const send = async (q: Buffer, rcode: number): Promise<void> => {
      const reply = await udpExchange(engine.port, q, 3000);
      expect(reply && rcodeOf(reply), q.toString('hex')).toBe(rcode);
    };
    for (let i = 0; i < 5; i++) await send(query(`api.${ZONE}`, 'A', { id: i }), RC.NOERROR);
    await send(query(`big.${ZONE}`, 'TXT', { id: 10 }), RC.NOERROR); // truncated
    for (let i = 0; i < 2; i++) await send(query(`no${i}.${ZONE}`, 'A', { id: 20 + i }), RC.NXDOMAIN);
    await send(query('example.org', 'A', { id: 30 }), RC.REFUSED);
    for (let i = 0; i < 3; i++) await send(jsOnly(40 + i), RC.NOTIMP); // JavaScript's
    // A thread counts a hand-over after queueing it, which can be just after JavaScript already replied.
    await until('the counters', () => engine.stats().received === 12 && engine.stats().toJs === 3);
    expect(engine.stats()).toEqual({
      received: 12,
      answered: 9,
      truncated: 1,
      toJs: 3,
      droppedOverload: 0,
      recvErrors: 0,
      sendErrors: 0,
      rcodes: [6, 0, 0, 2, 0, 1], // JavaScript's NOTIMP answers are the Responder's to count
    });
  });

  it('close() is idempotent and frees the port for an exclusive bind', async () => {
    const engine = open(2, () => undefined);
    const { port } = engine;
    // While the engine holds it, a socket without SO_REUSEPORT cannot have the port.
    await expect(bindExclusive(port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    engine.close();
    expect(() => engine.close()).not.toThrow();
    const socket = await bindExclusive(port);
    cleanup.push(() => socket.close());
    expect(socket.address().port).toBe(port);
  });

  it('fails to open with code EADDRINUSE while a plain socket holds the port', async () => {
    const holder = await bindExclusive(0);
    const port = holder.address().port;
    let holderClosed = false;
    cleanup.push(() => holderClosed || holder.close());
    expect(() => open(2, () => undefined, port)).toThrow(expect.objectContaining({ code: 'EADDRINUSE' }));
    // Nothing was left bound by the failed open: once the holder goes, the engine gets the port.
    holder.close();
    holderClosed = true;
    await new Promise((r) => setTimeout(r, 10));
    expect(open(2, () => undefined, port).port).toBe(port);
  });

  it('rejects a thread count out of range with InvalidArgumentError', () => {
    for (const threads of [-1, 65, 1.5, Number.NaN]) {
      let error: unknown;
      try {
        open(threads, () => undefined);
      } catch (e) {
        error = e;
      }
      expect(error, String(threads)).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).path).toBe('threads');
    }
  });

  it('loadNativeUdp reports why a file cannot be used, without throwing', async () => {
    const missing = loadNativeUdp('/nonexistent/x.node');
    expect(missing.ok).toBe(false);
    expect(missing.file).toBe('/nonexistent/x.node');
    expect(!missing.ok && missing.reason).toMatch(/not built/);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'seedkeeper-native-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const garbage = path.join(dir, 'garbage.node');
    await writeFile(garbage, 'not a shared object');
    const bad = loadNativeUdp(garbage);
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.reason).toMatch(/^cannot be loaded: /);
    // The default file's cached result is untouched by these.
    expect(loadNativeUdp().ok).toBe(true);
  });
});

describe('native UDP engine at process exit', () => {
  it('a process that exits with its engine still open (threads busy) exits cleanly', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'seedkeeper-native-exit-'));
    try {
      const script = path.join(dir, 'exit.mjs');
      const binding = path.resolve('native/udp/build/Release/seedkeeper_udp.node');
      await writeFile(
        script,
        [
          `import { createRequire } from 'node:module';`,
          `import dgram from 'node:dgram';`,
          `const native = createRequire(import.meta.url)(${JSON.stringify(binding)});`,
          `const opt = Buffer.from([0, 0, 41, 4, 208, 0, 0, 0, 0, 0, 0]);`,
          `const e = native.open({ host: '127.0.0.1', port: 0, threads: 2, maxQueryBytes: 4096, maxUdpPayload: 1232, opt }, () => {});`,
          `const s = dgram.createSocket('udp4');`,
          // Garbage handed to JavaScript while the process goes away: the threads are mid-batch at exit.
          `for (let i = 0; i < 2000; i++) s.send(Buffer.alloc(20, i), e.port, '127.0.0.1');`,
          `setTimeout(() => process.exit(0), 20);`,
        ].join('\n'),
      );
      const { spawnSync } = await import('node:child_process');
      const run = spawnSync(process.execPath, [script], { timeout: 60_000, encoding: 'utf8' });
      expect({ status: run.status, signal: run.signal, stderr: run.stderr }).toEqual({
        status: 0,
        signal: null,
        stderr: '',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
