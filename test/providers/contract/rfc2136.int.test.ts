// The provider contract through RFC 2136 (TSIG-signed, compare-and-swap by prerequisites) against real
// BIND 9 and Knot, each started once for the file by the test harness.
import { startBind } from '../../harness/bind.js';
import { startKnot } from '../../harness/knot.js';
import { describeIfTool } from '../../harness/require-tool.js';
import { keyOf, providerFor, type ZoneServer } from '../rfc2136/helpers.js';
import { providerContract, type ContractBackend } from './contract.js';

async function backendOn(server: ZoneServer): Promise<ContractBackend> {
  const key = await keyOf(server);
  return { zone: server.zone, provider: () => providerFor(server, key), stop: () => server.stop() };
}

// BIND 9.18.28+ refuses (SERVFAIL) an RRset of more than `max-records-per-type` (default 100) records, while
// the rfc2136 provider declares no limits and so promises DEFAULT_PROVIDER_LIMITS (400 values per set).
const BIND_GAPS = { limits: 'stock BIND holds at most 100 records per set (max-records-per-type); the provider declares 400' };

describeIfTool(['named', 'nsupdate', 'dig', 'timeout'])('DnsProvider contract: rfc2136 on BIND 9', () => {
  providerContract({ start: async () => backendOn(await startBind({ zone: 'contract.test' })), knownGaps: BIND_GAPS });
});

describeIfTool(['knotd', 'knotc', 'nsupdate', 'dig', 'timeout'])('DnsProvider contract: rfc2136 on Knot', () => {
  providerContract({ start: async () => backendOn(await startKnot({ zone: 'contract.test' })) });
});
