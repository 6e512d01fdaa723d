// docs/configuration.md must keep a row for every key of the registrar config schema (so it cannot go stale).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/registrar/config-schema.js';

interface Node {
  readonly _zod: { readonly def: Def };
}
interface Def {
  readonly type: string;
  readonly shape?: Readonly<Record<string, Node>>;
  readonly innerType?: Node;
  readonly element?: Node;
  readonly options?: readonly Node[];
  readonly in?: Node;
}

/** Every key path of a zod schema: `record.name`, `sources[].seeds`, ... (union variants merged). */
function keyPaths(node: Node, path = '', out = new Set<string>()): Set<string> {
  const def = node._zod.def;
  if (def.type === 'object') {
    for (const [key, child] of Object.entries(def.shape ?? {})) {
      const next = path ? `${path}.${key}` : key;
      out.add(next);
      keyPaths(child, next, out);
    }
  } else if (def.type === 'array' && def.element) {
    keyPaths(def.element, `${path}[]`, out);
  } else if (def.type === 'union') {
    for (const option of def.options ?? []) keyPaths(option, path, out);
  } else if (def.type === 'pipe' && def.in) {
    keyPaths(def.in, path, out);
  } else if (def.innerType) {
    keyPaths(def.innerType, path, out); // optional, default, prefault, nullable, readonly
  }
  return out;
}

const DOC = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
/** The first cell of every table row: `| \`record.name\` | ...`. */
const documented = new Set([...DOC.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!));

describe('docs/configuration.md', () => {
  const keys = [...keyPaths(configSchema)];

  it('finds the schema keys (the walk itself works)', () => {
    expect(keys).toContain('record.name');
    expect(keys).toContain('sources[].seeds');
    expect(keys).toContain('provider.tcp.maxConnections');
    expect(keys.length).toBeGreaterThan(60);
  });

  it('has a row for every key of the registrar config schema', () => {
    expect(keys.filter((k) => !documented.has(k))).toEqual([]);
  });

  it('documents no key the schema does not have', () => {
    expect([...documented].filter((k) => !keys.includes(k))).toEqual([]);
  });
});
