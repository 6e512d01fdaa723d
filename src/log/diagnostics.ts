/**
 * seedkeeper's `node:diagnostics_channel` channels, all with one message shape: `{ type, ...payload }`, where
 * `type` is the event's name (the same name the part's EventEmitter uses). Publishing costs nothing while
 * nobody subscribes. docs/diagnostics.md lists every channel, type and payload.
 */
import { channel } from 'node:diagnostics_channel';

export const DIAGNOSTICS_CHANNELS = Object.freeze({
  discovery: 'seedkeeper:discovery',
  health: 'seedkeeper:health',
  agent: 'seedkeeper:agent',
  registrar: 'seedkeeper:registrar',
} as const);

export type DiagnosticsChannelName = (typeof DIAGNOSTICS_CHANNELS)[keyof typeof DIAGNOSTICS_CHANNELS];

/** A publisher for one channel: `publish('nodeAdded', { node })` sends `{ type: 'nodeAdded', node }`. */
export function diagnosticsPublisher(name: DiagnosticsChannelName): (type: string, payload: object) => void {
  const target = channel(name);
  return (type, payload) => {
    if (target.hasSubscribers) target.publish({ type, ...payload });
  };
}
