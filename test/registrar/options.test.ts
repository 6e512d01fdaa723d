import { describe, expect, it } from 'vitest';
import { checkStatusServerOptions } from '../../src/registrar/http.js';
import {
  validateRegistrarOptions,
  type RegistrarOptionsToCheck as RegistrarOptions,
} from '../../src/registrar/options.js';

const invalid = (path: string): unknown => expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', path });
const base = {
  name: 'seed.example.com',
  sources: [],
  intervalMs: 10_000,
  debounceMs: 50,
} as unknown as RegistrarOptions;
const withOptions = (extra: Record<string, unknown>): RegistrarOptions => ({ ...base, ...extra });

describe('registrar library options', () => {
  it('accept the documented shapes', () => {
    expect(() => validateRegistrarOptions(base)).not.toThrow();
    expect(() =>
      validateRegistrarOptions(
        withOptions({ maxConflictRetries: 0, retry: { baseMs: 0, maxMs: 0 }, errorSummaryPeriodMs: 0 }),
      ),
    ).not.toThrow();
  });

  it('refuse bad values, naming the option', () => {
    expect(() => validateRegistrarOptions(withOptions({ name: '' }))).toThrow(invalid('name'));
    expect(() => validateRegistrarOptions(withOptions({ sources: undefined }))).toThrow(invalid('sources'));
    expect(() => validateRegistrarOptions(withOptions({ intervalMs: 0 }))).toThrow(invalid('intervalMs'));
    expect(() => validateRegistrarOptions(withOptions({ debounceMs: -1 }))).toThrow(invalid('debounceMs'));
    expect(() => validateRegistrarOptions(withOptions({ maxConflictRetries: 1.5 }))).toThrow(
      invalid('maxConflictRetries'),
    );
    expect(() => validateRegistrarOptions(withOptions({ errorSummaryPeriodMs: -5 }))).toThrow(
      invalid('errorSummaryPeriodMs'),
    );
    expect(() => validateRegistrarOptions(withOptions({ retry: { baseMs: 10, maxMs: 5 } }))).toThrow(
      invalid('retry.maxMs'),
    );
    expect(() => validateRegistrarOptions(withOptions({ random: 3 }))).toThrow(invalid('random'));
  });
});

describe('status server options', () => {
  const ok = {
    host: '127.0.0.1',
    port: 0,
    registry: { metrics: () => Promise.resolve('') },
    health: () => ({ ok: true, detail: 'ok' }),
  } as never;
  it('refuse bad values, naming the option', () => {
    expect(() => checkStatusServerOptions(ok)).not.toThrow();
    expect(() => checkStatusServerOptions({ ...(ok as object), host: '' } as never)).toThrow(invalid('host'));
    expect(() => checkStatusServerOptions({ ...(ok as object), port: 70_000 } as never)).toThrow(invalid('port'));
    expect(() => checkStatusServerOptions({ ...(ok as object), registry: {} } as never)).toThrow(invalid('registry'));
    expect(() => checkStatusServerOptions({ ...(ok as object), health: undefined } as never)).toThrow(
      invalid('health'),
    );
  });
});
