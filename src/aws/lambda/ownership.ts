/**
 * Whose lifecycle action is this? Only our own hook's actions may ever be completed: another tool's hook on
 * the same group (one that bootstraps or drains Aerospike, say) must never be cut short. Our hooks carry the
 * ownership marker as NotificationMetadata, and we manage only the configured groups. The check needs just
 * two settings, so it can still be made — strictly — when some other part of the configuration is invalid.
 */
import { parseMarker, validateOwnerId } from '../../records/marker.js';
import type { LifecycleAction } from './events.js';

export interface Ownership {
  readonly ownerId: string;
  readonly groups: readonly string[];
}

export type Verdict = 'ours' | 'foreign-hook' | 'foreign-group';

/** The action's hook carries our marker and its group is one we manage. */
export function lifecycleVerdict(action: LifecycleAction, ownership: Ownership): Verdict {
  if (parseMarker(action.notificationMetadata ?? '')?.owner !== ownership.ownerId) return 'foreign-hook';
  return ownership.groups.includes(action.group) ? 'ours' : 'foreign-group';
}

/**
 * Owner id and groups read straight from the environment, for when the full configuration is invalid.
 * Undefined unless both are given explicitly and valid: a default owner id proves nothing.
 */
export function ownershipFromEnv(env: Readonly<Record<string, string | undefined>>): Ownership | undefined {
  const ownerId = env.SEEDKEEPER_OWNER_ID?.trim();
  const groups = (env.SEEDKEEPER_ASG_NAMES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!ownerId || groups.length === 0) return undefined;
  try {
    validateOwnerId(ownerId);
  } catch {
    return undefined;
  }
  return { ownerId, groups };
}
