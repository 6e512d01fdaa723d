import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedDnsServer, type EmbeddedDnsServer } from '../../../src/providers/embedded/server.js';
import { negativeTtlWarning, zoneNegativeTtl } from '../../../src/discovery/probe/negative-ttl.js';
import { probe } from '../../../src/discovery/probe/probe.js';
import { startSimCluster, type SimCluster } from '../../../src/testkit/sim-cluster.js';

const ZONE = 'negttl.test';
let dns: EmbeddedDnsServer | undefined;
let sim: SimCluster | undefined;

afterEach(async () => {
  await dns?.stop();
  await sim?.stop();
  dns = undefined;
  sim = undefined;
});

async function serve(minimum: number, values: readonly string[] = ['127.0.0.1']): Promise<string> {
  dns = await startEmbeddedDnsServer({
    zone: ZONE,
    port: 0,
    soa: { minimum, ttl: Math.max(minimum, 30) },
    records: [{ name: `seed.${ZONE}`, type: 'A', ttl: 5, values }],
  });
  return `127.0.0.1:${dns.port}`;
}

describe('the seed zone negative TTL', () => {
  it("finds the SOA minimum of the seed name's zone by walking up from the name", async () => {
    const server = await serve(900);
    expect(await zoneNegativeTtl(`seed.${ZONE}`, { servers: [server] })).toEqual({
      name: `seed.${ZONE}`,
      zone: ZONE,
      negativeTtlSec: 900,
    });
  });

  it('is unknown, not an error, for an IP, a server that does not answer, or a special-use name on the system resolver', async () => {
    expect(await zoneNegativeTtl('127.0.0.1')).toBeUndefined();
    expect(await zoneNegativeTtl('seed.demo.test')).toBeUndefined();
    expect(await zoneNegativeTtl('seed.db.example.com')).toBeUndefined();
    const started = Date.now();
    // A loopback port with nothing listening: the query fails or times out within the whole-walk deadline.
    expect(await zoneNegativeTtl(`seed.${ZONE}`, { servers: ['127.0.0.1:9'], timeoutMs: 300 })).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('warns above 60 s and says how to lower it; stays quiet at 5 s', () => {
    const warning = negativeTtlWarning({ name: 'seed.db.example.com', zone: 'db.example.com', negativeTtlSec: 900 });
    expect(warning).toMatchObject({ code: 'long-negative-ttl', severity: 'warning' });
    expect(warning?.message).toContain('900 s');
    expect(warning?.fix).toMatch(/SOA minimum .* db\.example\.com/);
    expect(
      negativeTtlWarning({ name: 'seed.db.example.com', zone: 'db.example.com', negativeTtlSec: 5 }),
    ).toBeUndefined();
    expect(negativeTtlWarning(undefined)).toBeUndefined();
  });

  it('probe reports a long negative TTL of the seed zone next to the node it found', async () => {
    sim = await startSimCluster({
      nodes: 1,
      clusterName: 'negttl',
      nodeOptions: [{ listen: [{ host: '127.0.0.1', port: 0 }] }],
    });
    const port = sim.nodes[0]!.address.port;
    const server = await serve(900);
    const report = await probe([`seed.${ZONE}:${port}`], { dnsServers: [server] });
    expect(report.nodes.length).toBe(1);
    expect(report.warnings.map((w) => w.code)).toContain('long-negative-ttl');
    await dns?.stop();
    const quiet = await serve(5);
    const calm = await probe([`seed.${ZONE}:${port}`], { dnsServers: [quiet] });
    expect(calm.warnings.map((w) => w.code)).not.toContain('long-negative-ttl');
  });
});
