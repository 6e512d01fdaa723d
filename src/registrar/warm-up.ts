/**
 * For one-shot commands (`run --once`, `plan`): wait until the sources offer candidates and every candidate
 * has a health verdict, bounded by what the health settings need to reach one.
 */
import type { RegistrarConfig } from './config-schema.js';
import { mergeCandidates, type HealthView } from './registrar.js';
import type { Source } from '../sources/types.js';
import { systemClock, type Clock } from '../time/clock.js';

export function warmUpBudgetMs(config: RegistrarConfig): number {
  const h = config.health;
  return h.healthyAfter * h.intervalMs + h.unhealthyAfterMs + h.timeoutMs + 3000;
}

export async function waitForVerdicts(
  sources: readonly Source[],
  health: HealthView,
  budgetMs: number,
  register: () => Promise<unknown>,
  clock: Clock = systemClock,
): Promise<{ complete: boolean }> {
  const deadline = clock.now() + budgetMs;
  for (let i = 0; i < 10_000 && clock.now() < deadline; i++) {
    if (mergeCandidates(sources).length > 0) {
      await register();
      const states = [...health.snapshot().values()];
      if (states.length > 0 && states.every((s) => s.state !== 'unknown')) return { complete: true };
    }
    await clock.sleep(25);
  }
  return { complete: false };
}
