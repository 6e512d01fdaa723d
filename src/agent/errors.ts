/**
 * The agent's typed errors. Codes are stable (programs, tests and logs read them); messages say what to do.
 * None carries the 'usage' label except configuration problems (ConfigError): a port that never opens or a
 * target that refuses is a failure of the run (exit 1), not of the command line (exit 2).
 */
import { SeedkeeperError, type SeedkeeperErrorOptions } from '../errors.js';

export type AgentErrorCode =
  /** The service port did not accept connections (or the node did not answer as expected) in time. */
  | 'ERR_PORT_TIMEOUT'
  /** The record exists but is not ours (no marker, or another owner's): never touched. */
  | 'ERR_NOT_OWNED'
  /** Removing this address would leave the record family empty (fail open). */
  | 'ERR_LAST_ADDRESS'
  /** Deregistration on shutdown did not finish within the shutdown timeout. */
  | 'ERR_SHUTDOWN_TIMEOUT';

export class AgentError extends SeedkeeperError {
  declare readonly code: AgentErrorCode;
  constructor(code: AgentErrorCode, message: string, options: SeedkeeperErrorOptions = {}) {
    super(code, message, options);
  }
}

/** The target refused the change on purpose (ownership, fail open). Retrying will not help. */
export class TargetRefusedError extends AgentError {}

export type ImdsErrorCode =
  /** No answer (connection refused, timeout, budget spent): probably not on EC2. */
  | 'ERR_IMDS_UNREACHABLE'
  /** IMDS answered 403 to the token request: metadata is disabled, or the request looked forwarded. */
  | 'ERR_IMDS_FORBIDDEN'
  /** The token request was refused (400: bad TTL) or gave no token. */
  | 'ERR_IMDS_TOKEN'
  /** Still 401 after fetching a fresh token. */
  | 'ERR_IMDS_UNAUTHORIZED'
  /** A required item does not exist (404). */
  | 'ERR_IMDS_NOT_FOUND'
  /** Another HTTP status after the retries. */
  | 'ERR_IMDS_HTTP'
  /** An answer that is not what the item holds (not an IP, bad JSON, too large). */
  | 'ERR_IMDS_BAD_RESPONSE';

export class ImdsError extends SeedkeeperError {
  declare readonly code: ImdsErrorCode;
  /** The HTTP status, when IMDS answered. */
  readonly status: number | undefined;
  constructor(
    code: ImdsErrorCode,
    message: string,
    options: SeedkeeperErrorOptions & { readonly status?: number } = {},
  ) {
    super(code, message, options);
    this.status = options.status;
  }
}

/** `600 s`, `1.5 s`, `0.3 s`: durations in messages. */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}
