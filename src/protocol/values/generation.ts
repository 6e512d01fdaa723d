/**
 * Generation counters (§2.1). `partition-generation` is a signed 32-bit integer whose -1 means "not ready";
 * `peers-generation` and `rebalance-generation` are unsigned 32-bit counters.
 */
import { InfoParseError } from '../errors.js';
import { parseUnsigned, quote } from './scan.js';
import { InvalidArgumentError } from '../../errors.js';

const I32_MIN = -0x8000_0000;
const I32_MAX = 0x7fff_ffff;
const U32_MAX = 0xffff_ffff;

/** The value a node reports before it has joined a cluster; validation must refuse it. */
export const PARTITION_GENERATION_NOT_READY = -1;

export function parsePartitionGeneration(value: string): number {
  const negative = value.startsWith('-');
  const digits = negative ? value.slice(1) : value;
  if (digits.length === 0 || digits.length > 16 || !/^\d+$/.test(digits)) {
    throw new InfoParseError('partition-generation', `expected a signed decimal integer, got ${quote(value)}`);
  }
  const n = negative ? -Number(digits) : Number(digits);
  if (n < I32_MIN || n > I32_MAX) {
    throw new InfoParseError('partition-generation', `${value} is outside the signed 32-bit range`);
  }
  return n === 0 ? 0 : n; // no -0
}

/** `peers-generation`, `rebalance-generation`: an unsigned 32-bit decimal. */
export function parseUnsignedGeneration(command: string, value: string): number {
  return parseUnsigned(command, 'generation', value, U32_MAX);
}

/** Print a generation; throws InvalidArgumentError outside the command's range (signed when `signed`). */
export function formatGeneration(value: number, signed = false): string {
  const ok =
    Number.isInteger(value) && (signed ? value >= I32_MIN && value <= I32_MAX : value >= 0 && value <= U32_MAX);
  if (!ok)
    throw new InvalidArgumentError(
      'generation',
      `${value} is outside the ${signed ? 'signed' : 'unsigned'} 32-bit range`,
    );
  return String(value);
}
