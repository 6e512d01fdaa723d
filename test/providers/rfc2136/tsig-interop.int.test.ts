// TSIG interoperability with an independent implementation: BIND's own dig and nsupdate (-y) talk to a
// tiny responder that verifies their signed requests with our verifyRequest and signs its answers with our
// signMessage. They accept our signatures for HMAC-SHA256 and HMAC-SHA512, and notice a tampered one.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLASS, OPCODE, TYPE } from '../../../src/providers/dns-wire/constants.js';
import { decodeMessage } from '../../../src/providers/dns-wire/reader.js';
import { encodeMessage } from '../../../src/providers/dns-wire/writer.js';
import { createTsigKey, type TsigAlgorithm, type TsigKey } from '../../../src/providers/rfc2136/key.js';
import { signMessage, verifyRequest, type TsigVerdict } from '../../../src/providers/rfc2136/tsig.js';
import { describeIfTool } from '../../harness/require-tool.js';

const run = promisify(execFile);

interface Responder {
  port: number;
  key: TsigKey;
  tamper: boolean;
  verdicts: TsigVerdict[];
  opcodes: number[];
  close(): Promise<void>;
}

async function startResponder(algorithm: TsigAlgorithm): Promise<Responder> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  const r: Responder = {
    port: socket.address().port,
    key: createTsigKey('interop-key', algorithm, randomBytes(algorithm === 'hmac-sha256' ? 32 : 64)),
    tamper: false,
    verdicts: [],
    opcodes: [],
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (raw, from) => {
    const request = decodeMessage(raw);
    const verdict = verifyRequest(raw, request, r.key);
    r.verdicts.push(verdict);
    r.opcodes.push(request.opcode);
    if (!verdict.ok) return;
    const q = request.questions[0]!;
    const answers =
      request.opcode === OPCODE.QUERY
        ? [{ name: q.name, type: TYPE.A, klass: CLASS.IN, ttl: 60, rdata: Buffer.from([10, 9, 9, 9]) }]
        : [];
    const unsigned = encodeMessage({
      id: request.id,
      flags: 0x8000 | (request.opcode << 11) | 0x0400,
      questions: [q],
      answers,
    });
    const out = Buffer.from(signMessage(unsigned, r.key, { requestMac: verdict.tsig.mac }).message);
    if (r.tamper) out[out.length - 20]! ^= 0x01; // inside the MAC
    socket.send(out, from.port, from.address);
  });
  return r;
}

const secretArg = (r: Responder): string => `${r.key.algorithm}:${r.key.name}:${r.key.secret.toString('base64')}`;

async function dig(r: Responder): Promise<string> {
  const { stdout } = await run(
    'dig',
    ['-y', secretArg(r), '@127.0.0.1', '-p', String(r.port), '+tries=1', '+time=2', 'x.seed.test', 'A'],
    { timeout: 10_000 },
  );
  return stdout;
}

async function nsupdate(r: Responder): Promise<{ code: number; stderr: string }> {
  const input = `server 127.0.0.1 ${r.port}\nzone seed.test.\nupdate add x.seed.test. 30 IN A 10.0.0.1\nsend\n`;
  return new Promise((resolve, reject) => {
    const child = execFile('nsupdate', ['-y', secretArg(r), '-t', '3'], { timeout: 10_000 }, (error, _out, stderr) => {
      if (error && typeof error.code !== 'number') reject(new Error(error.message));
      else resolve({ code: error ? Number(error.code) : 0, stderr });
    });
    child.stdin?.end(input);
  });
}

describeIfTool(['dig', 'nsupdate'])('TSIG interoperability with BIND tools', () => {
  const responders: Responder[] = [];
  beforeAll(async () => {
    for (const algorithm of ['hmac-sha256', 'hmac-sha512'] as const) responders.push(await startResponder(algorithm));
  });
  afterAll(async () => {
    await Promise.all(responders.map((r) => r.close()));
  });

  it.each([0, 1])('dig: we verify its signed query and it verifies our signed answer (responder %i)', async (i) => {
    const r = responders[i]!;
    r.tamper = false;
    const out = await dig(r);
    expect(r.verdicts.at(-1)).toMatchObject({ ok: true });
    expect(out).toContain('status: NOERROR');
    expect(out).toContain('10.9.9.9');
    expect(out).toContain(`TSIG\t${r.key.algorithm}.`);
    expect(out).not.toMatch(/verify|could not be validated/i);
  });

  it.each([0, 1])('dig notices a tampered MAC (responder %i)', async (i) => {
    const r = responders[i]!;
    r.tamper = true;
    const out = await dig(r);
    expect(out).toMatch(/tsig verify failure|could not be validated/i);
  });

  it.each([0, 1])(
    'nsupdate: its signed UPDATE verifies here and our signed answer satisfies it (responder %i)',
    async (i) => {
      const r = responders[i]!;
      r.tamper = false;
      const ok = await nsupdate(r);
      expect(r.opcodes.at(-1)).toBe(OPCODE.UPDATE);
      expect(r.verdicts.at(-1)).toMatchObject({ ok: true });
      expect(ok.code, ok.stderr).toBe(0);
      r.tamper = true;
      const bad = await nsupdate(r);
      expect(bad.code).not.toBe(0);
      expect(bad.stderr).toMatch(/tsig|signature/i);
    },
  );
});
