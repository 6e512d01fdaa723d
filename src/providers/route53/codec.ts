/**
 * Route 53's spelling of names and values. Names go out with a trailing dot and come back lowercase,
 * escaped (`\ooo` octal for characters other than a-z, 0-9, '-', '_', '.'). TXT values are quoted
 * character strings of at most 255 bytes, with `\"` and `\\` escaped and other non-printable bytes as
 * `\ooo`; a longer value is split into several strings, which DNS clients join again.
 */
import { canonicalIp } from '../../net/ip.js';
import { canonicalName } from '../../records/canonical.js';
import type { RecordType } from '../../records/types.js';

/** `seed.example.com` -> `seed.example.com.` */
export function toRoute53Name(name: string): string {
  return `${canonicalName(name)}.`;
}

/** `\052.Example.com.` -> `*.example.com` (canonical: lowercase, no trailing dot). */
export function fromRoute53Name(name: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    const octal = ch === '\\' ? /^[0-7]{3}/.exec(name.slice(i + 1)) : null;
    if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += 3;
    } else if (ch === '\\' && i + 1 < name.length) {
      bytes.push(...Buffer.from(name[++i]!, 'utf8'));
    } else {
      bytes.push(...Buffer.from(ch, 'utf8'));
    }
  }
  return canonicalName(Buffer.from(bytes).toString('utf8'));
}

/** The key ListResourceRecordSets sorts names by: labels reversed, with the trailing dot (`com.example.seed.`). */
export function listingKey(route53Name: string): string {
  const body = route53Name.endsWith('.') ? route53Name.slice(0, -1) : route53Name;
  return `${body.split('.').reverse().join('.')}.`;
}

const TXT_CHUNK_BYTES = 255;

/** One TXT value (any text) as Route 53 expects it: `"part1" "part2"`. */
export function encodeTxt(value: string): string {
  const bytes = Buffer.from(value, 'utf8');
  const parts: string[] = [];
  for (let start = 0; start === 0 || start < bytes.length; start += TXT_CHUNK_BYTES) {
    let text = '';
    for (const byte of bytes.subarray(start, start + TXT_CHUNK_BYTES)) {
      if (byte === 0x22 || byte === 0x5c) text += `\\${String.fromCharCode(byte)}`;
      else if (byte < 0x20 || byte > 0x7e) text += `\\${byte.toString(8).padStart(3, '0')}`;
      else text += String.fromCharCode(byte);
    }
    parts.push(`"${text}"`);
    if (bytes.length === 0) break;
  }
  return parts.join(' ');
}

/** A TXT value as Route 53 returns it, back to the joined text of its character strings. */
export function decodeTxt(value: string): string {
  const bytes: number[] = [];
  let i = 0;
  while (i < value.length) {
    const ch = value[i]!;
    if (ch === ' ') {
      i++;
      continue;
    }
    const quoted = ch === '"';
    if (quoted) i++;
    while (i < value.length) {
      const c = value[i]!;
      if (quoted ? c === '"' : c === ' ') break;
      if (c === '\\' && i + 1 < value.length) {
        const octal = /^[0-7]{3}/.exec(value.slice(i + 1));
        if (octal) {
          bytes.push(parseInt(octal[0], 8));
          i += 4;
        } else {
          bytes.push(...Buffer.from(value[i + 1]!, 'utf8'));
          i += 2;
        }
        continue;
      }
      bytes.push(...Buffer.from(c, 'utf8'));
      i++;
    }
    if (quoted) i++; // the closing quote
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Values of one set as Route 53 ResourceRecords. */
export function toResourceRecords(type: RecordType, values: readonly string[]): { Value: string }[] {
  return values.map((v) => ({ Value: type === 'TXT' ? encodeTxt(v) : v }));
}

/** Route 53 ResourceRecords back to canonical values (undefined values are skipped). */
export function fromResourceRecords(
  type: RecordType,
  records: readonly { Value?: string | undefined }[] | undefined,
): string[] {
  return (records ?? []).flatMap((r) =>
    r.Value === undefined ? [] : [type === 'TXT' ? decodeTxt(r.Value) : canonicalIp(r.Value)],
  );
}

/** Characters of all Value elements, as Route 53 counts them against its 32,000 per batch. */
export function valueChars(records: readonly { Value?: string | undefined }[] | undefined): number {
  return (records ?? []).reduce((n, r) => n + (r.Value?.length ?? 0), 0);
}
