/**
 * Host lists in the syntax of every place one goes: the Node.js and C clients' hosts string, Java's `Host[]`,
 * Go's `[]*as.Host`, Python's list of tuples, asadm/aql's `-h`, and XDR's `node-address-port` lines.
 * Pure functions of the node list; examples of each in docs/adapter.md.
 */
import { ConfigError } from '../errors.js';
import { formatHostTlsPort } from '../net/endpoint.js';

export const HOST_FORMATS = Object.freeze(['hosts', 'java', 'go', 'python', 'asadm', 'xdr'] as const);
export type HostFormat = (typeof HOST_FORMATS)[number];

/** One direct node address, with the TLS name its certificate carries (when TLS is used). */
export interface FormattableHost {
  readonly host: string;
  readonly port: number;
  readonly tlsName?: string | undefined;
}

export function isHostFormat(value: string): value is HostFormat {
  return (HOST_FORMATS as readonly string[]).includes(value);
}

/** A double-quoted literal valid in Java, Go and Python (host names and TLS names are plain ASCII). */
function quoted(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text))
    throw new ConfigError('host', `cannot quote ${JSON.stringify(text)} for a client's source code`);
  return JSON.stringify(text);
}

const FORMATTERS: Readonly<Record<HostFormat, (hosts: readonly FormattableHost[]) => string>> = {
  hosts: (hosts) => hosts.map(formatHostTlsPort).join(','),
  java: (hosts) =>
    `new Host[] {${hosts.map((h) => (h.tlsName === undefined ? ` new Host(${quoted(h.host)}, ${h.port})` : ` new Host(${quoted(h.host)}, ${quoted(h.tlsName)}, ${h.port})`)).join(',')}${hosts.length > 0 ? ' ' : ''}}`,
  go: (hosts) =>
    `[]*as.Host{${hosts.map((h) => (h.tlsName === undefined ? `as.NewHost(${quoted(h.host)}, ${h.port})` : `&as.Host{Name: ${quoted(h.host)}, TLSName: ${quoted(h.tlsName)}, Port: ${h.port}}`)).join(', ')}}`,
  python: (hosts) =>
    `[${hosts.map((h) => (h.tlsName === undefined ? `(${quoted(h.host)}, ${h.port})` : `(${quoted(h.host)}, ${h.port}, ${quoted(h.tlsName)})`)).join(', ')}]`,
  asadm: (hosts) => `-h ${hosts.map(formatHostTlsPort).join(',')}`,
  xdr: (hosts) =>
    hosts
      .map((h) => `node-address-port ${h.host} ${h.port}${h.tlsName === undefined ? '' : ` ${h.tlsName}`}`)
      .join('\n'),
};

/** The host list in `format`, without a trailing newline. */
export function formatHostList(format: HostFormat, hosts: readonly FormattableHost[]): string {
  return FORMATTERS[format](hosts);
}
