/**
 * Finding a hosted zone's id from its name (ListHostedZonesByName), for setups that know the zone name only.
 * One request; the result is worth caching by the caller (zones do not move).
 */
import { ListHostedZonesByNameCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { canonicalName } from '../../records/canonical.js';
import { ProviderError } from '../types.js';
import { PROVIDER, toProviderError } from './errors.js';

/**
 * The id (without `/hostedzone/`) of the hosted zone named `zone`. With both a public and a private zone of
 * that name, `privateZone` must say which; ERR_ROUTE53_NO_SUCH_ZONE when there is none.
 */
export async function findHostedZoneId(
  client: Route53Client,
  zone: string,
  options: { readonly privateZone?: boolean } = {},
): Promise<string> {
  const name = `${canonicalName(zone)}.`;
  let out;
  try {
    out = await client.send(new ListHostedZonesByNameCommand({ DNSName: name, MaxItems: 10 }));
  } catch (error) {
    throw toProviderError(error, `look up hosted zone ${name}`, name);
  }
  const matches = (out.HostedZones ?? []).filter(
    (z) =>
      z.Name?.toLowerCase() === name &&
      (options.privateZone === undefined || (z.Config?.PrivateZone ?? false) === options.privateZone),
  );
  if (matches.length === 0)
    throw new ProviderError(PROVIDER, 'ERR_ROUTE53_NO_SUCH_ZONE', `no hosted zone is named ${name}`, {
      labels: ['usage'],
    });
  if (matches.length > 1) {
    throw new ProviderError(
      PROVIDER,
      'ERR_ROUTE53_AMBIGUOUS_ZONE',
      `${matches.length} hosted zones are named ${name} (${matches.map((z) => z.Id).join(', ')}): give hostedZoneId, or privateZone`,
      {
        labels: ['usage'],
      },
    );
  }
  return (matches[0]!.Id ?? '').replace(/^\/?hostedzone\//, '');
}
