/**
 * Per-operation abort signals that hang off one long-lived signal (a cluster's `closing`) through a single
 * listener. Passing the long-lived signal itself to every concurrent operation adds one listener per operation
 * (64 peers validated at once = 64 listeners, Node's MaxListenersExceededWarning at 11); a child adds none to
 * the parent and is forgotten when released.
 */

export interface ChildSignal {
  readonly signal: AbortSignal;
  /** Detach from the parent (the operation ended). Idempotent. */
  release(): void;
}

/** Children of each parent; the parent holds one `abort` listener while it has any. */
const families = new WeakMap<AbortSignal, Set<AbortController>>();

export function childSignal(parent: AbortSignal): ChildSignal {
  const controller = new AbortController();
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { signal: controller.signal, release: () => undefined };
  }
  let children = families.get(parent);
  if (!children) {
    const family = new Set<AbortController>();
    children = family;
    families.set(parent, family);
    parent.addEventListener(
      'abort',
      () => {
        families.delete(parent);
        for (const child of family) child.abort(parent.reason);
        family.clear();
      },
      { once: true },
    );
  }
  children.add(controller);
  const family = children;
  return { signal: controller.signal, release: () => void family.delete(controller) };
}

/** Run `work` with its own child of `parent` (or no signal when there is no parent), released when it ends. */
export async function withChildSignal<T>(
  parent: AbortSignal | undefined,
  work: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T> {
  if (!parent) return work(undefined);
  const child = childSignal(parent);
  try {
    return await work(child.signal);
  } finally {
    child.release();
  }
}
