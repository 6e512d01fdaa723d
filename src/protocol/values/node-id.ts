/**
 * `node`: the node id as the server prints it with `%lX`, uppercase hex of a 64-bit value (§2.1).
 * Identity in the cluster is this text, so it is compared exactly and never case-folded.
 */
import { InfoParseError } from '../errors.js';
import { quote } from './scan.js';
import { InvalidArgumentError } from '../../errors.js';

const MAX_NODE_ID_DIGITS = 16;

/** True for 1..16 uppercase hex digits, the only shape a server writes. */
export function isNodeId(value: string): boolean {
  if (value.length === 0 || value.length > MAX_NODE_ID_DIGITS) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const digit = c >= 0x30 && c <= 0x39;
    const upper = c >= 0x41 && c <= 0x46;
    if (!digit && !upper) return false;
  }
  return true;
}

export function parseNodeId(value: string): string {
  if (!isNodeId(value)) {
    throw new InfoParseError('node', `expected 1..16 uppercase hex digits, got ${quote(value)}`);
  }
  return value;
}

/**
 * Print a node id the way the server does: uppercase hex without leading zeros. A string is read as hex
 * (either case) and normalised. Throws InvalidArgumentError for values that are not 64-bit unsigned.
 */
export function formatNodeId(id: bigint | string): string {
  let n: bigint;
  if (typeof id === 'string') {
    if (!/^[0-9A-Fa-f]{1,16}$/.test(id))
      throw new InvalidArgumentError('id', `${JSON.stringify(id)} is not 1..16 hex digits`);
    n = BigInt(`0x${id}`);
  } else {
    n = id;
  }
  if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new InvalidArgumentError('id', `${n} is outside 64 bits`);
  return n.toString(16).toUpperCase();
}
