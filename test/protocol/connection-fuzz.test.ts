import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeedkeeperError } from '../../src/errors.js';
import { InfoConnection } from '../../src/protocol/connection.js';
import { InfoReply } from '../../src/protocol/info-codec.js';
import { onFrames, startTcpServer, type TestServer } from './servers.js';

interface Script {
  readonly bytes: Uint8Array;
  /** Send before the request arrives (unsolicited) instead of as the reply. */
  readonly early: boolean;
  readonly hangUp: boolean;
}

let script: Script = { bytes: new Uint8Array(), early: false, hangUp: true };
let server: TestServer;

beforeAll(async () => {
  server = await startTcpServer((socket) => {
    const { bytes, early, hangUp } = script;
    const send = () => {
      socket.write(bytes);
      if (hangUp) socket.end();
    };
    if (early) send();
    else onFrames(socket, send);
  });
});
afterAll(() => server.close());

// Mostly plausible headers (version 2, info type, small size) so the fuzzer reaches the body parser too.
const header = fc.tuple(fc.constantFrom(2, 2, 2, 0, 1), fc.constantFrom(1, 1, 2, 3), fc.integer({ min: 0, max: 80 }));
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 120 }),
  fc.tuple(header, fc.uint8Array({ maxLength: 100 })).map(([[v, t, size], body]) => {
    const h = Buffer.alloc(8);
    h[0] = v;
    h[1] = t;
    h.writeUIntBE(size, 2, 6);
    return new Uint8Array(Buffer.concat([h, body]));
  }),
);

describe('InfoConnection against arbitrary server bytes', () => {
  it('settles every request with a reply or a SeedkeeperError, within its timeout', async () => {
    await fc.assert(
      fc.asyncProperty(payload, fc.boolean(), fc.boolean(), async (bytes, early, hangUp) => {
        script = { bytes, early, hangUp };
        let connection: InfoConnection | undefined;
        try {
          connection = await InfoConnection.connect({ host: '127.0.0.1', port: server.port, connectTimeoutMs: 5_000 });
          const outcome = await connection.info(['node', 'build'], { timeoutMs: 100 }).catch((e: unknown) => e);
          if (!(outcome instanceof InfoReply)) expect(outcome).toBeInstanceOf(SeedkeeperError);
        } finally {
          connection?.close();
        }
      }),
      { numRuns: 100 },
    );
  });
});
