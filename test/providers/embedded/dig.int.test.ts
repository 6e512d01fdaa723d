// The embedded server as dig (BIND 9's resolver library) sees it, over UDP and TCP.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEmbeddedProvider } from '../../../src/providers/embedded/provider.js';
import { startEmbeddedDnsServer, type EmbeddedDnsServer } from '../../../src/providers/embedded/server.js';
import type { RecordSet } from '../../../src/records/types.js';
import { describeIfTool } from '../../harness/require-tool.js';
import { ZONE } from './helpers.js';

const run = promisify(execFile);
const SIXTY = Array.from({ length: 60 }, (_, i) => `10.2.0.${i + 1}`);
const RECORDS: RecordSet[] = [
  { name: `api.${ZONE}`, type: 'A', ttl: 30, values: ['127.0.0.11', '127.0.0.12', '127.0.0.13'] },
  { name: `big.${ZONE}`, type: 'A', ttl: 30, values: SIXTY },
  { name: `v6.${ZONE}`, type: 'AAAA', ttl: 30, values: ['2001:db8::1'] },
];

interface DigResult {
  readonly status: string;
  readonly flags: string[];
  readonly answers: string[];
  readonly authority: string[];
  readonly text: string;
}

function section(text: string, name: string): string[] {
  const m = new RegExp(`;; ${name} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(text);
  return m?.[1] ? m[1].split('\n').filter((l) => l.trim() !== '') : [];
}

async function dig(port: number, ...args: string[]): Promise<DigResult> {
  const { stdout } = await run('dig', ['@127.0.0.1', '-p', String(port), '+norec', '+tries=1', '+time=2', ...args], {
    timeout: 10_000,
  });
  const status = /status: (\w+)/.exec(stdout)?.[1] ?? '';
  const flags = (/;; flags: ([a-z ]*);/.exec(stdout)?.[1] ?? '').trim().split(/\s+/);
  return { status, flags, answers: section(stdout, 'ANSWER'), authority: section(stdout, 'AUTHORITY'), text: stdout };
}

const values = (lines: readonly string[]): string[] => lines.map((l) => l.split(/\s+/).at(-1)!).sort();

// Both engines: the native fast path and Node's dgram must answer dig alike.
for (const engine of ['native', 'node'] as const)
  describeIfTool(['dig'])(`embedded DNS server queried by dig (${engine} engine)`, () => {
    let server: EmbeddedDnsServer;
    beforeAll(async () => {
      server = await startEmbeddedDnsServer({ zone: ZONE, port: 0, engine, records: RECORDS, soa: { serial: 2024 } });
      expect(server.engine).toBe(engine);
    });
    afterAll(async () => {
      await server?.stop();
    });

    it.each([['+notcp'], ['+tcp']])('answers A authoritatively (%s)', async (transport) => {
      const res = await dig(server.port, transport, `api.${ZONE}`, 'A');
      expect(res.status).toBe('NOERROR');
      expect(res.flags).toEqual(expect.arrayContaining(['qr', 'aa']));
      expect(res.flags).not.toContain('tc');
      expect(values(res.answers)).toEqual(['127.0.0.11', '127.0.0.12', '127.0.0.13']);
    });

    it('NXDOMAIN and NODATA with the SOA in the authority section; REFUSED outside the zone', async () => {
      const nx = await dig(server.port, `nope.${ZONE}`, 'A');
      expect(nx.status).toBe('NXDOMAIN');
      expect(nx.flags).toContain('aa');
      expect(nx.authority).toHaveLength(1);
      expect(nx.authority[0]).toMatch(/\tSOA\tns\.seed\.test\. hostmaster\.seed\.test\. 2024 3600 600 86400 5$/);
      const nodata = await dig(server.port, '+tcp', `v6.${ZONE}`, 'A');
      expect(nodata.status).toBe('NOERROR');
      expect(nodata.answers).toEqual([]);
      expect(nodata.authority[0]).toMatch(/\tSOA\t/);
      const refused = await dig(server.port, 'example.org', 'A');
      expect(refused.status).toBe('REFUSED');
      expect(refused.flags).not.toContain('aa');
    });

    it('sets TC over UDP without EDNS when 60 A records exceed 512 bytes, and sends them all over TCP', async () => {
      const udp = await dig(server.port, '+notcp', '+noedns', '+ignore', `big.${ZONE}`, 'A');
      expect(udp.status).toBe('NOERROR');
      expect(udp.flags).toEqual(expect.arrayContaining(['qr', 'aa', 'tc']));
      expect(udp.answers).toEqual([]);
      const tcp = await dig(server.port, '+tcp', '+noedns', `big.${ZONE}`, 'A');
      expect(tcp.flags).not.toContain('tc');
      expect(values(tcp.answers)).toEqual([...SIXTY].sort());
      // With EDNS (dig offers 1232) the same answer fits in one UDP response.
      const edns = await dig(server.port, '+notcp', '+bufsize=1232', `big.${ZONE}`, 'A');
      expect(edns.flags).not.toContain('tc');
      expect(edns.answers).toHaveLength(60);
      expect(edns.text).toMatch(/EDNS: version: 0, flags:; udp: 1232/);
      // Without +ignore, dig retries over TCP by itself and gets everything.
      expect((await dig(server.port, '+noedns', `big.${ZONE}`, 'A')).answers).toHaveLength(60);
    });

    it('sees a provider change on the next query with a bumped serial', async () => {
      const provider = createEmbeddedProvider(server);
      const before = await dig(server.port, '+short', ZONE, 'SOA');
      await provider.apply([
        { kind: 'create', set: { name: `new.${ZONE}`, type: 'A', ttl: 30, values: ['10.9.9.9'] } },
      ]);
      expect((await dig(server.port, '+short', `new.${ZONE}`, 'A')).text.trim()).toBe('10.9.9.9');
      const serial = (s: string): number => Number(s.trim().split(/\s+/)[2]);
      expect(serial((await dig(server.port, '+short', ZONE, 'SOA')).text)).toBe(serial(before.text) + 1);
    });
  });
