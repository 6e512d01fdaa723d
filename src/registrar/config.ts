/**
 * Load and validate a registrar config file. Errors name the path inside the file (`sources[0].seeds`)
 * and what was expected; nothing runs on an invalid config.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { configSchema, type RegistrarConfig } from './config-schema.js';

export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown option(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  if (issue.code === 'invalid_union' && 'options' in issue) return `expected type to be one of ${(issue.options as unknown[]).map((o) => JSON.stringify(o)).join(', ')}`;
  return issue.message.replace(/^Invalid input: /, '');
}

/** Validate an already-parsed document. */
export function validateConfig(document: unknown, file = 'config'): RegistrarConfig {
  const result = configSchema.safeParse(document);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 10).map((issue) => `${issuePath(issue.path) || '(top level)'}: ${describeIssue(issue)}`);
  const first = result.error.issues[0]!;
  const rest = problems.length > 1 ? ` (and: ${problems.slice(1).join('; ')})` : '';
  throw new ConfigError(`${file}: ${issuePath(first.path) || '(top level)'}`, `${describeIssue(first)}${rest}`);
}

export async function loadConfig(file: string): Promise<RegistrarConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, `cannot read the config file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  }
  let document: unknown;
  try {
    document = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text, { prettyErrors: true });
  } catch (error) {
    throw new ConfigError(file, `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0] ?? ''}`, { cause: error });
  }
  return validateConfig(document, file);
}
