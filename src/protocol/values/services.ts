/**
 * `service-clear-std` / `-tls-std` / `-clear-alt` / `-tls-alt`: the node's own endpoints (§2.2).
 *   value := "" | hostport ("," hostport)*      with the port mandatory on every entry.
 * An empty value is legal and means "nothing configured"; load-balancer detection then keeps the seed.
 */
import { InfoParseError } from '../errors.js';
import { formatHostPort, type HostPort } from '../../net/endpoint.js';
import { assertListHost, parseHostText } from './host-text.js';
import { checkLength } from './scan.js';

/** More endpoints than any real node has; a longer list is garbage. */
export const MAX_SERVICE_HOSTS = 64;

export function parseServiceList(value: string, command = 'service-clear-std'): readonly HostPort[] {
  checkLength(command, value, 64 * 1024);
  if (value.length === 0) return [];
  const hosts: HostPort[] = [];
  let start = 0;
  for (;;) {
    let end = value.indexOf(',', start);
    if (end < 0) end = value.length;
    if (hosts.length === MAX_SERVICE_HOSTS) throw new InfoParseError(command, `more than ${MAX_SERVICE_HOSTS} hosts`);
    if (end === start) throw new InfoParseError(command, `empty entry at offset ${start}`);
    hosts.push(parseHostText(command, value.slice(start, end)));
    if (end === value.length) return hosts;
    start = end + 1;
  }
}

/** Print endpoints as the server does; throws RangeError for a host the parser would refuse. */
export function formatServiceList(hosts: readonly HostPort[]): string {
  if (hosts.length > MAX_SERVICE_HOSTS) throw new RangeError(`more than ${MAX_SERVICE_HOSTS} hosts`);
  for (const hp of hosts) assertListHost(hp);
  return hosts.map(formatHostPort).join(',');
}
