/**
 * `features`: names separated by `;` (§2.1). Clients only test membership (`pscans`, `query-show`, ...).
 * Empty items, such as a trailing `;`, are skipped: the list is a set and older servers were loose about it.
 */
import { InfoParseError } from '../errors.js';
import { checkLength, isPrintableToken, quote } from './scan.js';
import { InvalidArgumentError } from '../../errors.js';

const MAX_FEATURES = 1024;
const MAX_FEATURES_LENGTH = 64 * 1024;

export function parseFeatures(value: string): ReadonlySet<string> {
  checkLength('features', value, MAX_FEATURES_LENGTH);
  const features = new Set<string>();
  let start = 0;
  while (start <= value.length) {
    let end = value.indexOf(';', start);
    if (end < 0) end = value.length;
    const name = value.slice(start, end);
    if (name.length > 0) {
      if (!isPrintableToken(name)) {
        throw new InfoParseError('features', `feature names are printable ASCII without spaces, got ${quote(name)}`);
      }
      features.add(name);
      if (features.size > MAX_FEATURES) throw new InfoParseError('features', `more than ${MAX_FEATURES} features`);
    }
    start = end + 1;
  }
  return features;
}

export function formatFeatures(features: Iterable<string>): string {
  const list = [...features];
  for (const name of list) {
    if (name.length === 0 || !isPrintableToken(name, ';'))
      throw new InvalidArgumentError('features', `invalid feature name ${JSON.stringify(name)}`);
  }
  return list.join(';');
}
