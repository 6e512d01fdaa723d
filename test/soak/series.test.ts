import { describe, expect, it } from 'vitest';
import { metricValue, sampleFromMetrics, slope, summarize, type SoakSample } from '../../scripts/soak/series.js';

const METRICS = `# HELP seedkeeper_process_resident_memory_bytes Resident memory size in bytes.
# TYPE seedkeeper_process_resident_memory_bytes gauge
seedkeeper_process_resident_memory_bytes 54034432
seedkeeper_process_resident_memory_bytes_peak 99
seedkeeper_nodejs_eventloop_lag_p99_seconds 0.013828095
seedkeeper_nodejs_active_resources{type="Timeout"} 7
seedkeeper_nodejs_active_resources{type="Immediate"} 1
seedkeeper_nodejs_active_resources_total 8
seedkeeper_nodejs_active_handles_total 12
seedkeeper_nodejs_heap_size_used_bytes 5818344
seedkeeper_published_addresses{family="ipv4"} 256
seedkeeper_published_addresses{family="ipv6"} 0
`;

describe('metricValue', () => {
  it('reads an unlabelled series by its exact name, not a longer one sharing the prefix', () => {
    expect(metricValue(METRICS, 'seedkeeper_process_resident_memory_bytes')).toBe(54034432);
    expect(metricValue(METRICS, 'seedkeeper_nodejs_active_resources_total')).toBe(8);
  });

  it('reads a labelled series only when asked for its label', () => {
    expect(metricValue(METRICS, 'seedkeeper_nodejs_active_resources', 'type="Timeout"')).toBe(7);
    expect(metricValue(METRICS, 'seedkeeper_published_addresses', 'family="ipv6"')).toBe(0);
    expect(metricValue(METRICS, 'seedkeeper_nodejs_active_resources')).toBeUndefined();
    expect(metricValue(METRICS, 'seedkeeper_nope')).toBeUndefined();
  });
});

describe('sampleFromMetrics', () => {
  it('takes the process series the soak tracks', () => {
    expect(sampleFromMetrics(METRICS, 10)).toEqual({
      t: 10,
      rssBytes: 54034432,
      heapUsedBytes: 5818344,
      handles: 12,
      timers: 7,
      loopDelayP99: 0.013828095,
    });
  });

  it('names the series a body lacks', () => {
    expect(() => sampleFromMetrics('seedkeeper_nodejs_active_handles_total 1\n', 0)).toThrow(
      /seedkeeper_process_resident_memory_bytes/,
    );
  });
});

describe('slope', () => {
  it('is the least-squares slope: exact for a line, zero for a constant or a single point', () => {
    expect(slope([0, 1, 2, 3], [1, 3, 5, 7])).toBeCloseTo(2);
    expect(slope([0, 1, 2], [4, 4, 4])).toBe(0);
    expect(slope([5], [1])).toBe(0);
    expect(slope([1, 1], [0, 9])).toBe(0);
  });

  it('sees a small steady leak under noise', () => {
    const xs = Array.from({ length: 180 }, (_, i) => i);
    const ys = xs.map((x, i) => 100 + 0.01 * x + (i % 2 === 0 ? 1 : -1));
    expect(slope(xs, ys)).toBeCloseTo(0.01, 3);
  });
});

describe('summarize', () => {
  const at = (t: number, rss: number): SoakSample => ({
    t,
    rssBytes: rss * 2 ** 20,
    heapUsedBytes: 10 * 2 ** 20,
    handles: 5,
    timers: 3,
    loopDelayP99: 0.002,
  });

  it('leaves out the warm-up and gives slopes per hour in the series unit', () => {
    // 100 MiB during warm-up, then 50 MiB growing 1 MiB per 360 s = 10 MiB per hour.
    const samples = [at(0, 100), at(60, 100), ...[120, 480, 840, 1200].map((t) => at(t, 50 + (t - 120) / 360))];
    const rows = summarize(samples, 120);
    const rss = rows.find((r) => r.name === 'RSS')!;
    expect(rss.first).toBeCloseTo(50);
    expect(rss.max).toBeCloseTo(53);
    expect(rss.slopePerHour).toBeCloseTo(10);
    expect(rows.find((r) => r.name === 'active handles')!.slopePerHour).toBe(0);
    expect(rows.find((r) => r.name === 'event-loop delay p99')!.last).toBeCloseTo(2);
  });
});
