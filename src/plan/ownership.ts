/**
 * What the provider holds at the seed name and its marker name, and whether this registrar may touch it.
 * Records we did not create are never touched: an A/AAAA set without our marker, a marker of another owner,
 * or a TXT at the marker name that is not a seedkeeper marker all refuse the plan.
 */
import { canonicalIp } from '../net/ip.js';
import { canonicalName } from '../records/canonical.js';
import type { RecordSet } from '../records/types.js';
import { formatMarker, markerName, parseMarker } from '../records/marker.js';
import type { PlanNote } from './types.js';

export type Family = 'A' | 'AAAA';
export const FAMILIES: readonly Family[] = ['A', 'AAAA'];

export interface CurrentView {
  readonly name: string;
  readonly markerName: string;
  /** The sets exactly as read (compare-and-swap preconditions). */
  readonly sets: { readonly A: RecordSet | undefined; readonly AAAA: RecordSet | undefined };
  readonly marker: RecordSet | undefined;
  /** Canonical, deduplicated, sorted values per family. */
  readonly values: { readonly A: readonly string[]; readonly AAAA: readonly string[] };
}

export type Ownership = { readonly owned: true } | { readonly owned: false; readonly note: PlanNote };

/** Pick the sets the plan works on out of what the provider returned; everything else is ignored. */
export function readCurrent(name: string, current: readonly RecordSet[]): CurrentView {
  const record = canonicalName(name);
  const marker = markerName(record);
  const find = (at: string, type: RecordSet['type']): RecordSet | undefined =>
    current.find((set) => set.type === type && canonicalName(set.name) === at);
  const A = find(record, 'A');
  const AAAA = find(record, 'AAAA');
  return {
    name: record,
    markerName: marker,
    sets: { A, AAAA },
    marker: find(marker, 'TXT'),
    values: { A: canonicalValues(A), AAAA: canonicalValues(AAAA) },
  };
}

export function canonicalValues(set: RecordSet | undefined): readonly string[] {
  return set ? [...new Set(set.values.map(canonicalIp))].sort() : [];
}

export function checkOwnership(view: CurrentView, ownerId: string): Ownership {
  const expected = formatMarker(ownerId);
  const markerValues = view.marker?.values ?? [];
  const owners = [
    ...new Set(markerValues.map((v) => parseMarker(v)?.owner).filter((o): o is string => o !== undefined)),
  ].sort();
  const others = owners.filter((o) => o !== ownerId);
  const handOver = `add the marker by hand: ${view.markerName} TXT ${JSON.stringify(expected)}`;
  if (others.length > 0) {
    const claimed =
      owners.length > 1
        ? `claimed by seedkeeper owners ${owners.map(quote).join(' and ')}`
        : `owned by seedkeeper owner ${quote(others[0] ?? '')}`;
    return refuse(
      `${view.name} is ${claimed} (marker ${view.markerName} TXT ${markerValues.map(quote).join(', ')}), not by this registrar's owner ${quote(ownerId)}: ` +
        `left untouched. If both are replicas of one deployment, give them the same ownerId; otherwise use another record name.`,
    );
  }
  if (view.marker && owners.length === 0) {
    return refuse(
      `${view.markerName} holds TXT ${markerValues.map(quote).join(', ')}, which is not a seedkeeper marker, so ${view.name} is left untouched. ` +
        `To hand the name to this registrar, ${handOver}; or use another record name.`,
    );
  }
  const exists = FAMILIES.filter((f) => view.sets[f] !== undefined);
  if (exists.length > 0 && owners.length === 0) {
    const held = exists.map((f) => `${f} ${view.values[f].join(', ') || '(empty)'}`).join(' and ');
    return refuse(
      `${view.name} already holds ${held} but has no seedkeeper ownership marker: seedkeeper never touches records it did not create, ` +
        `so it is left untouched. To let this registrar manage it, ${handOver}; or use another record name.`,
    );
  }
  return { owned: true };
}

function refuse(message: string): Ownership {
  return { owned: false, note: { code: 'not-owned', message } };
}

function quote(text: string): string {
  return JSON.stringify(text);
}
