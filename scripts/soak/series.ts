/**
 * The soak's arithmetic, kept pure: reading the samples it needs out of a Prometheus text exposition, and
 * the least-squares slope of each series, so "flat" is a number with a unit rather than a glance at a chart.
 */

/** One scrape, at `t` seconds since the soak began. */
export interface SoakSample {
  readonly t: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  readonly handles: number;
  /** Active timers (`Timeout` resources). */
  readonly timers: number;
  /** Event-loop delay p99 since the previous scrape, seconds. */
  readonly loopDelayP99: number;
}

/** The value of an unlabelled series, or of the one whose labels contain `labels` (e.g. `type="Timeout"`). */
export function metricValue(text: string, name: string, labels?: string): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    let value: string;
    if (rest.startsWith('{')) {
      const close = rest.indexOf('}');
      if (close < 0 || labels === undefined || !rest.slice(1, close).split(',').includes(labels)) continue;
      value = rest.slice(close + 1).trim();
    } else if (rest.startsWith(' ') && labels === undefined) {
      value = rest.trim();
    } else continue;
    const n = Number(value.split(' ')[0]);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

const PREFIX = 'seedkeeper_';

/** A soak sample from one /metrics body (prom-client's default metrics, prefixed `seedkeeper_`). */
export function sampleFromMetrics(text: string, t: number): SoakSample {
  const need = (name: string, labels?: string): number => {
    const v = metricValue(text, PREFIX + name, labels);
    if (v === undefined) throw new Error(`/metrics has no ${PREFIX}${name}${labels ? `{${labels}}` : ''}`);
    return v;
  };
  return {
    t,
    rssBytes: need('process_resident_memory_bytes'),
    heapUsedBytes: need('nodejs_heap_size_used_bytes'),
    handles: need('nodejs_active_handles_total'),
    timers: metricValue(text, `${PREFIX}nodejs_active_resources`, 'type="Timeout"') ?? 0,
    loopDelayP99: need('nodejs_eventloop_lag_p99_seconds'),
  };
}

/** Least-squares slope of y over x (units of y per unit of x); 0 for fewer than two distinct x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

export interface SeriesSummary {
  readonly name: string;
  readonly unit: string;
  readonly first: number;
  readonly last: number;
  readonly min: number;
  readonly max: number;
  /** Per hour, from the least-squares line over the measured window. */
  readonly slopePerHour: number;
}

type Field = Exclude<keyof SoakSample, 't'>;

const SERIES: readonly { field: Field; name: string; unit: string; scale: number }[] = [
  { field: 'rssBytes', name: 'RSS', unit: 'MiB', scale: 2 ** -20 },
  { field: 'heapUsedBytes', name: 'heap used', unit: 'MiB', scale: 2 ** -20 },
  { field: 'handles', name: 'active handles', unit: 'handles', scale: 1 },
  { field: 'timers', name: 'active timers', unit: 'timers', scale: 1 },
  { field: 'loopDelayP99', name: 'event-loop delay p99', unit: 'ms', scale: 1000 },
];

/** Each series over the samples at or after `fromT` seconds (the warm-up before it is left out). */
export function summarize(samples: readonly SoakSample[], fromT: number): SeriesSummary[] {
  const window = samples.filter((s) => s.t >= fromT);
  const xs = window.map((s) => s.t / 3600);
  return SERIES.map(({ field, name, unit, scale }) => {
    const ys = window.map((s) => s[field] * scale);
    return {
      name,
      unit,
      first: ys[0] ?? 0,
      last: ys.at(-1) ?? 0,
      min: ys.length ? Math.min(...ys) : 0,
      max: ys.length ? Math.max(...ys) : 0,
      slopePerHour: slope(xs, ys),
    };
  });
}
