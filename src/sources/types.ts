/**
 * Sources say who may be in the record: each offers candidates (address + port, with an identity when it
 * knows one). Health decides which candidates are published.
 */
import { SeedkeeperError } from '../errors.js';

/** A source could not list its candidates (e.g. `ERR_ASG_TOO_MANY_PAGES`); it keeps its last good list. */
export class SourceError extends SeedkeeperError {}

export interface Candidate {
  /** IP address (v4 or v6). */
  readonly address: string;
  readonly port: number;
  /** Node id or instance id when the source knows it (cluster, aws-asg, agent). */
  readonly id?: string;
  /** When set, health requires the node to answer with this node id (an IP recycled to another node fails). */
  readonly expectedNodeId?: string;
  /** Rack or availability zone. */
  readonly rack?: string;
  /** Which source offered it, for logs and the plan's reasons. */
  readonly source: string;
}

export interface Source {
  /** `cluster`, `static`, `aws-asg`, `agent`. */
  readonly kind: string;
  /** Begin watching; `onChange` is called when the candidate list may have changed. */
  start(onChange: () => void): Promise<void>;
  /** The current candidates (never throws for a transient problem: returns the last good list). */
  candidates(): readonly Candidate[];
  close(): Promise<void>;
}
