/**
 * Partition ownership (§2.5):
 *   replicas        := nsentry (";" nsentry)*,  nsentry := ns ":" regime "," ncols ("," b64bitmap){ncols}
 *   replicas-all    := the same without "regime ,"
 *   replicas-master := ns ":" b64bitmap (";" ...)*
 * Each bitmap is 512 bytes (4096 partitions, MSB first) in standard base64, always 684 characters. The
 * limits (namespace < 32 characters, at most 32 namespaces, 1..255 columns) are the C client's.
 */
import { InfoParseError } from '../errors.js';
import { checkLength, isPrintableToken, parseUnsigned, quote } from './scan.js';
import { InvalidArgumentError } from '../../errors.js';

export const PARTITION_COUNT = 4096;
export const BITMAP_BYTES = PARTITION_COUNT / 8;
export const BITMAP_BASE64_LENGTH = 684;
export const MAX_NAMESPACES = 32;
export const MAX_NAMESPACE_LENGTH = 31;
export const MAX_REPLICA_COLUMNS = 255;
const U32_MAX = 0xffff_ffff;

export interface NamespaceReplicas {
  readonly namespace: string;
  /** 0 for AP namespaces; non-zero in strong-consistency mode. `replicas-all` has none and reads as 0. */
  readonly regime: number;
  /** Column 0 is master, 1 the first prole, ...; each a 512-byte bitmap. */
  readonly columns: readonly Buffer[];
}

export interface NamespaceMaster {
  readonly namespace: string;
  readonly bitmap: Buffer;
}

function checkPartition(partition: number): void {
  if (!Number.isInteger(partition) || partition < 0 || partition >= PARTITION_COUNT) {
    throw new InvalidArgumentError('partition', `${partition} is outside 0..${PARTITION_COUNT - 1}`);
  }
}

export function ownsPartition(bitmap: Uint8Array, partition: number): boolean {
  checkPartition(partition);
  return ((bitmap[partition >> 3] ?? 0) & (0x80 >> (partition & 7))) !== 0;
}

export function setPartition(bitmap: Uint8Array, partition: number): void {
  checkPartition(partition);
  if (bitmap.length < BITMAP_BYTES) {
    throw new InvalidArgumentError('bitmap', `${bitmap.length} bytes is shorter than ${BITMAP_BYTES}`);
  }
  bitmap[partition >> 3]! |= 0x80 >> (partition & 7);
}

/** A key's partition: the first two digest bytes as a little-endian u16, masked to 0..4095. */
export function partitionOfDigest(digest: Uint8Array): number {
  if (digest.length < 2) throw new InvalidArgumentError('digest', `${digest.length} bytes is too short`);
  return (digest[0]! | (digest[1]! << 8)) & (PARTITION_COUNT - 1);
}

/** A fresh all-zero bitmap. */
export function emptyBitmap(): Buffer {
  return Buffer.alloc(BITMAP_BYTES);
}

function isBase64Char(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
}

/** Decode one bitmap, insisting on the exact length and alphabet (Buffer.from alone skips bad characters). */
function decodeBitmap(command: string, namespace: string, text: string): Buffer {
  if (text.length !== BITMAP_BASE64_LENGTH) {
    const got = `${text.length} characters`;
    throw new InfoParseError(
      command,
      `bitmap of namespace ${quote(namespace)} has ${got}, expected ${BITMAP_BASE64_LENGTH}`,
    );
  }
  // 512 bytes = 170 full groups + 2 bytes, so exactly one '=' of padding at the end.
  for (let i = 0; i < BITMAP_BASE64_LENGTH - 1; i++) {
    if (!isBase64Char(text.charCodeAt(i))) {
      throw new InfoParseError(command, `bitmap of namespace ${quote(namespace)} has a non-base64 character at ${i}`);
    }
  }
  if (text[BITMAP_BASE64_LENGTH - 1] !== '=') {
    throw new InfoParseError(command, `bitmap of namespace ${quote(namespace)} must end with '=' padding`);
  }
  const bitmap = Buffer.from(text, 'base64');
  if (bitmap.length !== BITMAP_BYTES) {
    throw new InfoParseError(command, `bitmap of namespace ${quote(namespace)} decodes to ${bitmap.length} bytes`);
  }
  return bitmap;
}

function encodeBitmap(bitmap: Uint8Array): string {
  if (bitmap.length !== BITMAP_BYTES)
    throw new InvalidArgumentError('columns[]', `bitmap has ${bitmap.length} bytes, expected ${BITMAP_BYTES}`);
  return Buffer.from(bitmap.buffer, bitmap.byteOffset, bitmap.length).toString('base64');
}

function checkNamespace(command: string, namespace: string): void {
  if (namespace.length === 0 || namespace.length > MAX_NAMESPACE_LENGTH || !isPrintableToken(namespace, ':;,')) {
    const expected = `a namespace name of 1..${MAX_NAMESPACE_LENGTH} printable characters`;
    throw new InfoParseError(command, `expected ${expected}, got ${quote(namespace)}`);
  }
}

/** Split `ns:rest;ns:rest` into entries, checking namespace names, count and duplicates. */
function splitEntries(command: string, value: string): Array<{ namespace: string; fields: string[] }> {
  checkLength(command, value);
  // Servers chomp the last ';', but the C client also reads a reply that kept it; accept exactly one.
  const body = value.endsWith(';') ? value.slice(0, -1) : value;
  if (body.length === 0) {
    if (value.length > 0) throw new InfoParseError(command, "expected namespace entries, got only ';'");
    return [];
  }
  const entries: Array<{ namespace: string; fields: string[] }> = [];
  const seen = new Set<string>();
  let start = 0;
  while (start <= body.length) {
    if (entries.length === MAX_NAMESPACES) throw new InfoParseError(command, `more than ${MAX_NAMESPACES} namespaces`);
    let end = body.indexOf(';', start);
    if (end < 0) end = body.length;
    const colon = body.indexOf(':', start);
    if (colon < 0 || colon > end) throw new InfoParseError(command, `expected 'namespace:' at offset ${start}`);
    const namespace = body.slice(start, colon);
    checkNamespace(command, namespace);
    if (seen.has(namespace)) throw new InfoParseError(command, `namespace ${quote(namespace)} is listed twice`);
    seen.add(namespace);
    // A well-formed entry has at most 2 + 255 fields; stop splitting early on hostile input.
    const fields = body.slice(colon + 1, end).split(',', MAX_REPLICA_COLUMNS + 3);
    entries.push({ namespace, fields });
    start = end + 1;
  }
  return entries;
}

function parseColumns(command: string, namespace: string, fields: readonly string[]): Buffer[] {
  const ncols = parseUnsigned(command, 'replica count', fields[0] ?? '', MAX_REPLICA_COLUMNS);
  if (ncols === 0) throw new InfoParseError(command, `namespace ${quote(namespace)} reports 0 replica columns`);
  if (fields.length !== ncols + 1) {
    const carried = Math.max(fields.length - 1, 0);
    throw new InfoParseError(
      command,
      `namespace ${quote(namespace)} announces ${ncols} columns but carries ${carried}`,
    );
  }
  return fields.slice(1).map((b64) => decodeBitmap(command, namespace, b64));
}

export function parseReplicas(value: string): readonly NamespaceReplicas[] {
  return splitEntries('replicas', value).map(({ namespace, fields }) => {
    const regime = parseUnsigned('replicas', 'regime', fields[0] ?? '', U32_MAX);
    return { namespace, regime, columns: parseColumns('replicas', namespace, fields.slice(1)) };
  });
}

export function parseReplicasAll(value: string): readonly NamespaceReplicas[] {
  return splitEntries('replicas-all', value).map(({ namespace, fields }) => ({
    namespace,
    regime: 0,
    columns: parseColumns('replicas-all', namespace, fields),
  }));
}

export function parseReplicasMaster(value: string): readonly NamespaceMaster[] {
  return splitEntries('replicas-master', value).map(({ namespace, fields }) => {
    if (fields.length !== 1)
      throw new InfoParseError('replicas-master', `expected one bitmap for namespace ${quote(namespace)}`);
    return { namespace, bitmap: decodeBitmap('replicas-master', namespace, fields[0]!) };
  });
}

function checkList(list: readonly NamespaceReplicas[]): void {
  if (list.length > MAX_NAMESPACES) throw new InvalidArgumentError('list', `more than ${MAX_NAMESPACES} namespaces`);
  const seen = new Set<string>();
  for (const ns of list) {
    const name = ns.namespace;
    if (name.length === 0 || name.length > MAX_NAMESPACE_LENGTH || !isPrintableToken(name, ':;,') || seen.has(name)) {
      throw new InvalidArgumentError('namespace', `${JSON.stringify(ns.namespace)} is invalid or repeated`);
    }
    seen.add(ns.namespace);
    if (ns.columns.length === 0 || ns.columns.length > MAX_REPLICA_COLUMNS) {
      throw new InvalidArgumentError(
        'columns',
        `namespace ${ns.namespace} has ${ns.columns.length} columns, expected 1..${MAX_REPLICA_COLUMNS}`,
      );
    }
  }
}

function formatColumns(ns: NamespaceReplicas): string {
  return [String(ns.columns.length), ...ns.columns.map(encodeBitmap)].join(',');
}

/** Print `replicas` as the server does (no trailing ';'). Throws InvalidArgumentError for what the parser would refuse. */
export function formatReplicas(list: readonly NamespaceReplicas[]): string {
  checkList(list);
  return list
    .map((ns) => {
      if (!Number.isInteger(ns.regime) || ns.regime < 0 || ns.regime > U32_MAX) {
        throw new InvalidArgumentError('regime', `${ns.regime} is not a u32`);
      }
      return `${ns.namespace}:${ns.regime},${formatColumns(ns)}`;
    })
    .join(';');
}

export function formatReplicasAll(list: readonly NamespaceReplicas[]): string {
  checkList(list);
  return list.map((ns) => `${ns.namespace}:${formatColumns(ns)}`).join(';');
}

/** `replicas-master`: only column 0 of each namespace. */
export function formatReplicasMaster(list: readonly NamespaceReplicas[]): string {
  checkList(list);
  return list.map((ns) => `${ns.namespace}:${encodeBitmap(ns.columns[0]!)}`).join(';');
}
