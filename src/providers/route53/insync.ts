/**
 * Waiting for a change to reach Route 53's name servers: GetChange reports PENDING until the change is
 * INSYNC ("generally within 60 seconds"). Polls at a fixed interval, bounded by a timeout; each poll is one
 * request of the provider's rate budget.
 */
import { GetChangeCommand, type Route53Client } from '@aws-sdk/client-route-53';
import { ProviderError } from '../types.js';
import { PROVIDER } from './errors.js';
import type { Clock } from '../../time/clock.js';
import type { Route53Caller } from './rate.js';

export interface InsyncDeps {
  readonly caller: Route53Caller;
  readonly client: Route53Client;
  readonly clock: Clock;
}

/** Resolves when `changeId` is INSYNC; ProviderError ERR_ROUTE53_INSYNC_TIMEOUT (retryable) after `timeoutMs`. */
export async function waitForChange(
  deps: InsyncDeps,
  changeId: string,
  timeoutMs: number,
  pollMs: number,
): Promise<void> {
  const started = deps.clock.now();
  const deadline = started + timeoutMs;
  let polls = 0;
  for (;;) {
    const out = await deps.caller.call('GetChange', `wait for change ${changeId}`, () =>
      deps.client.send(new GetChangeCommand({ Id: changeId })),
    );
    polls++;
    const status = out.ChangeInfo?.Status;
    if (status === 'INSYNC') return;
    const remaining = deadline - deps.clock.now();
    if (remaining <= 0) {
      throw new ProviderError(
        PROVIDER,
        'ERR_ROUTE53_INSYNC_TIMEOUT',
        `change ${changeId} was still ${status ?? 'not reported'} after ${Math.round(deps.clock.now() - started)} ms (${polls} polls, timeout ${timeoutMs} ms); Route 53 usually propagates within 60 s`,
        { labels: ['retryable'] },
      );
    }
    await deps.clock.sleep(Math.min(pollMs, remaining));
  }
}
