/**
 * A RegistrationTarget on any DnsProvider, for one seed record. Each agent adds or removes only its own
 * address, by compare-and-swap (read, change, apply with the read set as precondition, retry on conflict),
 * so many agents at once never lose each other's changes.
 *
 * - register: the address joins the A (IPv4) or AAAA (IPv6) set. A record that does not exist yet is
 *   created together with the ownership marker in one batch, so a registrar with the same ownerId owns it.
 *   A record that exists without our marker (or with another owner's) is refused and left untouched.
 *   An existing set keeps its TTL (changing it would rewrite every member's record).
 * - deregister: the address leaves the set; removing the last address of a family is refused (fail open:
 *   clients need at least one seed) unless `allowEmpty`. An address that is not there is nothing to do.
 * - Route 53 per-node: the changed set carries `ids` ({address: member id}), so the provider creates or
 *   deletes this member's own record only (SetIdentifier = id), never rewriting the others.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { formatMarker, markerName, validateOwnerId } from '../../records/marker.js';
import { checkOwnership, readCurrent, type CurrentView } from '../../plan/ownership.js';
import { applyWithRetries } from '../../providers/cas.js';
import { canonicalIp } from '../../net/ip.js';
import { canonicalName } from '../../records/canonical.js';
import { ProviderError, type DnsProvider } from '../../providers/types.js';
import type { RecordChange, RecordSet } from '../../records/types.js';
import { ConfigError } from '../../errors.js';
import { TargetRefusedError } from '../errors.js';
import type { AgentMember, RegistrationTarget } from '../target.js';

export interface DnsTargetOptions {
  readonly provider: DnsProvider;
  /** The seed record, e.g. seed.db.example.com. */
  readonly name: string;
  /** TTL of a set this target creates, seconds. */
  readonly ttl: number;
  /** The deployment's owner id (the registrar's ownerId, if one also manages the record). */
  readonly ownerId: string;
  /** Allow removing the last address of a family (deleting the set). Default false. */
  readonly allowEmpty?: boolean;
  /** Tag the address with the member id (Route 53 per-node). Default: the provider's `capabilities.recordPerMember`. */
  readonly perMember?: boolean;
  /** Compare-and-swap attempts before giving up. Default 16. */
  readonly maxAttempts?: number;
  /** First backoff ceiling after a conflict, ms (doubles per conflict). Default 50. */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling, ms. Default 2000. */
  readonly maxDelayMs?: number;
  /** [0, 1) for the jitter. Default Math.random. */
  readonly random?: () => number;
  /** Close the provider on close(). Default true. */
  readonly closeProvider?: boolean;
}

export const DEFAULT_DNS_TARGET_OPTIONS = Object.freeze({ maxAttempts: 16, baseDelayMs: 50, maxDelayMs: 2000 });

type Edit = 'add' | 'remove';

function familyOf(address: string): { type: 'A' | 'AAAA'; ip: string } {
  if (isIPv4(address)) return { type: 'A', ip: canonicalIp(address) };
  if (isIPv6(address) && !address.includes('%')) return { type: 'AAAA', ip: canonicalIp(address) };
  throw new ConfigError('node.address', `${JSON.stringify(address)} is not an IP address`);
}

export function createDnsTarget(options: DnsTargetOptions): RegistrationTarget {
  const { provider } = options;
  const name = canonicalName(options.name);
  const marker = markerName(name);
  const ownerId = validateOwnerId(options.ownerId);
  if (!Number.isInteger(options.ttl) || options.ttl < 0 || options.ttl > 2_147_483_647)
    throw new ConfigError('record.ttl', `expected a TTL in seconds, got ${options.ttl}`);
  const perMember = options.perMember ?? provider.capabilities?.recordPerMember === true;
  const maxAttempts = options.maxAttempts ?? DEFAULT_DNS_TARGET_OPTIONS.maxAttempts;
  const base = options.baseDelayMs ?? DEFAULT_DNS_TARGET_OPTIONS.baseDelayMs;
  const cap = options.maxDelayMs ?? DEFAULT_DNS_TARGET_OPTIONS.maxDelayMs;
  const random = options.random ?? Math.random;
  let closed = false;

  function refuseUnowned(view: CurrentView): void {
    const ownership = checkOwnership(view, ownerId);
    if (!ownership.owned) throw new TargetRefusedError('ERR_NOT_OWNED', ownership.note.message);
  }

  function withMember(set: RecordSet, ip: string, member: AgentMember): RecordSet {
    return perMember ? { ...set, ids: { [ip]: member.id } } : set;
  }

  /** The changes one edit needs given what was read; [] when there is nothing to do. */
  function changesFor(edit: Edit, view: CurrentView, member: AgentMember): RecordChange[] {
    const { type, ip } = familyOf(member.address);
    const current = view.sets[type];
    const present = view.values[type].includes(ip);
    if (edit === 'add') {
      refuseUnowned(view);
      if (present) return [];
      const changes: RecordChange[] = [];
      if (view.marker === undefined)
        changes.push({
          kind: 'create',
          set: { name: marker, type: 'TXT', ttl: options.ttl, values: [formatMarker(ownerId)] },
        });
      if (current === undefined) {
        changes.push({ kind: 'create', set: withMember({ name, type, ttl: options.ttl, values: [ip] }, ip, member) });
      } else {
        changes.push({
          kind: 'update',
          before: current,
          after: withMember({ name, type, ttl: current.ttl, values: [...view.values[type], ip] }, ip, member),
        });
      }
      return changes;
    }
    if (!present || current === undefined) return [];
    refuseUnowned(view);
    const rest = view.values[type].filter((v) => v !== ip);
    if (rest.length > 0)
      return [{ kind: 'update', before: current, after: { name, type, ttl: current.ttl, values: rest } }];
    if (options.allowEmpty === true) return [{ kind: 'delete', set: current }];
    throw new TargetRefusedError(
      'ERR_LAST_ADDRESS',
      `${name} ${type}: ${ip} is its last address; removing it would leave the record empty, so it stays (clients need at least one seed; record.allowEmpty: true allows it)`,
    );
  }

  async function edit(what: Edit, member: AgentMember): Promise<void> {
    if (closed) throw new ProviderError(provider.kind, 'ERR_PROVIDER_CLOSED', 'the DNS target is closed');
    // Creating the record takes two changes (record + marker), so this is the batch form of modifyRecordSet.
    await applyWithRetries(
      provider,
      [name, marker],
      (current) => changesFor(what, readCurrent(name, current), member),
      `${what === 'add' ? 'adding' : 'removing'} ${member.address} at ${name}`,
      {
        maxAttempts,
        baseDelayMs: base,
        maxDelayMs: cap,
        random,
      },
    );
  }

  return {
    kind: `dns:${provider.kind}`,
    register: (member) => edit('add', member),
    deregister: (member) => edit('remove', member),
    async close() {
      if (closed) return;
      closed = true;
      if (options.closeProvider !== false) await provider.close();
    },
  };
}
