/**
 * `build`: `major.minor.patch[.build]`, read like the C client's `%hu.%hu.%hu.%hu` (§2.1). Seeding rejects
 * servers older than 4.9.0.3, the first build clients can talk to without `features`.
 */
import { InfoParseError } from '../errors.js';
import { checkLength, parseUnsigned, quote } from './scan.js';
import { InvalidArgumentError } from '../../errors.js';

export interface BuildVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** 0 when the server printed only three parts. */
  readonly build: number;
  /** The value as received, for logs. */
  readonly text: string;
}

export const MIN_SUPPORTED_BUILD = [4, 9, 0, 3] as const;

const MAX_BUILD_LENGTH = 128;
const U16_MAX = 65535;

/**
 * Parse a build string. Three or four numeric parts (each a u16), optionally followed by a suffix that
 * starts with `-` or `+` (development builds, e.g. `8.1.0.0-rc2`), which is kept only in `text`.
 */
export function parseBuild(value: string): BuildVersion {
  checkLength('build', value, MAX_BUILD_LENGTH);
  const suffixAt = value.search(/[-+]/);
  const numeric = suffixAt < 0 ? value : value.slice(0, suffixAt);
  if (suffixAt >= 0 && !/^[-+][\x21-\x7e]*$/.test(value.slice(suffixAt))) {
    throw new InfoParseError('build', `unexpected characters after the version in ${quote(value)}`);
  }
  const parts = numeric.split('.');
  if (parts.length < 3 || parts.length > 4) {
    throw new InfoParseError('build', `expected major.minor.patch[.build], got ${quote(value)}`);
  }
  const [major, minor, patch, build = 0] = parts.map((p) => parseUnsigned('build', 'version part', p, U16_MAX));
  return { major: major!, minor: minor!, patch: patch!, build, text: value };
}

/** Order a build against a version tuple: negative when older, 0 when equal, positive when newer. */
export function compareBuild(a: BuildVersion, b: readonly [number, number, number, number]): number {
  const mine = [a.major, a.minor, a.patch, a.build];
  for (let i = 0; i < 4; i++) {
    const diff = mine[i]! - b[i]!;
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

/** Format a build tuple as the server prints it (always four parts). */
export function formatBuild(version: readonly [number, number, number, number]): string {
  for (const part of version) {
    if (!Number.isInteger(part) || part < 0 || part > U16_MAX)
      throw new InvalidArgumentError('version', `part ${part} is not a u16`);
  }
  return version.join('.');
}
