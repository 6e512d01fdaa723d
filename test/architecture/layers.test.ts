// The import rules of src/ (issue 10): layers point one way, product code never reaches into the testkit, no
// module imports itself round a circle, and the AWS SDK stays out of every start-up path that does not need it.
// The graph comes from the source text: `import`/`export ... from '...'` and `import('...')`, relative paths
// resolved to src files; `import type` is left out where it is erased at run time.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

interface Edge {
  /** Module path relative to src/ (`plan/calculate.ts`), or a package name (`@aws-sdk/client-route-53`). */
  readonly to: string;
  /** `import type` / `export type`: gone at run time. */
  readonly typeOnly: boolean;
  /** `import('...')`: loaded only when that code runs. */
  readonly dynamic: boolean;
}

const STATIC = /^\s*(import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

function target(from: string, specifier: string): string {
  if (!specifier.startsWith('.'))
    return specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
  return path
    .relative(SRC, path.resolve(SRC, path.dirname(from), specifier))
    .replace(/\.js$/, '.ts')
    .split(path.sep)
    .join('/');
}

export function importGraph(
  text: (file: string) => string = (f) => readFileSync(path.join(SRC, f), 'utf8'),
): Map<string, Edge[]> {
  const graph = new Map<string, Edge[]>();
  for (const file of sourceFiles(SRC).map((f) => path.relative(SRC, f).split(path.sep).join('/'))) {
    const source = text(file);
    const edges: Edge[] = [];
    for (const m of source.matchAll(STATIC))
      edges.push({ to: target(file, m[3]!), typeOnly: m[2] !== undefined, dynamic: false });
    for (const m of source.matchAll(DYNAMIC)) edges.push({ to: target(file, m[1]!), typeOnly: false, dynamic: true });
    graph.set(file, edges);
  }
  return graph;
}

/** `plan/calculate.ts` → `plan`; `aws/lambda/x.ts` → `aws`; `errors.ts` → `errors.ts`. */
const area = (module: string): string => module.split('/')[0]!;
const isSrc = (to: string): boolean => to.endsWith('.ts');

/** Areas each area may import (besides itself). Everything in src/ may import errors.ts. */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  time: [],
  net: [],
  protocol: ['net', 'time'],
  records: ['net'],
  plan: ['records', 'net'],
};

/** Areas that never import the application layers above them (registrar, agent, Lambda, CLI, status page). */
const BELOW_APPLICATIONS = [
  'plan',
  'records',
  'protocol',
  'net',
  'time',
  'providers',
  'health',
  'sources',
  'discovery',
  'config',
  'log',
  'reconcile',
];
const APPLICATIONS = ['registrar', 'cli', 'web', 'agent', 'aws', 'demo', 'index.ts'];

/**
 * Product modules allowed to import src/testkit, each with its reason. Nothing else in src/ may: the testkit
 * is a simulator for tests and demos, never part of what serves a real cluster.
 */
const TESTKIT_USERS: Readonly<Record<string, string>> = {
  demo: 'the one-machine demo runs the simulated cluster and load balancer by design',
  'cli/commands/sim.ts': '`seedkeeper sim` starts the simulated cluster (loaded only for that command)',
};

type Violation = string;

export function violations(graph: ReadonlyMap<string, readonly Edge[]>): Violation[] {
  const found: Violation[] = [];
  for (const [from, edges] of graph) {
    const a = area(from);
    for (const { to } of edges.filter((e) => isSrc(e.to))) {
      const b = area(to);
      if (a === b || b === 'errors.ts') continue;
      const allowed = MAY_IMPORT[a];
      if (allowed !== undefined && !allowed.includes(b))
        found.push(`${from} -> ${to}: ${a} may import only ${[...allowed, 'errors.ts'].join(', ')}`);
      if (BELOW_APPLICATIONS.includes(a) && APPLICATIONS.includes(b))
        found.push(`${from} -> ${to}: ${a} is below ${b}`);
      // The status page reads the registrar through its own narrow view (web/registrar-view.ts); the registrar wires it up.
      if ((a === 'agent' || a === 'aws' || a === 'web') && b === 'registrar')
        found.push(`${from} -> ${to}: ${a} does not depend on the registrar`);
      if (b === 'testkit' && a !== 'testkit' && TESTKIT_USERS[from] === undefined && TESTKIT_USERS[a] === undefined)
        found.push(`${from} -> ${to}: product code never imports the testkit`);
    }
  }
  return found;
}

/** Every import circle among src modules (strongly connected components of more than one module). */
export function cycles(graph: ReadonlyMap<string, readonly Edge[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const { to: w } of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Packages loaded at start-up from `entry`: static, non-type imports only (import() loads on demand). */
export function packagesLoadedBy(graph: ReadonlyMap<string, readonly Edge[]>, entry: string): Set<string> {
  const seen = new Set<string>([entry]);
  const packages = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    for (const edge of graph.get(queue.pop()!) ?? []) {
      if (edge.typeOnly || edge.dynamic) continue;
      if (!isSrc(edge.to)) packages.add(edge.to);
      else if (!seen.has(edge.to)) {
        seen.add(edge.to);
        queue.push(edge.to);
      }
    }
  }
  return packages;
}

describe('import rules of src/', () => {
  const graph = importGraph();

  it('sees the whole tree', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('plan/calculate.ts')?.some((e) => e.to === 'records/types.ts')).toBe(true);
  });

  it('layers point one way and product code never imports the testkit', () => {
    expect(violations(graph)).toEqual([]);
  });

  it('has no import circles', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('the AWS SDK loads only where AWS is used: never at start-up of --help, run, plan or agent', () => {
    for (const entry of [
      'cli/main.ts',
      'cli/commands/run.ts',
      'cli/commands/agent.ts',
      'agent/index.ts',
      'registrar/build.ts',
      'providers/from-config.ts',
    ]) {
      expect(
        [...packagesLoadedBy(graph, entry)].filter((p) => p.startsWith('@aws-sdk')),
        entry,
      ).toEqual([]);
    }
    // and it does load where it is the point
    expect([...packagesLoadedBy(graph, 'providers/route53/from-config.ts')]).toContain('@aws-sdk/client-route-53');
  });

  it('catches a bad import, a testkit import and a circle', () => {
    const bad = (file: string, line: string) =>
      importGraph((f) => readFileSync(path.join(SRC, f), 'utf8') + (f === file ? `\n${line}\n` : ''));
    const added = (file: string, line: string) =>
      violations(bad(file, line)).filter((v) => !violations(graph).includes(v));
    expect(added('plan/calculate.ts', "import { Registrar } from '../registrar/registrar.js';")).toEqual([
      expect.stringContaining('plan may import only'),
      'plan/calculate.ts -> registrar/registrar.ts: plan is below registrar',
    ]);
    expect(added('providers/cas.ts', "import { Registrar } from '../registrar/registrar.js';")).toEqual([
      'providers/cas.ts -> registrar/registrar.ts: providers is below registrar',
    ]);
    expect(added('agent/build.ts', "import { loadConfig } from '../registrar/config.js';")).toEqual([
      expect.stringContaining('agent does not depend on the registrar'),
    ]);
    expect(added('web/model.ts', "import type { RegistrarState } from '../registrar/registrar.js';")).toEqual([
      expect.stringContaining('web does not depend on the registrar'),
    ]);
    expect(added('records/types.ts', "import type { Plan } from '../plan/types.js';")).toEqual([
      expect.stringContaining('records may import only'),
    ]);
    expect(added('registrar/build.ts', "import { SimCluster } from '../testkit/sim-cluster.js';")).toEqual([
      expect.stringContaining('never imports the testkit'),
    ]);
    expect(cycles(bad('records/canonical.ts', "import { markerName } from './marker.js';"))).toEqual([
      ['records/canonical.ts', 'records/marker.ts'],
    ]);
    expect([
      ...packagesLoadedBy(
        bad('agent/build.ts', "import { Route53Client } from '@aws-sdk/client-route-53';"),
        'cli/commands/agent.ts',
      ),
    ]).toContain('@aws-sdk/client-route-53');
  });
});
