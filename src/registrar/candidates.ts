/** The registrar's candidates: every source's, merged and keyed once per address:port. */
import type { Endpoint } from '../health/types.js';
import type { Candidate, Source } from '../sources/types.js';
import { candidateKey } from './outage-guard.js';

export function endpointOf(candidate: Candidate): Endpoint {
  const key = candidateKey(candidate);
  return {
    key,
    host: candidate.address,
    port: candidate.port,
    ...(candidate.expectedNodeId ? { expectedNodeId: candidate.expectedNodeId } : {}),
  };
}

/** Candidates of every source, one per address:port (the first source that names it wins). */
export function mergeCandidates(sources: readonly Source[]): Candidate[] {
  const merged = new Map<string, Candidate>();
  for (const source of sources) {
    for (const candidate of source.candidates()) {
      const key = endpointOf(candidate).key;
      if (!merged.has(key)) merged.set(key, candidate);
    }
  }
  return [...merged.values()];
}
