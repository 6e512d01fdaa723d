/**
 * Names that never reach public DNS (RFC 6761 `localhost`, `test`, `invalid`, `example`; RFC 2606's
 * `example.com/net/org`; RFC 6762 `local`; `home.arpa`, `onion`, `internal`). Nothing is asked about them
 * through the system's resolvers: the answer cannot be useful, and the query would leave the machine.
 */
const SPECIAL_USE =
  /(^|\.)(localhost|test|invalid|example|local|internal|onion|home\.arpa|example\.(com|net|org))\.?$/i;

export function isSpecialUseName(name: string): boolean {
  return SPECIAL_USE.test(name);
}
