// The provider contract against the embedded DNS server (seedkeeper's own, on a free loopback port).
import { describe } from 'vitest';
import { createEmbeddedProvider } from '../../../src/providers/embedded/provider.js';
import { startEmbeddedDnsServer } from '../../../src/providers/embedded/server.js';
import { providerContract } from './contract.js';

describe('DnsProvider contract: embedded', () => {
  providerContract({
    async start() {
      const server = await startEmbeddedDnsServer({ zone: 'contract.test', port: 0 });
      return { zone: server.zone, provider: () => createEmbeddedProvider(server), stop: () => server.stop() };
    },
  });
});
