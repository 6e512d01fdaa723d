/**
 * Sending units as change batches. Each batch is atomic at Route 53. When `bisect` is on (per-node mode,
 * where units are independent members), a batch Route 53 refuses is split in halves and retried, so one
 * member's conflict does not hold back every other member (external-dns's lesson: a failed batch must not
 * freeze the zone); the refused units are reported, and the caller re-reads and retries them.
 *
 * `pinned` units (conditions, see batch.ts) head every batch and every half: no change is ever sent without
 * them. When Route 53 names a pinned record in its refusal, the condition itself failed (a replica's lease
 * moved on): every unit of the batch is refused at once, since no half could pass either.
 */
import { ChangeResourceRecordSetsCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { ConflictError, ProviderError } from '../types.js';
import type { Unit } from './batch.js';
import { batchMessages, PROVIDER } from './errors.js';
import type { Route53Caller } from './rate.js';

type LogFn = (obj: Record<string, unknown>, msg: string) => void;

export interface SubmitDeps {
  readonly caller: Route53Caller;
  readonly client: Route53Client;
  readonly hostedZoneId: string;
  readonly log: { readonly info: LogFn; readonly debug: LogFn };
}

export interface SubmitOutcome {
  readonly applied: Unit[];
  /** Units Route 53 refused (bisect mode only). */
  readonly failed: { readonly unit: Unit; readonly error: ProviderError }[];
  /** Ids of the change batches Route 53 accepted, in order. */
  readonly changeIds: string[];
  /** A failure that stopped the submission (throttled out, access denied…); units after it were not sent. */
  readonly fatal?: Error;
}

const COMMENT_MAX = 256;

function refusal(error: unknown): error is ProviderError {
  return (
    error instanceof ConflictError ||
    (error instanceof ProviderError && (error.code === 'ERR_ROUTE53_INVALID' || error.code === 'ERR_ROUTE53_LIMIT'))
  );
}

/** Sends `batches` (from packBatches) in order; never throws: what went wrong is in the outcome. */
export async function submitBatches(
  deps: SubmitDeps,
  batches: readonly (readonly Unit[])[],
  bisect: boolean,
  pinned: readonly Unit[] = [],
): Promise<SubmitOutcome> {
  const outcome: {
    applied: Unit[];
    failed: { unit: Unit; error: ProviderError }[];
    changeIds: string[];
    fatal?: Error;
  } = { applied: [], failed: [], changeIds: [] };

  const send = async (batch: readonly Unit[]): Promise<void> => {
    const what = batch.map((u) => u.what).join('; ');
    const input = {
      HostedZoneId: deps.hostedZoneId,
      ChangeBatch: {
        Comment: `seedkeeper: ${what}`.slice(0, COMMENT_MAX),
        Changes: [...pinned, ...batch].flatMap((u) => u.changes),
      },
    };
    const out = await deps.caller.call('ChangeResourceRecordSets', `change batch (${what})`, () =>
      deps.client.send(new ChangeResourceRecordSetsCommand(input)),
    );
    const id = out.ChangeInfo?.Id;
    if (id !== undefined) outcome.changeIds.push(id);
    outcome.applied.push(...batch);
    deps.log.info(
      {
        zone: deps.hostedZoneId,
        changes: input.ChangeBatch.Changes.length,
        changeId: id,
        status: out.ChangeInfo?.Status,
      },
      `route53: applied ${what}`,
    );
  };

  const attempt = async (batch: readonly Unit[]): Promise<void> => {
    try {
      await send(batch);
    } catch (error) {
      if (!bisect || !refusal(error)) throw error;
      if (batch.length === 1 || conditionFailed(error, pinned)) {
        for (const unit of batch) outcome.failed.push({ unit, error });
        deps.log.debug({ units: batch.map((u) => u.what), error: error.message }, 'route53: change refused');
        return;
      }
      const half = Math.ceil(batch.length / 2);
      deps.log.debug({ units: batch.length }, 'route53: batch refused, splitting it');
      await attempt(batch.slice(0, half));
      await attempt(batch.slice(half));
    }
  };

  try {
    for (const batch of batches) await attempt(batch);
  } catch (error) {
    outcome.fatal = error instanceof Error ? error : new Error(String(error));
  }
  return outcome;
}

/** True when Route 53's refusal names a record of a pinned unit (`[name='_seedkeeper-lease.seed.example.com.', …`). */
function conditionFailed(error: ProviderError, pinned: readonly Unit[]): boolean {
  const names = pinned.flatMap((u) => u.changes.map((c) => c.ResourceRecordSet?.Name ?? '')).filter((n) => n !== '');
  const lines = batchMessages(error.cause);
  return names.some((name) => lines.some((line) => line.includes(`name='${name}'`)));
}

/** The error to throw for refused units: ConflictError when every refusal was one, else the first other refusal. */
export function refusedError(outcome: SubmitOutcome, total: number): ProviderError | undefined {
  if (outcome.failed.length === 0) return undefined;
  const other = outcome.failed.find((f) => !(f.error instanceof ConflictError));
  if (other) return other.error;
  const what = outcome.failed.map((f) => f.unit.what).join('; ');
  return new ConflictError(
    PROVIDER,
    `${outcome.failed.length} of ${total} changes conflicted and were not applied (${what}); the other ${outcome.applied.length} were. Re-read and retry`,
    {
      cause: outcome.failed[0]!.error,
    },
  );
}
