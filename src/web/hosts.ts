/**
 * The seed / hosts setting of each official client and of XDR, for the seed name (what clients should use:
 * it follows the record) and for the addresses published right now.
 */
import { formatHostPort } from '../net/endpoint.js';
import type { HostsString } from './schema.js';

export interface SeedHost {
  readonly host: string;
  readonly port: number;
}

const quote = (text: string): string => JSON.stringify(text);
/** Java, Go and Python take a bare IPv6 address with a separate port. */
const bare = (host: string): string => host.replace(/^\[|\]$/g, '');

function render(client: HostsString['client'], hosts: readonly SeedHost[]): string {
  if (hosts.length === 0) return '(no address published)';
  const list = hosts.map((h) => formatHostPort(h)).join(',');
  switch (client) {
    case 'node':
      return `Aerospike.connect({ hosts: ${quote(list)} })`;
    case 'c':
      return `as_config_add_hosts(&config, ${quote(list)}, ${hosts[0]!.port});`;
    case 'java':
      return `Host.parseHosts(${quote(list)}, ${hosts[0]!.port})`;
    case 'go':
      return `[]*as.Host{${hosts.map((h) => `as.NewHost(${quote(bare(h.host))}, ${h.port})`).join(', ')}}`;
    case 'python':
      return `{'hosts': [${hosts.map((h) => `('${bare(h.host)}', ${h.port})`).join(', ')}]}`;
    case 'xdr':
      return hosts.map((h) => `node-address-port ${bare(h.host)} ${h.port}`).join('\n');
  }
}

export const CLIENTS: readonly HostsString['client'][] = ['node', 'c', 'java', 'go', 'python', 'xdr'];

/** One entry per client: through `seedName:port`, and through the published addresses. */
export function hostsStrings(seedName: string, port: number, published: readonly SeedHost[]): HostsString[] {
  return CLIENTS.map((client) => ({
    client,
    seed: render(client, [{ host: seedName, port }]),
    direct: render(client, published),
  }));
}
