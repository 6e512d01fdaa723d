/**
 * Config files (YAML or JSON) validated by a zod schema. Every error is a ConfigError naming the file, the
 * path inside it (`sources[0].seeds`) and what was expected; nothing runs on an invalid config.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';

/** `['sources', 0, 'seeds']` → `sources[0].seeds`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)),
    '',
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown option(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  if (issue.code === 'invalid_union' && 'options' in issue)
    return `expected type to be one of ${(issue.options as unknown[]).map((o) => JSON.stringify(o)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

/** Validate an already-parsed document; the first problem names the path, up to nine more follow. */
export function validateDocument<S extends z.ZodType>(schema: S, document: unknown, file: string): z.output<S> {
  const result = schema.safeParse(document);
  if (result.success) return result.data;
  const problems = result.error.issues
    .slice(0, 10)
    .map((issue) => `${issuePath(issue.path) || '(top level)'}: ${describeIssue(issue)}`);
  const first = result.error.issues[0]!;
  const rest = problems.length > 1 ? ` (and: ${problems.slice(1).join('; ')})` : '';
  throw new ConfigError(`${file}: ${issuePath(first.path) || '(top level)'}`, `${describeIssue(first)}${rest}`);
}

/** Read and parse a YAML (or, by extension, JSON) file, then validate it. */
export async function loadDocument<S extends z.ZodType>(schema: S, file: string): Promise<z.output<S>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, `cannot read the config file (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let document: unknown;
  try {
    document = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    // No `cause`: the parser's message is already in ours, and describeError would print it a second time.
    throw new ConfigError(
      file,
      `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0] ?? ''}`,
    );
  }
  return validateDocument(schema, document, file);
}
