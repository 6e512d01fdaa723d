/** For the "never a mix of two zones" tests: generation sets, their addresses, and clients judging answers during updates. */
import dnsPacket from 'dns-packet';
import { createEmbeddedProvider } from '../../../src/providers/embedded/provider.js';
import type { EmbeddedDnsServer } from '../../../src/providers/embedded/server.js';
import type { RecordSet } from '../../../src/records/types.js';
import { query, RC, rcodeOf, udpExchange, ZONE } from './helpers.js';

export const NAME = `api.${ZONE}`;

/** Generation g's set: four addresses that all carry g, so an answer mixing two generations shows. */
export const setOf = (g: number): RecordSet => ({
  name: NAME,
  type: 'A',
  ttl: 30,
  values: [1, 2, 3, 4].map((i) => `10.${(g >> 8) & 0xff}.${g & 0xff}.${i}`),
});

/** The A addresses in a reply. */
export function addresses(reply: Buffer): string[] {
  return dnsPacket
    .decode(reply)
    .answers!.filter((a) => a.type === 'A')
    .map((a) => (a as { data: string }).data);
}

/** Polls `fn` every 20 ms until true; throws naming `what` after `timeoutMs`. */
export async function until(what: string, fn: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Applies generations 1..`updates` to NAME while three UDP clients query it, and judges every answer: NOERROR
 * with exactly one generation's four addresses. `pauseMs` after each update lets the clients in (an engine whose
 * apply resolves at once would otherwise finish before they ask). Lost datagrams are not judged.
 */
export async function hammerDuringUpdates(
  server: EmbeddedDnsServer,
  updates: number,
  pauseMs?: number,
): Promise<{ readonly judged: number; readonly bad: readonly string[] }> {
  const provider = createEmbeddedProvider(server);
  let done = false;
  let judged = 0;
  const bad: string[] = [];
  const hammer = async (): Promise<void> => {
    for (let id = 1; !done && id < 1_000_000; id++) {
      const reply = await udpExchange(server.port, query(NAME, 'A', { id: id & 0xffff }), 2000);
      if (reply === undefined) continue; // a datagram lost on a loaded machine is not a wrong answer
      judged++;
      const got = addresses(reply);
      const generations = new Set(got.map((a) => a.split('.').slice(1, 3).join('.')));
      if (rcodeOf(reply) !== RC.NOERROR || got.length !== 4 || generations.size !== 1)
        bad.push(`rcode ${rcodeOf(reply)}: ${got.join(',')}`);
    }
  };
  const clients = [hammer(), hammer(), hammer()];
  try {
    for (let g = 1; g <= updates; g++) {
      await provider.apply([{ kind: 'update', before: setOf(g - 1), after: setOf(g) }]);
      if (pauseMs !== undefined) await new Promise((r) => setTimeout(r, pauseMs));
    }
  } finally {
    done = true;
    await Promise.all(clients);
  }
  return { judged, bad };
}
