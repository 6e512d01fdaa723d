/** The status service of one registrar built from its config: which DNS servers clients are answered by. */
import { formatHostPort } from '../net/endpoint.js';
import type { EmbeddedDnsServer } from '../providers/embedded/server.js';
import type { ProviderConfig } from '../config/provider-schema.js';
import type { DnsTarget } from './dns-observer.js';
import type { RegistrarView } from './registrar-view.js';
import { createStatusService, type StatusService } from './service.js';

/** The part of the registrar's config the page needs (src/registrar/config-schema.ts). */
export interface StatusConfigView {
  readonly provider: ProviderConfig;
}

export function dnsTargetsOf(config: StatusConfigView, dns: EmbeddedDnsServer | undefined): DnsTarget[] {
  if (dns) {
    const server = formatHostPort({ host: dns.host, port: dns.port });
    return [{ label: `authoritative ${server} (embedded)`, server }];
  }
  if (config.provider.type === 'rfc2136')
    return [{ label: `authoritative ${config.provider.server} (primary)`, server: config.provider.server }];
  // Route 53's name servers are per hosted zone; the system resolver shows what clients get.
  return [];
}

export function createRegistrarStatus(
  config: StatusConfigView,
  registrar: RegistrarView,
  dns: EmbeddedDnsServer | undefined,
): StatusService {
  return createStatusService({
    registrar,
    dnsTargets: dnsTargetsOf(config, dns),
    ...(dns ? { serial: () => dns.stats().serial } : {}),
  });
}
