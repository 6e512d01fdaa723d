/** The Grafana dashboard in deploy/grafana asks only for metrics the registrar exports. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/registrar/metrics.js';

const dashboard = JSON.parse(
  readFileSync(new URL('../../deploy/grafana/seedkeeper-dashboard.json', import.meta.url), 'utf8'),
);

describe('deploy/grafana/seedkeeper-dashboard.json', () => {
  it('uses only exported metric names', async () => {
    const exported = await createMetrics({ defaultMetrics: true }).registry.metrics();
    const exprs: string[] = dashboard.panels.flatMap((p: { targets: { expr: string }[] }) =>
      p.targets.map((t) => t.expr),
    );
    const names = new Set(exprs.flatMap((e) => e.match(/seedkeeper_[a-z_]+/g) ?? []));
    expect(names.size).toBeGreaterThan(10);
    // Labelled metrics print no sample until first set: compare with the TYPE lines (histograms by family name).
    for (const name of names)
      expect(exported, name).toMatch(new RegExp(`^# TYPE ${name.replace(/_bucket$/, '')} `, 'm'));
  });
});
