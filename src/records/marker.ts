/**
 * The ownership marker: a TXT record at `_seedkeeper.<name>` whose value says which registrar deployment owns
 * the seed record at `<name>`. Versioned from day one (`seedkeeper/v1 owner=<id>`); the parser accepts later
 * versions and extra `key=value` fields so that a newer writer does not lock an older reader out.
 */
import { ConfigError } from '../errors.js';
import { canonicalName } from './canonical.js';

export const MARKER_PREFIX = '_seedkeeper.';
/** The version this code writes. */
export const MARKER_VERSION = 1;

const OWNER_ID = /^[A-Za-z0-9._-]{1,63}$/;
const VERSION_TOKEN = /^seedkeeper\/v([1-9][0-9]{0,5})$/;
const FIELD_TOKEN = /^([A-Za-z][A-Za-z0-9_-]*)=(\S*)$/;

export interface Marker {
  readonly version: number;
  readonly owner: string;
  /** Every `key=value` field of the marker, `owner` included. */
  readonly fields: Readonly<Record<string, string>>;
}

/** Where the marker of the record `name` lives. */
export function markerName(name: string): string {
  return MARKER_PREFIX + canonicalName(name);
}

/** The owner id, or a ConfigError naming `path`: 1 to 63 characters of A-Z a-z 0-9 . _ - */
export function validateOwnerId(ownerId: string, path = 'ownerId'): string {
  if (typeof ownerId !== 'string' || !OWNER_ID.test(ownerId)) {
    throw new ConfigError(
      path,
      `expected 1 to 63 characters of A-Z, a-z, 0-9, '.', '_' or '-', got ${JSON.stringify(ownerId)}`,
    );
  }
  return ownerId;
}

/** The TXT value this version writes for `ownerId`. */
export function formatMarker(ownerId: string): string {
  return `seedkeeper/v${MARKER_VERSION} owner=${validateOwnerId(ownerId)}`;
}

/**
 * Parse one TXT value. Undefined unless it is a seedkeeper marker of any version with a valid `owner`.
 * Surrounding double quotes (as some DNS APIs present TXT data) are tolerated; tokens that are not
 * `key=value`, and repeated keys, make the value not a marker (ambiguity never grants ownership).
 */
export function parseMarker(text: string): Marker | undefined {
  let body = text.trim();
  if (body.length >= 2 && body.startsWith('"') && body.endsWith('"')) body = body.slice(1, -1).trim();
  const [head = '', ...tokens] = body.split(/\s+/);
  const version = VERSION_TOKEN.exec(head);
  if (!version) return undefined;
  const fields: Record<string, string> = {};
  for (const token of tokens) {
    const field = FIELD_TOKEN.exec(token);
    if (!field) return undefined;
    const [, key = '', value = ''] = field;
    if (Object.hasOwn(fields, key)) return undefined;
    fields[key] = value;
  }
  const owner = fields.owner;
  if (owner === undefined || !OWNER_ID.test(owner)) return undefined;
  return Object.freeze({ version: Number(version[1]), owner, fields: Object.freeze(fields) });
}
