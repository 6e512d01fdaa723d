import type { ClusterEventEmitter, ClusterEventName } from '../../src/discovery/events.js';

/** Poll `check` until it returns a truthy value; bounded in time and in the number of polls. */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  const maxPolls = Math.ceil(timeoutMs / intervalMs) + 1;
  let last: T | undefined;
  for (let i = 0; i < maxPolls && Date.now() <= deadline; i++) {
    last = await check();
    if (last) return last;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${options.what ?? 'a condition'} (last value: ${JSON.stringify(last)})`,
  );
}

/** Collect cluster events of the given names, in order. */
export function recordEvents<K extends ClusterEventName>(
  emitter: ClusterEventEmitter,
  names: readonly K[],
): { name: K; payload: AnyPayload }[] {
  const seen: { name: K; payload: AnyPayload }[] = [];
  for (const name of names) emitter.on(name, (payload) => seen.push({ name, payload }));
  return seen;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read event payloads of several shapes
type AnyPayload = any;
