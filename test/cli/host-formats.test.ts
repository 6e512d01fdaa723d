// resolve --format: every host-list syntax, parsed back into the same hosts (unit), and through the real CLI
// against the simulated cluster behind its load balancer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHostList, HOST_FORMATS, type FormattableHost, type HostFormat } from '../../src/cli/host-formats.js';
import { formatHostPort } from '../../src/net/endpoint.js';
import { startLoadBalancer, type LoadBalancer } from '../../src/testkit/load-balancer.js';
import { startSimCluster, type SimCluster } from '../../src/testkit/sim-cluster.js';
import { runCli } from '../helpers/cli.js';

interface Parsed {
  host: string;
  port: number;
  tlsName?: string;
}

/** `host[:tls]:port` or `[v6][:tls]:port`, comma-separated (the Node.js/C client and asadm syntax). */
function parseHostString(text: string): Parsed[] {
  return text.split(',').map((item) => {
    const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::([^:]+))?:(\d+)$/.exec(item);
    if (!m) throw new Error(`bad host item ${item}`);
    return { host: (m[1] ?? m[2])!, port: Number(m[4]), ...(m[3] ? { tlsName: m[3] } : {}) };
  });
}

const str = String.raw`"((?:[^"\\]|\\.)*)"`;
function all(re: RegExp, text: string): RegExpExecArray[] {
  return [...text.matchAll(re)];
}

const PARSERS: Record<HostFormat, (text: string) => Parsed[]> = {
  hosts: parseHostString,
  asadm: (text) => {
    expect(text.startsWith('-h ')).toBe(true);
    return parseHostString(text.slice(3));
  },
  java: (text) => {
    expect(text).toMatch(/^new Host\[\] \{.*\}$/);
    return all(new RegExp(String.raw`new Host\(${str}(?:, ${str})?, (\d+)\)`, 'g'), text).map((m) => ({
      host: JSON.parse(`"${m[1]}"`),
      port: Number(m[3]),
      ...(m[2] !== undefined ? { tlsName: JSON.parse(`"${m[2]}"`) } : {}),
    }));
  },
  go: (text) => {
    expect(text).toMatch(/^\[\]\*as\.Host\{.*\}$/);
    return all(
      new RegExp(String.raw`as\.NewHost\(${str}, (\d+)\)|&as\.Host\{Name: ${str}, TLSName: ${str}, Port: (\d+)\}`, 'g'),
      text,
    ).map((m) =>
      m[1] !== undefined ? { host: m[1], port: Number(m[2]) } : { host: m[3]!, tlsName: m[4]!, port: Number(m[5]) },
    );
  },
  python: (text) => {
    // A Python list of tuples is, with brackets for parentheses, a JSON array.
    const json = JSON.parse(text.replaceAll('(', '[').replaceAll(')', ']')) as [string, number, string?][];
    return json.map(([host, port, tlsName]) => ({ host, port, ...(tlsName !== undefined ? { tlsName } : {}) }));
  },
  xdr: (text) =>
    text.split('\n').map((line) => {
      const [keyword, host, port, tlsName, ...rest] = line.split(' ');
      expect(keyword).toBe('node-address-port');
      expect(rest).toEqual([]);
      return { host: host!, port: Number(port), ...(tlsName !== undefined ? { tlsName } : {}) };
    }),
};

const PLAIN: FormattableHost[] = [
  { host: '10.0.0.1', port: 3000 },
  { host: '2001:db8::7', port: 3100 },
];
const TLS: FormattableHost[] = [
  { host: '10.0.0.1', port: 4333, tlsName: 'db.example.com' },
  { host: '2001:db8::7', port: 4333, tlsName: 'db-2' },
];

describe('formatHostList', () => {
  for (const format of HOST_FORMATS) {
    it(`${format}: parses back into the same hosts, plain and with TLS names`, () => {
      expect(PARSERS[format](formatHostList(format, PLAIN))).toEqual(PLAIN);
      expect(PARSERS[format](formatHostList(format, TLS))).toEqual(TLS);
    });
  }

  it('prints the documented examples', () => {
    const two = [
      { host: '10.0.0.1', port: 3000 },
      { host: '10.0.0.2', port: 3000 },
    ];
    expect(formatHostList('hosts', two)).toBe('10.0.0.1:3000,10.0.0.2:3000');
    expect(formatHostList('java', two)).toBe('new Host[] { new Host("10.0.0.1", 3000), new Host("10.0.0.2", 3000) }');
    expect(formatHostList('go', two)).toBe('[]*as.Host{as.NewHost("10.0.0.1", 3000), as.NewHost("10.0.0.2", 3000)}');
    expect(formatHostList('python', two)).toBe('[("10.0.0.1", 3000), ("10.0.0.2", 3000)]');
    expect(formatHostList('asadm', two)).toBe('-h 10.0.0.1:3000,10.0.0.2:3000');
    expect(formatHostList('xdr', two)).toBe('node-address-port 10.0.0.1 3000\nnode-address-port 10.0.0.2 3000');
  });

  it('refuses text it cannot quote safely', () => {
    expect(() => formatHostList('java', [{ host: 'a"\u0000', port: 1 }])).toThrow(/cannot quote/);
  });
});

describe('seedkeeper resolve --format', () => {
  let sim: SimCluster;
  let lb: LoadBalancer;
  beforeAll(async () => {
    sim = await startSimCluster({ nodes: 3 });
    lb = await startLoadBalancer({ targets: () => sim.nodes.map((n) => n.listenAddresses[0]!) });
  });
  afterAll(async () => {
    await lb.stop();
    await sim.stop();
  });

  it('prints every format through the load balancer, each listing the direct node addresses', async () => {
    const direct = sim.nodes.map((n) => formatHostPort(n.accessAddresses[0]!)).sort();
    for (const format of HOST_FORMATS) {
      const result = await runCli(['resolve', '--format', format, formatHostPort(lb.address)]);
      expect(result.code, result.stderr).toBe(0);
      const parsed = PARSERS[format](result.stdout.trimEnd());
      expect(parsed.map((h) => formatHostPort(h)).sort(), format).toEqual(direct);
    }
  });

  it('an unknown format exits 2 naming the choices', async () => {
    const result = await runCli(['resolve', '--format', 'yaml', formatHostPort(lb.address)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "expected hosts or json, or another client's syntax (java, go, python, asadm, xdr)",
    );
  });
});
