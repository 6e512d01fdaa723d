/**
 * The embedded server as a DnsProvider: reads come from the zone store's current snapshot, changes go
 * through its atomic compare-and-swap `apply`, and the very next query sees them (with a bumped serial);
 * `apply` resolves once the change is in the server's state file, when it has one.
 * The server belongs to the caller: `close()` leaves it running unless `ownServer` is set.
 */
import { DEFAULT_PROVIDER_LIMITS } from '../../records/limits.js';
import { ProviderError, type ApplyResult, type DnsProvider } from '../types.js';
import type { RecordChange, RecordSet } from '../../records/types.js';
import type { EmbeddedDnsServer } from './server.js';

export interface EmbeddedProviderOptions {
  /** Stop the server on close(). Default false: whoever started the server stops it. */
  readonly ownServer?: boolean;
}

export function createEmbeddedProvider(server: EmbeddedDnsServer, options: EmbeddedProviderOptions = {}): DnsProvider {
  let closed = false;
  // Runs `fn` now; its result or its throw becomes the promise's outcome.
  const attempt = <T>(fn: () => T): Promise<T> =>
    new Promise<T>((resolve) => {
      if (closed) throw new ProviderError('embedded', 'ERR_PROVIDER_CLOSED', 'the provider is closed');
      resolve(fn());
    });
  return {
    kind: 'embedded',
    limits: DEFAULT_PROVIDER_LIMITS,
    zone: server.zone,
    read: (names: readonly string[]): Promise<readonly RecordSet[]> => attempt(() => server.store.read(names)),
    // Applied in memory (served from the next packet), then awaited on disk: a published change survives a restart.
    async apply(changes: readonly RecordChange[]): Promise<ApplyResult> {
      const result = await attempt(() => server.store.apply(changes));
      await server.flush();
      return result;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      if (options.ownServer === true) await server.stop();
    },
  };
}
