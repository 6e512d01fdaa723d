/**
 * TSIG keys (RFC 8945): from a file in BIND's `tsig-keygen` format, or a name, an algorithm and a secret
 * taken from an environment variable. The secret never appears in logs: the key object redacts it in
 * JSON.stringify, util.inspect and console output, and keeps it out of its enumerable properties.
 */
import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import { ConfigError } from '../../errors.js';
import { encodeName } from '../dns-wire/name.js';

export type TsigAlgorithm = 'hmac-sha256' | 'hmac-sha512';
export const TSIG_ALGORITHMS: readonly TsigAlgorithm[] = Object.freeze(['hmac-sha256', 'hmac-sha512']);

export interface TsigKey {
  /** Key name, lowercase, without the trailing dot; must match the server's key statement. */
  readonly name: string;
  readonly algorithm: TsigAlgorithm;
  /** The shared secret (decoded from base64). Not enumerable; redacted in JSON and inspect output. */
  readonly secret: Buffer;
}

const REDACTED = '[redacted]';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function fail(path: string, message: string, cause?: unknown): never {
  throw new ConfigError(path, message, cause === undefined ? {} : { cause });
}

/** Decodes a base64 secret strictly (whitespace allowed); undefined when it is not base64 or empty. */
export function decodeSecret(text: string): Buffer | undefined {
  const compact = text.replace(/\s+/g, '');
  if (compact === '' || !BASE64.test(compact)) return undefined;
  const secret = Buffer.from(compact, 'base64');
  return secret.length === 0 ? undefined : secret;
}

/** A validated, redacting key object; ConfigError (at `path`) naming what is wrong. */
export function createTsigKey(name: string, algorithm: string, secret: Buffer, path = 'tsig'): TsigKey {
  const keyName = String(name).trim().toLowerCase().replace(/\.$/, '');
  const badName = (cause?: unknown): never =>
    fail(
      `${path}.name`,
      `${JSON.stringify(name)} is not a valid TSIG key name (a DNS name such as "seedkeeper-key")`,
      cause,
    );
  if (keyName === '') badName();
  try {
    encodeName(keyName);
  } catch (error) {
    badName(error);
  }
  const algo = String(algorithm).trim().toLowerCase().replace(/\.$/, '');
  if (!(TSIG_ALGORITHMS as readonly string[]).includes(algo)) {
    fail(
      `${path}.algorithm`,
      `unsupported TSIG algorithm ${JSON.stringify(algorithm)} (supported: ${TSIG_ALGORITHMS.join(', ')})`,
    );
  }
  if (!Buffer.isBuffer(secret) || secret.length === 0) fail(`${path}.secret`, 'the TSIG secret is empty');
  const key = { name: keyName, algorithm: algo as TsigAlgorithm };
  const summary = { name: keyName, algorithm: algo, secret: REDACTED };
  Object.defineProperties(key, {
    secret: { value: Buffer.from(secret), enumerable: false },
    toJSON: { value: () => ({ ...summary }), enumerable: false },
    toString: { value: () => `TsigKey(${keyName}, ${algo}, secret ${REDACTED})`, enumerable: false },
    [inspect.custom]: {
      value: () => `TsigKey { name: '${keyName}', algorithm: '${algo}', secret: ${REDACTED} }`,
      enumerable: false,
    },
  });
  return Object.freeze(key) as TsigKey;
}

interface Token {
  readonly text: string;
  readonly quoted: boolean;
  readonly line: number;
}

function tokenize(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const limit = text.length;
  while (i < limit) {
    const c = text[i]!;
    if (c === '\n') line++;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#' || (c === '/' && text[i + 1] === '/')) {
      while (i < limit && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) fail(file, `line ${line}: unterminated /* comment`);
      line += (text.slice(i, end).match(/\n/g) ?? []).length;
      i = end + 2;
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) fail(file, `line ${line}: unterminated string`);
      tokens.push({ text: text.slice(i + 1, end), quoted: true, line });
      line += (text.slice(i, end).match(/\n/g) ?? []).length;
      i = end + 1;
    } else if (c === '{' || c === '}' || c === ';') {
      tokens.push({ text: c, quoted: false, line });
      i++;
    } else {
      const m = /^[^\s{};"#]+/.exec(text.slice(i, i + 1024));
      tokens.push({ text: m![0], quoted: false, line });
      i += m![0].length;
    }
  }
  return tokens;
}

/** Words of the key-file grammar, and algorithm names: the only file text a message may quote. */
const QUOTABLE: ReadonlySet<string> = new Set([
  'key',
  'algorithm',
  'secret',
  '{',
  '}',
  ';',
  'hmac-md5',
  'hmac-md5.sig-alg.reg.int',
  'hmac-sha1',
  'hmac-sha224',
  'hmac-sha256',
  'hmac-sha384',
  'hmac-sha512',
]);

/**
 * A token as a message may show it. Anything but a grammar word is described, never quoted: after a typo
 * (`secret = "…";`, two values, a value without its field) the token at hand may be the secret.
 */
function shown(token: Token | undefined): string {
  if (token === undefined) return 'the end of the file';
  const word = token.text.toLowerCase();
  if (!token.quoted && QUOTABLE.has(word)) return JSON.stringify(token.text);
  return token.quoted ? 'a quoted string' : 'another word';
}

interface RawKey {
  name: string;
  algorithm?: string;
  secret?: string;
  line: number;
}

function parseKeys(tokens: readonly Token[], file: string): RawKey[] {
  const keys: RawKey[] = [];
  let i = 0;
  const at = (): Token | undefined => tokens[i];
  const where = (): string => `line ${at()?.line ?? tokens.at(-1)?.line ?? 1}`;
  const expect = (text: string): void => {
    if (at()?.text !== text || at()?.quoted) fail(file, `${where()}: expected '${text}' but found ${shown(at())}`);
    i++;
  };
  while (i < tokens.length) {
    const head = at()!;
    if (head.quoted || head.text !== 'key') {
      // Some other statement (e.g. a whole named.conf): skip to its ';' at brace depth 0.
      let depth = 0;
      for (; i < tokens.length; i++) {
        const t = tokens[i]!;
        if (!t.quoted && t.text === '{') depth++;
        if (!t.quoted && t.text === '}') depth--;
        if (!t.quoted && t.text === ';' && depth <= 0) break;
      }
      i++;
      continue;
    }
    i++;
    const nameToken = at();
    if (nameToken === undefined || (!nameToken.quoted && /^[{};]$/.test(nameToken.text)))
      fail(file, `${where()}: expected the key name after 'key'`);
    i++;
    const key: RawKey = { name: nameToken.text, line: head.line };
    expect('{');
    while (at() !== undefined && !(at()!.text === '}' && !at()!.quoted)) {
      const field = at()!;
      i++;
      const value = at();
      const isField = !field.quoted && (field.text === 'algorithm' || field.text === 'secret');
      if (!isField) fail(file, `line ${field.line}: expected algorithm or secret but found ${shown(field)}`);
      if (value === undefined || (!value.quoted && /^[{};]$/.test(value.text)))
        fail(file, `line ${field.line}: '${field.text}' needs one value, then ';'`);
      i++;
      if (field.text === 'algorithm') key.algorithm = value.text;
      else key.secret = value.text;
      expect(';');
    }
    expect('}');
    expect(';');
    keys.push(key);
  }
  return keys;
}

/**
 * The key in a BIND key file (`tsig-keygen` output: `key "name" { algorithm hmac-sha256; secret "…"; };`,
 * with #, // and /* *\/ comments). With several keys in the file, `name` picks one. ConfigError names the
 * file and line; the secret is never part of a message.
 */
export function parseBindKeyFile(text: string, path: string, name?: string): TsigKey {
  const keys = parseKeys(tokenize(text, path), path);
  if (keys.length === 0)
    fail(
      path,
      'no key statement found (expected BIND\'s format: key "name" { algorithm hmac-sha256; secret "base64"; };)',
    );
  const wanted = name?.trim().toLowerCase().replace(/\.$/, '');
  const candidates =
    wanted === undefined ? keys : keys.filter((k) => k.name.toLowerCase().replace(/\.$/, '') === wanted);
  if (candidates.length === 0)
    fail(path, `no key named ${JSON.stringify(name)} (the file has: ${keys.map((k) => k.name).join(', ')})`);
  if (candidates.length > 1)
    fail(
      path,
      `${candidates.length} keys${wanted === undefined ? '' : ` named ${JSON.stringify(name)}`}: say which one with the key name (found: ${candidates.map((k) => k.name).join(', ')})`,
    );
  const raw = candidates[0]!;
  if (raw.algorithm === undefined) fail(path, `line ${raw.line}: key ${JSON.stringify(raw.name)} has no algorithm`);
  if (raw.secret === undefined) fail(path, `line ${raw.line}: key ${JSON.stringify(raw.name)} has no secret`);
  const secret = decodeSecret(raw.secret);
  if (secret === undefined)
    fail(path, `line ${raw.line}: the secret of key ${JSON.stringify(raw.name)} is not valid base64`);
  if (!(TSIG_ALGORITHMS as readonly string[]).includes(raw.algorithm.toLowerCase().replace(/\.$/, ''))) {
    const algorithm = shown({ text: raw.algorithm, quoted: false, line: raw.line });
    fail(
      path,
      `line ${raw.line}: unsupported TSIG algorithm ${algorithm === 'another word' ? '(not one seedkeeper knows)' : algorithm} (supported: ${TSIG_ALGORITHMS.join(', ')})`,
    );
  }
  try {
    return createTsigKey(raw.name, raw.algorithm, secret);
  } catch {
    // No cause: its message repeats this one.
    fail(path, `line ${raw.line}: ${JSON.stringify(raw.name)} is not a valid TSIG key name`);
  }
}

export interface TsigKeySource {
  /** A BIND key file (`tsig-keygen -a hmac-sha256 NAME > FILE`). */
  readonly file?: string;
  /** The key name: picks a key in `file`, or names the key whose secret is in `secretEnv`. */
  readonly name?: string;
  /** With `secretEnv`: `hmac-sha256` (default) or `hmac-sha512`. */
  readonly algorithm?: string;
  /** Name of an environment variable holding the base64 secret. */
  readonly secretEnv?: string;
}

export interface LoadTsigKeyContext {
  /** Config path for messages. Default `tsig`. */
  readonly path?: string;
  /** Environment to read `secretEnv` from. Default process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Loads a key from a BIND key file, or from name + algorithm + a secret in an environment variable. */
export async function loadTsigKey(source: TsigKeySource, context: LoadTsigKeyContext = {}): Promise<TsigKey> {
  const path = context.path ?? 'tsig';
  if (source.file !== undefined && source.secretEnv !== undefined)
    fail(path, 'give either file or secretEnv, not both');
  if (source.file !== undefined) {
    if (source.algorithm !== undefined)
      fail(`${path}.algorithm`, 'the algorithm comes from the key file; leave it out');
    let text: string;
    try {
      text = await readFile(source.file, 'utf8');
    } catch (error) {
      fail(
        `${path}.file`,
        `cannot read the key file ${source.file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        error,
      );
    }
    try {
      return parseBindKeyFile(text, source.file, source.name);
    } catch (error) {
      // Re-labelled with the config path; no cause, which would print the same message a second time.
      if (error instanceof ConfigError) fail(`${path}.file`, error.message);
      throw error;
    }
  }
  if (source.secretEnv === undefined) fail(path, 'a TSIG key needs either file (a BIND key file) or name + secretEnv');
  if (source.name === undefined || source.name.trim() === '')
    fail(`${path}.name`, `the key name is required with secretEnv (it must match the server's key statement)`);
  const env = context.env ?? process.env;
  const value = env[source.secretEnv];
  if (value === undefined || value.trim() === '')
    fail(`${path}.secretEnv`, `environment variable ${source.secretEnv} is not set or empty`);
  const secret = decodeSecret(value);
  if (secret === undefined)
    fail(`${path}.secretEnv`, `environment variable ${source.secretEnv} does not hold a base64 secret`);
  return createTsigKey(source.name, source.algorithm ?? 'hmac-sha256', secret, path);
}
