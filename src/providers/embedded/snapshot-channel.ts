/**
 * The messages between the primary (which owns the zone store) and its serving workers, and the snapshot's
 * plain form for the IPC channel. A snapshot crosses whole in one message and a worker swaps it in with one
 * assignment, so a worker answers from the old or the new zone, never a mix; `gen` numbers the publishes so
 * the primary knows when every worker serves a given one.
 */
import type { RecordSet } from '../../records/types.js';
import type { EmbeddedDnsLimits } from './limits.js';
import type { ListenerStats } from './listener.js';
import { ZoneStore, type Soa, type ZoneSnapshot } from './zone-store.js';

export interface WireSnapshot {
  readonly zone: string;
  readonly soa: Soa;
  readonly ns: readonly string[];
  readonly nsTtl: number;
  readonly loaded: boolean;
  readonly sets: readonly RecordSet[];
}

/** What a worker needs to serve (sent in its environment at fork). */
export interface WorkerConfig {
  readonly host: string;
  readonly port: number;
  readonly limits: EmbeddedDnsLimits;
  readonly rotate: boolean;
  /** How often a worker reports its counters unasked (ms). */
  readonly statsIntervalMs: number;
}

export const WORKER_CONFIG_ENV = 'SEEDKEEPER_EMBEDDED_WORKER';

export type ToWorker = { readonly t: 'zone'; readonly gen: number; readonly snapshot: WireSnapshot };

export type FromWorker =
  /** Listening for messages: a message sent before is lost (the worker's module loads asynchronously). */
  | { readonly t: 'hello' }
  | { readonly t: 'ready'; readonly gen: number; readonly stats: ListenerStats }
  | { readonly t: 'ack'; readonly gen: number; readonly stats: ListenerStats }
  | { readonly t: 'stats'; readonly stats: ListenerStats }
  | {
      readonly t: 'log';
      readonly level: 'info' | 'warn' | 'error';
      readonly fields: Record<string, unknown>;
      readonly msg: string;
    }
  | { readonly t: 'fatal'; readonly code: string | undefined; readonly message: string };

export function toWire(snapshot: ZoneSnapshot): WireSnapshot {
  return {
    zone: snapshot.zone,
    soa: snapshot.soa,
    ns: snapshot.ns,
    nsTtl: snapshot.nsTtl,
    loaded: snapshot.loaded,
    sets: [...snapshot.sets.values()],
  };
}

/** The snapshot again, built (and validated) by a ZoneStore of its own. */
export function fromWire(wire: WireSnapshot): ZoneSnapshot {
  return new ZoneStore({
    zone: wire.zone,
    soa: wire.soa,
    ns: wire.ns,
    nsTtl: wire.nsTtl,
    ...(wire.loaded ? { records: wire.sets } : {}),
  }).snapshot();
}

export function isFromWorker(value: unknown): value is FromWorker {
  return typeof value === 'object' && value !== null && typeof (value as { t?: unknown }).t === 'string';
}

export function isToWorker(value: unknown): value is ToWorker {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { t?: unknown }).t === 'zone' &&
    typeof (value as { gen?: unknown }).gen === 'number'
  );
}
