/**
 * The LOGIN credential: bcrypt of the password with the fixed salt every Aerospike client uses (§6.2), so the
 * server can compare it with its stored hash. Cost 10 takes tens of milliseconds, so results are cached; the
 * cache is keyed by a SHA-256 of the password so it holds no extra plaintext copy.
 */
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

export const CREDENTIAL_SALT = '$2a$10$7EqJtq98hPqEX7fNZaFWoO';
/** A few distinct passwords at most are in use; the bound only stops unbounded growth. */
const CACHE_LIMIT = 16;
const cache = new Map<string, Promise<string> | string>();

function cacheKey(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('base64');
}

function remember(key: string, value: Promise<string> | string): void {
  if (cache.size >= CACHE_LIMIT && !cache.has(key)) {
    cache.delete(cache.keys().next().value!);
  }
  cache.set(key, value);
}

/** Synchronous credential (blocks the event loop on a cache miss); meant for tests and the simulator. */
export function hashPassword(password: string): string {
  const key = cacheKey(password);
  const cached = cache.get(key);
  if (typeof cached === 'string') return cached;
  const credential = bcrypt.hashSync(password, CREDENTIAL_SALT);
  remember(key, credential);
  return credential;
}

/**
 * The same credential computed in slices so that racing connections and timers keep running; concurrent
 * callers share one computation.
 */
export function hashPasswordAsync(password: string): Promise<string> {
  const key = cacheKey(password);
  const cached = cache.get(key);
  if (cached !== undefined) return Promise.resolve(cached);
  const pending = bcrypt.hash(password, CREDENTIAL_SALT).then(
    (credential) => {
      remember(key, credential);
      return credential;
    },
    (error: unknown) => {
      cache.delete(key);
      throw error;
    },
  );
  remember(key, pending);
  return pending;
}
