/**
 * The registrar writing to a real BIND 9 primary over RFC 2136 with TSIG: the record at BIND follows the
 * simulated cluster's health.
 */
import { afterEach, expect, it } from 'vitest';
import { startBind, type BindServer } from '../harness/bind.js';
import { describeIfTool } from '../harness/require-tool.js';
import { waitFor } from '../helpers/wait.js';
import { startRegistrarWorld, type RegistrarWorld } from './world.js';

let bind: BindServer | undefined;
let world: RegistrarWorld | undefined;

afterEach(async () => {
  await world?.close();
  await bind?.stop();
  world = bind = undefined;
});

describeIfTool(['named', 'dig'])('registrar + simulated cluster + BIND 9', () => {
  it('publishes the healthy nodes at BIND, drops a stopped node after X, and restores it', async () => {
    bind = await startBind({ zone: 'seed.test' });
    const record = `db.${bind.zone}`;
    world = await startRegistrarWorld({
      ipBase: 100,
      record,
      resolverServer: `127.0.0.1:${bind.port}`,
      config: {
        provider: { type: 'rfc2136', server: `127.0.0.1:${bind.port}`, zone: bind.zone, key: { file: bind.keyFile } },
      },
    });
    const w = world;
    expect(w.runtime.dns).toBeUndefined();
    await waitFor(async () => (await w.resolve()).length === 3, { what: 'all nodes published at BIND' });
    expect(await w.resolve()).toEqual([...w.ips].sort());
    const marker = await bind.resolver().resolveTxt(`_seedkeeper.${record}`);
    expect(marker.flat().join('')).toMatch(/^seedkeeper\/v1 owner=e2e/);

    await w.sim.nodes[0]!.stop();
    await waitFor(async () => (await w.resolve()).length === 2, {
      what: 'the stopped node to leave the record at BIND',
    });
    expect(await w.resolve()).not.toContain(w.ips[0]);
    expect(w.runtime.health.snapshot().get(`${w.ips[0]}:${w.port}`)?.state).toBe('unhealthy');

    await w.sim.nodes[0]!.start();
    await waitFor(async () => (await w.resolve()).length === 3, { what: 'the node back at BIND' });
  });

  it('stops with a clear hard error when the TSIG key is wrong, and changes nothing', async () => {
    bind = await startBind({ zone: 'seed.test', records: [{ name: 'db', type: 'A', value: '192.0.2.1' }] });
    process.env.SEEDKEEPER_TEST_BAD_SECRET = Buffer.alloc(32, 7).toString('base64');
    world = await startRegistrarWorld({
      ipBase: 110,
      record: `db.${bind.zone}`,
      resolverServer: `127.0.0.1:${bind.port}`,
      start: false,
      config: {
        provider: {
          type: 'rfc2136',
          server: `127.0.0.1:${bind.port}`,
          zone: bind.zone,
          key: { name: bind.keyName, secretEnv: 'SEEDKEEPER_TEST_BAD_SECRET' },
        },
      },
    });
    const w = world;
    const fatal = new Promise<unknown>((resolve) => w.runtime.registrar.once('fatal', resolve));
    await w.runtime.registrar.start();
    const error = await fatal;
    expect(String((error as Error).message)).toMatch(/BADSIG|secret/i);
    expect(String((error as Error).message)).not.toContain(process.env.SEEDKEEPER_TEST_BAD_SECRET);
    expect(await w.resolve()).toEqual(['192.0.2.1']);
  });
});
