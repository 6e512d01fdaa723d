// A forger on loopback races a real BIND 9 primary: for every UDP update it answers first, unsigned, with a
// TSIG error and an empty MAC (what anyone who sees the request can send). The provider must keep listening,
// take BIND's signed answer, and report success: never a usage error, never a stop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TSIG_ERROR } from '../../../src/providers/dns-wire/constants.js';
import { addAddress } from '../../../src/providers/cas.js';
import type { TsigKey } from '../../../src/providers/rfc2136/key.js';
import { startBind, type BindServer } from '../../harness/bind.js';
import { describeIfTool } from '../../harness/require-tool.js';
import { waitFor } from '../../helpers/wait.js';
import { startRegistrarWorld } from '../../registrar/world.js';
import { startForger, type Forgery } from './forger.js';
import { aSet, dig, keyOf, providerFor, sorted } from './helpers.js';

const NOTAUTH = 9;
const FORGERIES: Record<string, Forgery> = {
  'NOTAUTH/BADSIG': { rcode: NOTAUTH, tsigError: TSIG_ERROR.BADSIG },
  'NOTAUTH/BADKEY': { rcode: NOTAUTH, tsigError: TSIG_ERROR.BADKEY },
  'NOERROR/BADTIME': { rcode: 0, tsigError: TSIG_ERROR.BADTIME },
  'NOTAUTH/BADTIME': { rcode: NOTAUTH, tsigError: TSIG_ERROR.BADTIME },
};

describeIfTool(['named', 'nsupdate', 'dig', 'timeout'])(
  'rfc2136 provider against BIND 9 behind a racing forger',
  () => {
    let bind: BindServer;
    let key: TsigKey;
    const stops: (() => Promise<void>)[] = [];

    beforeAll(async () => {
      bind = await startBind();
      key = await keyOf(bind);
    });
    afterAll(async () => {
      for (const stop of stops.splice(0)) await stop();
      await bind?.stop();
    });

    describe.each(Object.entries(FORGERIES))('a forged unsigned %s with an empty MAC', (label, forgery) => {
      it('is ignored in favour of the signed answer: a fresh provider applies its first update', async () => {
        const forger = await startForger(bind, [forgery]);
        stops.push(() => forger.close());
        const warnings: string[] = [];
        const logger = {
          warn: (_: unknown, m: string) => warnings.push(m),
          info: () => undefined,
          debug: () => undefined,
        };
        const provider = providerFor({ ...bind, port: forger.port }, key, { logger });
        const name = `forged-${label.replace('/', '-').toLowerCase()}.${bind.zone}`;
        // No read first: the key is not yet proven, the worst moment for a forged "your key is wrong".
        expect(await provider.apply([{ kind: 'create', set: aSet(name, ['10.9.0.1']) }])).toEqual({ applied: 1 });
        expect(await dig(bind, name, 'A')).toEqual(['10.9.0.1']);
        expect(forger.forged).toBeGreaterThanOrEqual(1);
        expect(forger.relayed).toBeGreaterThanOrEqual(1);
        expect(warnings).toContain(
          'rfc2136: ignored answer(s) that did not verify (forged or damaged) before the authentic one',
        );
        await provider.close();
      });
    });

    it('every forgery at once, on every update of a compare-and-swap loop: both writes land, nothing fails', async () => {
      const forger = await startForger(bind, Object.values(FORGERIES));
      stops.push(() => forger.close());
      const provider = providerFor({ ...bind, port: forger.port }, key);
      const name = `cas-forged.${bind.zone}`;
      await addAddress(provider, name, '10.9.1.1', 30);
      await addAddress(provider, name, '10.9.1.2', 30);
      expect(sorted(await dig(bind, name, 'A'))).toEqual(['10.9.1.1', '10.9.1.2']);
      expect(forger.forged).toBeGreaterThanOrEqual(2 * Object.keys(FORGERIES).length);
      await provider.close();
    });

    it('the registrar behind the forger publishes every healthy node, keeps running, and logs no stop', async () => {
      const forger = await startForger(bind, Object.values(FORGERIES));
      stops.push(() => forger.close());
      const record = `db-forged.${bind.zone}`;
      const world = await startRegistrarWorld({
        ipBase: 170,
        record,
        resolverServer: `127.0.0.1:${bind.port}`,
        start: false,
        config: {
          provider: {
            type: 'rfc2136',
            server: `127.0.0.1:${forger.port}`,
            zone: bind.zone,
            key: { file: bind.keyFile },
          },
        },
      });
      stops.push(() => world.close());
      const fatal: unknown[] = [];
      world.runtime.registrar.on('fatal', (error: unknown) => fatal.push(error));
      await world.runtime.registrar.start();
      await waitFor(async () => (await world.resolve()).length === 3, {
        what: 'all nodes published at BIND through the forger',
        timeoutMs: 20_000,
      });
      expect(await world.resolve()).toEqual([...world.ips].sort());
      expect(forger.forged).toBeGreaterThanOrEqual(Object.keys(FORGERIES).length);
      expect(fatal).toEqual([]);
      expect(world.logs.filter((l) => /stopping/.test(String(l.msg)))).toEqual([]);
    });
  },
);
