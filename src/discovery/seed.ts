/**
 * Seed strings as every official client writes them, `host[:tlsname][:port]` (parsed by net/endpoint.ts), and
 * the hosts-string form: a list of them, comma-separated.
 */
import { ConfigError } from '../errors.js';
import { DEFAULT_SERVICE_PORT, parseEndpoint, type Endpoint } from '../net/endpoint.js';

export type Seed = Endpoint;

export function parseSeed(text: string, defaultPort = DEFAULT_SERVICE_PORT, path = 'seed'): Seed {
  return parseEndpoint(text, { defaultPort, path });
}

/** Parse a list where each entry may itself be comma-separated (`a:3000,b:3000`), the hosts-string form. */
export function parseSeeds(entries: readonly string[], defaultPort = DEFAULT_SERVICE_PORT): Seed[] {
  const seeds: Seed[] = [];
  entries.forEach((entry, i) => {
    const parts = entry.split(',').filter((p) => p.trim().length > 0);
    parts.forEach((part, j) =>
      seeds.push(parseSeed(part, defaultPort, parts.length > 1 ? `seeds[${i}][${j}]` : `seeds[${i}]`)),
    );
  });
  if (seeds.length === 0) throw new ConfigError('seeds', 'expected at least one seed (host[:tlsname][:port])');
  return seeds;
}
