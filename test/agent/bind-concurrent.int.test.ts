// Eight agents registering at once against a real BIND 9 primary (RFC 2136 + TSIG, compare-and-swap):
// every address ends up in the record, with the ownership marker; deregistering seven at once leaves
// exactly the one kept; the last one is never removed (fail open), and records we do not own are refused.
import net from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { Agent } from '../../src/agent/agent.js';
import { createDnsTarget } from '../../src/agent/targets/dns.js';
import { startBind, type BindServer } from '../harness/bind.js';
import { describeIfTool } from '../harness/require-tool.js';
import { keyOf, providerFor, resolveAll } from '../providers/rfc2136/helpers.js';

let bind: BindServer | undefined;
let listener: net.Server | undefined;
const agents: Agent[] = [];

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.target.close()));
  await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
  await bind?.stop();
  bind = listener = undefined;
});

/** One stand-in "Aerospike" port every agent probes (their registered addresses are documentation IPs). */
async function openPort(): Promise<number> {
  listener = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => listener!.listen(0, '127.0.0.1', resolve));
  return (listener.address() as net.AddressInfo).port;
}

describeIfTool(['named', 'nsupdate'])('agents against BIND 9', () => {
  it('8 agents register at once: all 8 addresses and the marker; 7 deregister at once: exactly the kept one remains', async () => {
    bind = await startBind({ zone: 'seed.test' });
    const server = bind;
    const key = await keyOf(server);
    const port = await openPort();
    const record = `db.${server.zone}`;
    const addresses = Array.from({ length: 8 }, (_, i) => `192.0.2.${i + 1}`);
    for (const [i, address] of addresses.entries()) {
      // Each agent has its own provider (its own connection to BIND), as on eight different nodes.
      const target = createDnsTarget({ provider: providerFor(server, key), name: record, ttl: 30, ownerId: 'agents' });
      agents.push(
        new Agent({
          target,
          identity: { id: `node-${i + 1}`, address, port },
          probeHost: '127.0.0.1',
          wait: { timeoutMs: 5000, intervalMs: 50 },
        }),
      );
    }

    await Promise.all(agents.map((a) => a.register()));
    expect(await resolveAll(server, record, 'A')).toEqual([...addresses].sort());
    const marker = await server.resolver().resolveTxt(`_seedkeeper.${record}`);
    expect(marker.map((chunks) => chunks.join(''))).toEqual(['seedkeeper/v1 owner=agents']);

    // Registering again is a no-op (idempotent).
    await agents[0]!.register();
    expect(await resolveAll(server, record, 'A')).toHaveLength(8);

    const [kept, ...leaving] = agents;
    await Promise.all(leaving.map((a) => a.deregister()));
    expect(await resolveAll(server, record, 'A')).toEqual(['192.0.2.1']);
    await leaving[0]!.deregister(); // already gone: nothing to do

    // The kept one is the last address: removing it would empty the record, so it is refused.
    await expect(kept!.deregister()).rejects.toMatchObject({ code: 'ERR_LAST_ADDRESS' });
    expect(await resolveAll(server, record, 'A')).toEqual(['192.0.2.1']);
  });

  it('refuses to touch a record that exists without our marker', async () => {
    bind = await startBind({ zone: 'seed.test', records: [{ name: 'db', type: 'A', value: '198.51.100.1' }] });
    const server = bind;
    const target = createDnsTarget({
      provider: providerFor(server, await keyOf(server)),
      name: `db.${server.zone}`,
      ttl: 30,
      ownerId: 'agents',
    });
    const agent = new Agent({
      target,
      identity: { id: 'n1', address: '192.0.2.1', port: await openPort() },
      probeHost: '127.0.0.1',
    });
    agents.push(agent);
    const error = await agent.register().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_NOT_OWNED' });
    expect((error as Error).message).toMatch(/no seedkeeper ownership marker/);
    expect(await resolveAll(server, `db.${server.zone}`, 'A')).toEqual(['198.51.100.1']);
  });
});
