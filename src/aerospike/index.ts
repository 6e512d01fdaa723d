/**
 * `seedkeeper/aerospike`: the official `aerospike` client, seeded through seedkeeper's discovery.
 *
 *     import { connect } from 'seedkeeper/aerospike';
 *     const seeded = await connect({ hosts: 'seed.db.example.com:3000', clusterName: 'prod' });
 *     await seeded.client.put(key, bins);
 *
 * `connect(config)` takes the official client's own config. The seeds (names, load balancers, TLS names) are
 * resolved to every A/AAAA address and raced; each node is validated (node id, cluster name) and reached at
 * its own advertised address (load balancers detected and dropped); only those direct addresses become the
 * official client's `hosts`. When the client later loses every node, the names are resolved again and the
 * client re-seeded (see SeededClient). `aerospike` is an (optional) peer dependency. docs/adapter.md.
 */
import type { ConfigOptions } from 'aerospike';
import { discoveryOptionsFromConfig, seedsFromConfig, usesTls } from './official-config.js';
import { findHosts } from './find-hosts.js';
import { resolveAdapterOptions, type AdapterOptions, type OfficialModule } from './options.js';
import { SeededClient } from './seeded-client.js';

export { DEFAULT_ADAPTER_OPTIONS, type AdapterOptions, type OfficialModule } from './options.js';
export { NoReachableNodeError } from './errors.js';
export { findHosts, type FoundHosts } from './find-hosts.js';
export { discoveryOptionsFromConfig, officialHosts, seedsFromConfig } from './official-config.js';
export { SeededClient, type SeededClientEvents } from './seeded-client.js';

async function loadOfficial(): Promise<OfficialModule> {
  const mod = (await import('aerospike')) as unknown as { default?: OfficialModule } & OfficialModule;
  return mod.default ?? mod;
}

/** Discover the cluster from the config's seeds, then connect the official client to the direct node addresses. */
export async function connect(config: ConfigOptions, options: AdapterOptions = {}): Promise<SeededClient> {
  const resolved = resolveAdapterOptions(options);
  const seeds = seedsFromConfig(config);
  const discovery = { ...resolved.discovery, ...discoveryOptionsFromConfig(config) };
  const tls = usesTls(config);
  const module = resolved.aerospike ?? (await loadOfficial());
  const { hosts, report } = await findHosts(seeds, discovery, tls);
  const client = module.client({ ...config, hosts: [...hosts] });
  await client.connect();
  return new SeededClient({ module, config, seeds, discovery, tls, options: resolved }, client, hosts, report);
}
