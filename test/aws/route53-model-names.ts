/**
 * Route 53's spelling of names and values, for the model: names are stored lowercase with a trailing dot,
 * characters other than a-z, 0-9, '-', '_' and '.' as `\ooo` octal escapes (as the API returns them);
 * listing order is by name with the labels reversed, then type, then set identifier.
 */
import { isIPv4, isIPv6 } from 'node:net';

const PLAIN = /^[a-z0-9_.-]$/;

/** Decode `\ooo` (octal) and `\c` escapes into raw characters. */
function unescapeName(name: string): string {
  return name.replace(/\\([0-7]{3}|.)/g, (_m, code: string) =>
    code.length === 3 ? String.fromCharCode(parseInt(code, 8)) : code,
  );
}

/** The form Route 53 stores and returns: lowercase, escaped, with the trailing dot. */
export function normaliseName(name: string): string {
  const raw = unescapeName(name.trim()).toLowerCase();
  const body = raw.endsWith('.') ? raw.slice(0, -1) : raw;
  let out = '';
  for (const ch of body) {
    if (PLAIN.test(ch)) out += ch;
    else for (const byte of Buffer.from(ch, 'utf8')) out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${out}.`;
}

/** `www.example.com.` -> `com.example.www.`: the key ListResourceRecordSets sorts by. */
export function reversedName(name: string): string {
  const body = name.endsWith('.') ? name.slice(0, -1) : name;
  return `${body.split('.').reverse().join('.')}.`;
}

export function inZone(name: string, zone: string): boolean {
  return name === zone || name.endsWith(`.${zone}`);
}

export function compareAscii(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Why a value is not valid for its type, or undefined. Only A, AAAA and TXT are checked. */
export function valueProblem(type: string, value: string): string | undefined {
  if (type === 'A' && !(isIPv4(value) && value.split('.').every((o) => o === String(Number(o))))) {
    return `ARRDATAIllegalIPv4Address: Value ${JSON.stringify(value)} is not a valid IPv4 address.`;
  }
  if (type === 'AAAA' && !isIPv6(value))
    return `AAAARRDATAIllegalIPv6Address: Value ${JSON.stringify(value)} is not a valid IPv6 address.`;
  if (type === 'TXT') return txtProblem(value);
  return undefined;
}

/** A TXT value is one or more character strings: quoted (with `\"`, `\\`, `\ooo` escapes) or bare words, each at most 255 bytes. */
function txtProblem(value: string): string | undefined {
  let i = 0;
  let strings = 0;
  while (i < value.length) {
    if (value[i] === ' ') {
      i++;
      continue;
    }
    let bytes = 0;
    if (value[i] === '"') {
      i++;
      let closed = false;
      while (i < value.length) {
        const ch = value[i]!;
        if (ch === '"') {
          closed = true;
          i++;
          break;
        }
        if (ch === '\\') {
          const octal = /^[0-7]{3}/.exec(value.slice(i + 1));
          i += octal ? 4 : 2;
          bytes += 1;
        } else {
          bytes += Buffer.byteLength(ch, 'utf8');
          i++;
        }
      }
      if (!closed)
        return `Invalid Resource Record: FATAL problem: InvalidCharacterString (Value should be enclosed in quotation marks) encountered with '${value}'`;
    } else {
      while (i < value.length && value[i] !== ' ') {
        bytes += Buffer.byteLength(value[i]!, 'utf8');
        i++;
      }
    }
    if (bytes > 255)
      return `Invalid Resource Record: FATAL problem: TXTRDATATooLong encountered with '${value.slice(0, 40)}...'`;
    strings++;
  }
  return strings === 0 ? 'Invalid Resource Record: FATAL problem: TXTRDATAEmpty' : undefined;
}

/** Addresses Route 53 health checkers cannot probe (RFC 5735, RFC 6598, RFC 5156: local, private, non-routable). */
export function unroutable(ip: string): boolean {
  if (isIPv4(ip)) {
    const [a = 0, b = 0] = ip.split('.').map(Number);
    return (
      a === 0 ||
      a === 10 ||
      a === 127 ||
      a >= 224 ||
      (a === 100 && b >= 64 && b < 128) ||
      (a === 169 && b === 254) ||
      (a === 172 && b >= 16 && b < 32) ||
      (a === 192 && b === 168)
    );
  }
  const head = ip.toLowerCase();
  return (
    head === '::' ||
    head === '::1' ||
    /^f[cd]/.test(head) ||
    /^fe[89ab]/.test(head) ||
    head.startsWith('ff') ||
    head.startsWith('::ffff:')
  );
}
