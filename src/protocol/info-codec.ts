/**
 * Info protocol bodies. A request is command lines each ending in `\n`; a reply echoes each command, a TAB,
 * the value and `\n`, in request order. See aerospike-protocol.md §1.1-§1.3.
 */
import { InfoParseError, InfoServerError, ProtocolError } from './errors.js';
import { InvalidArgumentError } from '../errors.js';

export interface InfoEntry {
  readonly name: string;
  readonly value: string;
}

/** `ERROR:<code>:<message>` (or `FAIL:`) as the server signals a refused command. */
export interface InfoErrorValue {
  readonly code: number;
  readonly message: string;
}

/** Encode commands as one info request body. Commands may carry parameters (`name:k=v`), never TAB or LF. */
export function encodeInfoRequest(commands: readonly string[]): Buffer {
  for (const command of commands) {
    if (command.length === 0 || /[\t\n]/.test(command)) {
      throw new InvalidArgumentError('commands', `info command ${JSON.stringify(command)} is empty or contains TAB/LF`);
    }
  }
  return Buffer.from(commands.map((c) => `${c}\n`).join(''), 'utf8');
}

/**
 * Split a request body into the commands the server would run: only complete lines count (a last line with
 * no `\n` is dropped, as the server does).
 */
export function decodeInfoRequest(body: Buffer | string): string[] {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const lines = text.split('\n');
  lines.pop(); // text after the last LF is incomplete (or empty)
  return lines.filter((line) => line.length > 0);
}

/** Split a reply body into entries. A line without TAB is a name with an empty value (as the C client reads it). */
export function parseInfoResponse(body: Buffer | string): InfoEntry[] {
  const text = typeof body === 'string' ? body : body.toString('utf8');
  const entries: InfoEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const tab = line.indexOf('\t');
    entries.push(tab < 0 ? { name: line, value: '' } : { name: line.slice(0, tab), value: line.slice(tab + 1) });
  }
  return entries;
}

/** Recognise an error value; `undefined` for an ordinary value. Code 0 or missing maps to 1 (server error). */
export function parseInfoError(value: string): InfoErrorValue | undefined {
  const match = /^(?:ERROR|FAIL)(?::(-?\d*))?(?::(.*))?$/s.exec(value);
  if (!match) return undefined;
  const parsed = match[1] ? Number.parseInt(match[1], 10) : 0;
  return { code: parsed === 0 || Number.isNaN(parsed) ? 1 : parsed, message: match[2] ?? '' };
}

/** Format an error value the way the server writes it. */
export function formatInfoError(code: number, message: string): string {
  return `ERROR:${code}:${message}`;
}

/**
 * A reply matched against the request that produced it. Values are looked up by the exact command text;
 * a command the server left out (older servers do that for unknown names) reads as `undefined`.
 */
export class InfoReply {
  private readonly values: ReadonlyMap<string, string>;

  constructor(
    readonly commands: readonly string[],
    readonly entries: readonly InfoEntry[],
  ) {
    this.values = new Map(entries.map((e) => [e.name, e.value]));
  }

  /** The raw value, or undefined when the server did not answer this command. */
  raw(command: string): string | undefined {
    return this.values.get(command);
  }

  has(command: string): boolean {
    return this.values.has(command);
  }

  /** The value; throws InfoServerError for `ERROR:` and InfoParseError when missing. */
  value(command: string): string {
    const value = this.values.get(command);
    if (value === undefined) throw new InfoParseError(command, 'missing from the reply');
    const error = parseInfoError(value);
    if (error) throw new InfoServerError(command, error.code, error.message);
    return value;
  }

  /** Like value(), but a missing command or an error value yields undefined instead of throwing. */
  optional(command: string): string | undefined {
    const value = this.values.get(command);
    if (value === undefined || parseInfoError(value)) return undefined;
    return value;
  }

  /** Plain object view, for JSON output and diagnostics. */
  toObject(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}

/**
 * Match reply entries to the request. Replies must keep request order and echo each command; a reply that
 * names a command we did not send is a protocol violation. A reply made only of an un-echoed `ERROR:` line
 * (how the server refuses an unauthenticated connection) becomes an InfoServerError.
 */
export function matchInfoReply(commands: readonly string[], body: Buffer | string): InfoReply {
  const entries = parseInfoResponse(body);
  if (entries.length === 1 && entries[0]!.value === '' && !commands.includes(entries[0]!.name)) {
    const error = parseInfoError(entries[0]!.name);
    if (error) throw new InfoServerError(commands.join(','), error.code, error.message);
  }
  let cursor = 0;
  for (const entry of entries) {
    const index = commands.indexOf(entry.name, cursor);
    if (index < 0) {
      throw new ProtocolError(
        `info reply names ${JSON.stringify(entry.name.slice(0, 64))}, which was not requested (or out of order)`,
      );
    }
    cursor = index + 1;
  }
  return new InfoReply(commands, entries);
}
