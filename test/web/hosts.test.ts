import { describe, expect, it } from 'vitest';
import { hostsStrings } from '../../src/web/hosts.js';

describe('hostsStrings', () => {
  const entries = hostsStrings('seed.db.example.com', 3000, [
    { host: '10.0.0.1', port: 3000 },
    { host: 'fd00::2', port: 3000 },
  ]);
  const of = (client: string): { seed: string; direct: string } => entries.find((e) => e.client === client)!;

  it('gives every official client and XDR, through the seed name and the published addresses', () => {
    expect(entries.map((e) => e.client)).toEqual(['node', 'c', 'java', 'go', 'python', 'xdr']);
    expect(of('node').seed).toBe('Aerospike.connect({ hosts: "seed.db.example.com:3000" })');
    expect(of('node').direct).toBe('Aerospike.connect({ hosts: "10.0.0.1:3000,[fd00::2]:3000" })');
    expect(of('c').direct).toBe('as_config_add_hosts(&config, "10.0.0.1:3000,[fd00::2]:3000", 3000);');
    expect(of('java').seed).toBe('Host.parseHosts("seed.db.example.com:3000", 3000)');
    expect(of('go').direct).toBe('[]*as.Host{as.NewHost("10.0.0.1", 3000), as.NewHost("fd00::2", 3000)}');
    expect(of('python').direct).toBe("{'hosts': [('10.0.0.1', 3000), ('fd00::2', 3000)]}");
    expect(of('xdr').direct).toBe('node-address-port 10.0.0.1 3000\nnode-address-port fd00::2 3000');
  });

  it('says so when nothing is published', () => {
    expect(hostsStrings('s.example.com', 3000, [])[0]!.direct).toBe('(no address published)');
  });
});
