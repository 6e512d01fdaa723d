import { inspect } from 'node:util';

/**
 * One error hierarchy for the whole toolkit. Every error carries a stable `code` (for programs and metrics)
 * and, where it wraps another failure, a `cause`. Labels say how a caller may react without string matching.
 */

/** How a caller may react to an error; read by classifiers, never by string matching. */
export type ErrorLabel =
  /** Trying again (maybe elsewhere) may succeed: timeouts, refused connections, closed sockets. */
  | 'retryable'
  /** The peer sent something we cannot trust; drop the connection. */
  | 'badPeer'
  /** The configuration or input is wrong; retrying will not help. */
  | 'usage';

export interface SeedkeeperErrorOptions {
  readonly cause?: unknown;
  readonly labels?: readonly ErrorLabel[];
}

export class SeedkeeperError extends Error {
  /** Stable machine-readable code, e.g. `ERR_INFO_TIMEOUT`. */
  readonly code: string;
  readonly labels: ReadonlySet<ErrorLabel>;

  constructor(code: string, message: string, options: SeedkeeperErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.labels = new Set(options.labels ?? []);
  }

  hasLabel(label: ErrorLabel): boolean {
    return this.labels.has(label);
  }
}

/** Bad configuration or arguments: names the path (e.g. `seeds[2]`) and what was expected. */
export class ConfigError extends SeedkeeperError {
  readonly path: string;
  constructor(path: string, message: string, options: SeedkeeperErrorOptions = {}) {
    super('ERR_CONFIG', path ? `${path}: ${message}` : message, { ...options, labels: ['usage'] });
    this.path = path;
  }
}

/** Where in a DNS message a WireFormatError was found (or what was being encoded). */
export interface WireLocation {
  /** Byte offset in the message (or in the rdata being decoded). */
  readonly offset?: number;
  /** `header`, `question`, `answer`, `authority`, `additional`, `TXT rdata`, … */
  readonly section?: string;
}

/**
 * A DNS message that is malformed (decoding; labelled `badPeer`), or a value the DNS wire format cannot carry
 * (encoding; labelled `usage`). Says what was wrong and where: `offset` and `section`.
 */
export class WireFormatError extends SeedkeeperError {
  readonly offset: number | undefined;
  readonly section: string | undefined;
  constructor(message: string, where: WireLocation = {}, options: SeedkeeperErrorOptions = { labels: ['badPeer'] }) {
    super('ERR_DNS_WIRE', where.section === undefined ? message : `${where.section}: ${message}`, options);
    this.offset = where.offset;
    this.section = where.section;
  }
}

/** Render any thrown value as one line, following `cause` links, for logs and CLI output. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    if (current instanceof Error) {
      parts.push(current.message);
      current = current.cause;
    } else {
      parts.push(typeof current === 'string' ? current : inspect(current, { depth: 2, breakLength: Infinity }));
      break;
    }
  }
  return parts.filter((p, i) => p && parts.indexOf(p) === i).join(': ');
}
