import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/cli/commands/demo.js';

describe('the demo loop pause', () => {
  it('leaves no abort listener behind, however many rounds run', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 20; i++) await sleep(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('ends early when aborted', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const pause = sleep(60_000, controller.signal);
    controller.abort();
    await pause;
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
