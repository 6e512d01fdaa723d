/**
 * The interactive demo's story, varied so each part of the status page gets its moment: a node dies, a node
 * of another cluster takes its address, the lost capacity returns as a node with a new address, then the
 * world is put back and the story starts over.
 */
import { formatHostPort } from '../net/endpoint.js';
import type { SimCluster } from '../testkit/sim-cluster.js';
import type { SimNode } from '../testkit/sim-node.js';
import type { Say } from './narrator.js';
import type { DemoWorld } from './world.js';

export type Sleep = (ms: number) => Promise<void>;

export async function tellStory(
  world: DemoWorld,
  say: Say,
  sleep: Sleep,
  stopped: () => boolean,
  maxRounds = 10_000,
): Promise<void> {
  const victim = world.sim.nodes.at(-1)!;
  const victimIp = world.ips.at(-1)!;
  const newIp = `127.0.0.${11 + world.ips.length}`;
  let replacement: SimNode | undefined;
  let stranger: SimCluster | undefined;
  const step = async (ms: number, line: string, act: () => Promise<unknown>): Promise<boolean> => {
    await sleep(ms);
    if (stopped()) return false;
    say(`demo     ${line}`);
    await act();
    return true;
  };
  for (let round = 0; round < maxRounds && !stopped(); round++) {
    if (
      !(await step(4000, `node ${victim.id} (${formatHostPort(victim.listenAddresses[0]!)}) dies`, () => victim.stop()))
    )
      break;
    if (
      !(await step(
        6000,
        `${victimIp} is recycled: a node of another cluster now answers there (watch "another cluster" on the page)`,
        async () => (stranger = await world.startStranger(victimIp)),
      ))
    )
      break;
    const back = async (): Promise<void> => {
      if (replacement) await replacement.start();
      else replacement = await world.sim.addNode({ listen: [{ host: newIp, port: world.port }] });
    };
    if (
      !(await step(
        6000,
        `the lost capacity returns with a new address: a new node at ${formatHostPort({ host: newIp, port: world.port })}`,
        back,
      ))
    )
      break;
    const reset = async (): Promise<void> => {
      await stranger?.stop();
      stranger = undefined;
      await replacement?.stop();
      await victim.start();
    };
    if (
      !(await step(
        8000,
        `back to the start: the other cluster's node and ${newIp} leave, node ${victim.id} returns at ${victimIp}`,
        reset,
      ))
    )
      break;
  }
  await stranger?.stop();
}
