/**
 * Host and port as the protocol writes them: `a.b.c.d:port`, `[v6]:port`, `name:port`. IPv6 hosts are kept
 * unbracketed in memory and bracketed only when formatted with a port.
 */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export function formatHostPort(hp: HostPort): string {
  // Every IPv6 literal holds a ':' and no name or IPv4 address does, so the colon alone decides; net.isIPv6
  // would compile Node's IPv6 regex on the first call, a third of a cold process's first discover() CPU.
  return hp.host.includes(':') ? `[${hp.host}]:${hp.port}` : `${hp.host}:${hp.port}`;
}

export function isValidPort(port: number): boolean {
  return Number.isInteger(port) && port > 0 && port <= 65535;
}

/** Two endpoints are the same only if host text and port both match. */
export function sameHostPort(a: HostPort, b: HostPort): boolean {
  return a.port === b.port && a.host.toLowerCase() === b.host.toLowerCase();
}
