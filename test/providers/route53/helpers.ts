/**
 * Shared pieces of the Route 53 provider tests: the model installed around each test, a fake clock whose
 * sleep only advances time (fast and deterministic), and providers wired to both.
 */
import type { ResourceRecordSet } from '@aws-sdk/client-route-53';
import { afterEach, beforeEach } from 'vitest';
import {
  createRoute53Provider,
  type Route53Provider,
  type Route53ProviderOptions,
} from '../../../src/providers/route53/index.js';
import type { RecordSet } from '../../../src/records/types.js';
import { Route53Model, type Route53ModelOptions } from '../../aws/route53-model.js';
import { testRoute53Client } from '../../aws/sdk-env.js';
import type { Clock } from '../../../src/time/clock.js';

export const ZONE_ID = 'Z0TEST';
export const ZONE = 'example.com';
export const NAME = 'seed.example.com';
export const MARKER = '_seedkeeper.seed.example.com';
export const OWNER = 'prod-registrar';

export interface FakeTime extends Clock {
  readonly sleeps: number[];
}

/**
 * Virtual time: it stands still while anything can still run, then jumps to the earliest sleeper's wake-up.
 * The model answers with microtasks only, so "nothing can run" is reached by the next macrotask
 * (setImmediate): concurrent sleepers wake in time order, and pacing is measured exactly.
 */
export function fakeTime(): FakeTime {
  let now = 0;
  const sleeps: number[] = [];
  const sleepers: { at: number; wake: () => void }[] = [];
  const advance = (): void => {
    if (sleepers.length === 0) return;
    const next = sleepers.reduce((best, s) => (s.at < best.at ? s : best));
    sleepers.splice(sleepers.indexOf(next), 1);
    now = Math.max(now, next.at);
    next.wake();
  };
  const sleep = (ms: number): Promise<void> => {
    sleeps.push(ms);
    return new Promise<void>((wake) => {
      sleepers.push({ at: now + ms, wake });
      setImmediate(advance);
    });
  };
  return {
    now: () => now,
    sleep,
    setTimer: (ms, fn) => {
      let live = true;
      void sleep(ms).then(() => live && fn());
      return { cancel: () => void (live = false) };
    },
    sleeps,
  };
}

export interface World {
  model: Route53Model;
  time: FakeTime;
  provider(overrides?: Partial<Route53ProviderOptions>): Route53Provider;
}

/** Installs a fresh model (and fake time) around every test of the calling file. */
export function useWorld(modelOptions: Route53ModelOptions = {}): World {
  const world = {} as World;
  beforeEach(() => {
    world.time = fakeTime();
    world.model = new Route53Model({
      zones: [{ id: ZONE_ID, name: ZONE }],
      clock: () => world.time.now(),
      ...modelOptions,
    });
    world.model.install();
    world.provider = (overrides = {}) =>
      createRoute53Provider({
        client: testRoute53Client(),
        hostedZoneId: ZONE_ID,
        zone: ZONE,
        mode: 'shared',
        clock: world.time,
        random: () => 0.5,
        ...overrides,
      });
  });
  afterEach(() => world.model.restore());
  return world;
}

/** The zone's records other than the apex SOA and NS. */
export function userRecords(model: Route53Model): ResourceRecordSet[] {
  return model.records(ZONE_ID).filter((r) => r.Type !== 'SOA' && r.Type !== 'NS');
}

export const a = (values: string[], ttl = 30, name = NAME): RecordSet => ({ name, type: 'A', ttl, values });
export const aaaa = (values: string[], ttl = 30, name = NAME): RecordSet => ({ name, type: 'AAAA', ttl, values });
export const marker = (owner = OWNER): RecordSet => ({
  name: MARKER,
  type: 'TXT',
  ttl: 30,
  values: [`seedkeeper/v1 owner=${owner}`],
});

/** `n` distinct addresses: 10.a.b.c for v4, 2001:db8::n for v6. */
export function addresses(n: number, family: 4 | 6 = 4, offset = 0): string[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + offset + 1;
    return family === 4
      ? `10.${Math.floor(i / 65536) % 256}.${Math.floor(i / 256) % 256}.${i % 256}`
      : `2001:db8::${i.toString(16)}`;
  });
}

/** Strip `ids` (information only) for comparisons. */
export function plain(sets: readonly RecordSet[]): RecordSet[] {
  return sets.map(({ name, type, ttl, values }) => ({ name, type, ttl, values }));
}
