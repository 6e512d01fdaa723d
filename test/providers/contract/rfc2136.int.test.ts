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

describeIfTool(['named', 'nsupdate', 'dig', 'timeout'])('DnsProvider contract: rfc2136 on BIND 9', () => {
  providerContract({ start: async () => backendOn(await startBind({ zone: 'contract.test' })) });
});

describeIfTool(['knotd', 'knotc', 'nsupdate', 'dig', 'timeout'])('DnsProvider contract: rfc2136 on Knot', () => {
  providerContract({ start: async () => backendOn(await startKnot({ zone: 'contract.test' })) });
});
