// The native engine's bound on packets waiting for JavaScript: while this process's event loop is blocked
// (spawnSync), a flood of packets the engine cannot answer itself piles up to the bound and no further;
// the rest is dropped and counted as overload, nothing else is lost, and the server answers afterwards.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNativeUdp } from '../../../../src/providers/embedded/native/binding.js';
import { startEmbeddedDnsServer, type EmbeddedDnsServer } from '../../../../src/providers/embedded/server.js';
import { resolverFor, ZONE } from '../helpers.js';

const FLOOD = 12_000;
/** engine.cc's kMaxPendingPackets. */
const MAX_PENDING = 4096;

describe('native UDP engine under a flood of packets for JavaScript', () => {
  let server: EmbeddedDnsServer;

  beforeAll(async () => {
    const native = loadNativeUdp();
    expect(native.ok, native.ok ? '' : `the native UDP engine is required here: ${native.reason}`).toBe(true);
    server = await startEmbeddedDnsServer({
      zone: ZONE,
      port: 0,
      engine: 'native',
      workers: 1,
      records: [{ name: `api.${ZONE}`, type: 'A', ttl: 30, values: ['127.0.0.11'] }],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps at most its bound waiting, counts the rest as overload, and answers afterwards', async () => {
    const before = server.stats();
    // A header claiming two questions: never on the fast path (JavaScript answers FORMERR).
    const script = `
      const dgram = require('node:dgram');
      const s = dgram.createSocket('udp4');
      const msg = Buffer.from([0, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0]);
      let sent = 0;
      const next = () => {
        if (sent >= ${FLOOD}) return s.close();
        for (let i = 0; i < 200 && sent < ${FLOOD}; i++, sent++) s.send(msg, ${server.port}, '127.0.0.1');
        setTimeout(next, 1);
      };
      next();`;
    // Blocks this process's event loop while the child floods: nothing reaches JavaScript meanwhile.
    const child = spawnSync(process.execPath, ['-e', script], { timeout: 120_000 });
    expect(child.status, String(child.stderr)).toBe(0);
    let after = server.stats();
    for (let i = 0; i < 400; i++) {
      const settled =
        after.responses.formerr - before.responses.formerr + after.dropped.overload - before.dropped.overload ===
        after.queries.udp - before.queries.udp;
      if (settled) break;
      await new Promise((r) => setTimeout(r, 25));
      after = server.stats();
    }
    const received = after.queries.udp - before.queries.udp;
    const answered = after.responses.formerr - before.responses.formerr;
    const overload = after.dropped.overload - before.dropped.overload;
    expect(received).toBeGreaterThan(MAX_PENDING); // the kernel may drop some on its own; most arrive
    expect(answered + overload).toBe(received);
    expect(overload).toBeGreaterThan(0);
    // The bound, plus stragglers still in the kernel queue when the event loop resumed (a loaded machine).
    expect(answered).toBeLessThanOrEqual(MAX_PENDING + 1000);
    expect(await resolverFor(server.port).resolve4(`api.${ZONE}`)).toEqual(['127.0.0.11']);
  });
});
