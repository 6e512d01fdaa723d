/**
 * What counts as a spot interruption notice. A notice takes the node out of the record for good, so only a
 * well-formed one may: action stop, terminate or hibernate, and an ISO 8601 UTC time (AWS sends
 * `{"action":"terminate","time":"2017-09-18T08:22:00Z"}`). Anything else is garbage: report it, keep polling.
 */

export interface SpotInstanceAction {
  /** `terminate`, `stop` or `hibernate`. */
  readonly action: 'terminate' | 'stop' | 'hibernate';
  /** When it happens (ISO 8601, UTC), about two minutes after the notice. */
  readonly time: string;
}

const ACTIONS: ReadonlySet<string> = new Set(['terminate', 'stop', 'hibernate']);
// Date and time to the second, optional fraction, UTC (Z) or an offset.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

export type SpotNoticeVerdict =
  { readonly ok: true; readonly notice: SpotInstanceAction } | { readonly ok: false; readonly reason: string };

/** Checks a parsed notice; the reason quotes at most a short, JSON-escaped piece of what came. */
export function checkSpotNotice(value: unknown): SpotNoticeVerdict {
  const shown = (v: unknown): string => JSON.stringify(v)?.slice(0, 64) ?? String(v);
  if (typeof value !== 'object' || value === null) return { ok: false, reason: `not an object: ${shown(value)}` };
  const { action, time } = value as { action?: unknown; time?: unknown };
  if (typeof action !== 'string' || !ACTIONS.has(action))
    return { ok: false, reason: `action ${shown(action)} is not stop, terminate or hibernate` };
  if (typeof time !== 'string' || !ISO_8601.test(time) || Number.isNaN(Date.parse(time)))
    return { ok: false, reason: `time ${shown(time)} is not an ISO 8601 time` };
  return { ok: true, notice: Object.freeze({ action: action as SpotInstanceAction['action'], time }) };
}
