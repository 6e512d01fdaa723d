/**
 * How long resolvers cache "no such record" for a seed name: the SOA minimum of the name's zone (RFC 2308).
 * If the seed record is ever briefly missing (a restart, a provider hiccup), every resolver that asked in that
 * moment keeps answering NXDOMAIN for this long, so clients cannot find the cluster. Route 53's default is
 * 900 s. Learning it is best effort: any failure means "unknown", never a probe error.
 */
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { isSpecialUseName } from '../../net/special-use-name.js';
import type { ProbeWarning } from './report.js';

/** Above this, `probe` warns. */
export const LONG_NEGATIVE_TTL_SEC = 60;
/** Labels walked up from the seed name looking for its zone's SOA. */
const MAX_LABELS = 8;

export interface ZoneNegativeTtl {
  readonly name: string;
  readonly zone: string;
  readonly negativeTtlSec: number;
}

export interface NegativeTtlOptions {
  /** DNS servers (`ip` or `ip:port`); absent: the system's configured servers. */
  readonly servers?: readonly string[];
  /** Whole lookup, all labels together. Default 2000 ms. */
  readonly timeoutMs?: number;
}

/** The SOA minimum of `name`'s zone, found by walking up its labels; undefined when it cannot be learned. */
export async function zoneNegativeTtl(
  name: string,
  options: NegativeTtlOptions = {},
): Promise<ZoneNegativeTtl | undefined> {
  const host = name.replace(/\.$/, '').toLowerCase();
  if (isIP(host) !== 0 || !host.includes('.')) return undefined;
  if (options.servers === undefined && isSpecialUseName(host)) return undefined;
  const timeoutMs = options.timeoutMs ?? 2000;
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
  if (options.servers !== undefined) resolver.setServers([...options.servers]);
  // One deadline for the whole walk: cancelling fails the query in flight, which ends the walk.
  const deadline = setTimeout(() => resolver.cancel(), timeoutMs);
  try {
    const labels = host.split('.');
    for (let i = 0; i < Math.min(labels.length - 1, MAX_LABELS); i++) {
      const zone = labels.slice(i).join('.');
      try {
        const soa = await resolver.resolveSoa(zone);
        return { name: host, zone, negativeTtlSec: soa.minttl };
      } catch (error) {
        // ENODATA: a name inside the zone, not its apex; keep walking up. Anything else: give up quietly.
        if ((error as NodeJS.ErrnoException).code !== dns.NODATA) return undefined;
      }
    }
    return undefined;
  } finally {
    clearTimeout(deadline);
  }
}

/** The probe warning for a zone whose negative answers are cached too long, or undefined. */
export function negativeTtlWarning(found: ZoneNegativeTtl | undefined): ProbeWarning | undefined {
  if (found === undefined || found.negativeTtlSec <= LONG_NEGATIVE_TTL_SEC) return undefined;
  return {
    code: 'long-negative-ttl',
    severity: 'warning',
    message: `seed ${found.name}: resolvers cache a missing answer for ${found.negativeTtlSec} s (SOA minimum of zone ${found.zone}); if the record is ever briefly missing, clients cannot find the cluster for that long`,
    fix: `lower the SOA minimum (negative TTL) of ${found.zone} to a few seconds, e.g. 5 (Route 53: edit the zone's SOA record, whose last field defaults to 900)`,
  };
}
