import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterEach, expect, it, vi } from 'vitest';
import { HealthChecker } from '../../src/health/checker.js';
import { FakeProbe, ep } from './fake-probe.js';

const seen: unknown[] = [];
const listener = (message: unknown): void => void seen.push(message);

afterEach(() => {
  unsubscribe('seedkeeper:health', listener);
  vi.useRealTimers();
});

it('publishes each transition on seedkeeper:health as { type: "transition", ...transition }', async () => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance', 'Date', 'queueMicrotask'],
  });
  subscribe('seedkeeper:health', listener);
  const checker = new HealthChecker(new FakeProbe(), { jitter: 0, intervalMs: 1000, healthyAfter: 1 });
  checker.setEndpoints([ep(1)]);
  checker.start();
  await vi.advanceTimersByTimeAsync(1500);
  const stopping = checker.stop();
  await vi.runAllTimersAsync();
  await stopping;
  expect(seen[0]).toMatchObject({ type: 'transition', from: 'unknown', to: 'healthy', endpoint: ep(1) });
});
