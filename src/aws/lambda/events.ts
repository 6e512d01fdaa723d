/**
 * EventBridge events the Lambda accepts, classified into what the handler does with them. Every event leads
 * to a full reconcile (the desired set is always recomputed from the groups' current state, never from the
 * event alone); lifecycle actions additionally carry what CompleteLifecycleAction needs.
 *
 * Shapes follow AWS's documented events: `{ version, id, detail-type, source, account, time, region,
 * resources, detail }`. Auto Scaling events (source `aws.autoscaling`) name the group and instance in
 * `detail.AutoScalingGroupName` / `detail.EC2InstanceId`; EC2 state changes (source `aws.ec2`) carry
 * `detail["instance-id"]` and `detail.state`; scheduled events come from `aws.events` / `aws.scheduler`.
 */

export const DETAIL_TYPES = Object.freeze({
  launchSuccessful: 'EC2 Instance Launch Successful',
  terminateSuccessful: 'EC2 Instance Terminate Successful',
  launchLifecycle: 'EC2 Instance-launch Lifecycle Action',
  terminateLifecycle: 'EC2 Instance-terminate Lifecycle Action',
  ec2StateChange: 'EC2 Instance State-change Notification',
  scheduled: 'Scheduled Event',
});

export interface LifecycleAction {
  readonly transition: 'launch' | 'terminate';
  readonly group: string;
  readonly instanceId: string;
  readonly hookName: string;
  readonly token: string;
  /** The hook's NotificationMetadata: seedkeeper's hooks carry its ownership marker text. */
  readonly notificationMetadata: string | undefined;
}

export type Trigger =
  | { readonly kind: 'scheduled' }
  /** Launch/Terminate Successful, or an event we do not know: reconcile. */
  | { readonly kind: 'activity'; readonly detailType: string; readonly group?: string; readonly instanceId?: string }
  | { readonly kind: 'ec2-state'; readonly instanceId?: string; readonly state?: string }
  | { readonly kind: 'lifecycle'; readonly action: LifecycleAction }
  /** A lifecycle event missing what CompleteLifecycleAction needs: reconcile only, and say why. */
  | {
      readonly kind: 'malformed-lifecycle';
      readonly detailType: string;
      readonly problem: string;
      readonly group?: string;
    };

export interface ClassifiedEvent {
  readonly trigger: Trigger;
  /** For logs: the event id and detail-type (never the token). */
  readonly id: string;
  readonly detailType: string;
  readonly source: string;
  /** Event time in epoch ms, when present and valid. */
  readonly time?: number;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

function lifecycle(detailType: string, detail: Json): Trigger {
  const transition = detailType === DETAIL_TYPES.launchLifecycle ? 'launch' : 'terminate';
  const group = text(detail.AutoScalingGroupName);
  const fields = {
    AutoScalingGroupName: group,
    EC2InstanceId: text(detail.EC2InstanceId),
    LifecycleHookName: text(detail.LifecycleHookName),
    LifecycleActionToken: text(detail.LifecycleActionToken),
  };
  const missing = Object.entries(fields)
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  if (missing.length > 0)
    return {
      kind: 'malformed-lifecycle',
      detailType,
      problem: `detail lacks ${missing.join(', ')}`,
      ...(group ? { group } : {}),
    };
  return {
    kind: 'lifecycle',
    action: {
      transition,
      group: group!,
      instanceId: fields.EC2InstanceId!,
      hookName: fields.LifecycleHookName!,
      token: fields.LifecycleActionToken!,
      notificationMetadata: text(detail.NotificationMetadata),
    },
  };
}

/** Classify any input; never throws (an unrecognised event still means "reconcile"). */
export function classifyEvent(event: unknown): ClassifiedEvent {
  const e = isObject(event) ? event : {};
  const detailType = text(e['detail-type']) ?? '';
  const source = text(e.source) ?? '';
  const detail = isObject(e.detail) ? e.detail : {};
  const parsedTime = typeof e.time === 'string' ? Date.parse(e.time) : NaN;
  const base = {
    id: text(e.id) ?? '',
    detailType,
    source,
    ...(Number.isFinite(parsedTime) ? { time: parsedTime } : {}),
  };

  let trigger: Trigger;
  if (detailType === DETAIL_TYPES.launchLifecycle || detailType === DETAIL_TYPES.terminateLifecycle) {
    trigger = lifecycle(detailType, detail);
  } else if (source === 'aws.ec2' || detailType === DETAIL_TYPES.ec2StateChange) {
    const instanceId = text(detail['instance-id']);
    const state = text(detail.state);
    trigger = { kind: 'ec2-state', ...(instanceId ? { instanceId } : {}), ...(state ? { state } : {}) };
  } else if (detailType === DETAIL_TYPES.scheduled || source === 'aws.events' || source === 'aws.scheduler') {
    trigger = { kind: 'scheduled' };
  } else {
    const group = text(detail.AutoScalingGroupName);
    const instanceId = text(detail.EC2InstanceId);
    trigger = {
      kind: 'activity',
      detailType: detailType || '(none)',
      ...(group ? { group } : {}),
      ...(instanceId ? { instanceId } : {}),
    };
  }
  return { trigger, ...base };
}
