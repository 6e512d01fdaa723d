/**
 * Shared pieces of the info value parsers: size guards, strict decimal numbers and short quoting for
 * error messages. Everything here is linear in the input and throws only InfoParseError.
 */
import { InfoParseError } from '../errors.js';

/**
 * Largest value any parser looks at. The biggest legitimate reply, `replicas` with 32 namespaces of 255
 * columns, is about 5.6 MiB; C clients refuse tend replies over 512 KiB, so this only stops hostile input.
 */
export const MAX_VALUE_LENGTH = 8 * 1024 * 1024;

/** Quote a piece of input for an error message, cut short so a hostile value cannot flood logs. */
export function quote(text: string, max = 40): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}...` : text);
}

export function checkLength(command: string, value: string, max = MAX_VALUE_LENGTH): void {
  if (value.length > max) {
    throw new InfoParseError(command, `value of ${value.length} characters exceeds the limit of ${max}`);
  }
}

function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * An unsigned decimal in 0..max, digits only (no sign, space or exponent). Leading zeros are accepted, as the
 * C clients' strtoul accepts them; the length cap keeps huge digit runs from being converted at all.
 */
export function parseUnsigned(command: string, what: string, text: string, max: number): number {
  if (!isDigits(text) || text.length > 16) {
    throw new InfoParseError(command, `expected ${what} as an unsigned decimal, got ${quote(text)}`);
  }
  const n = Number(text);
  if (n > max) throw new InfoParseError(command, `${what} ${text} is out of range 0..${max}`);
  return n;
}

/** A TCP port as written in host lists: 1..65535. */
export function parsePort(command: string, text: string): number {
  const port = parseUnsigned(command, 'port', text, 65535);
  if (port === 0) throw new InfoParseError(command, 'port 0 is not a valid port');
  return port;
}

/** Printable ASCII other than space: what names (features, TLS names, namespaces) may contain. */
export function isPrintableToken(text: string, forbidden = ''): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || forbidden.includes(text[i]!)) return false;
  }
  return true;
}
