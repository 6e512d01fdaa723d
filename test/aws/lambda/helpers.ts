/**
 * Shared pieces of the Lambda tests: recorded-shape events from test/aws/fixtures/events, with the detail
 * fields a test needs changed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const EVENTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/events');

/** A fixture event; `detail` fields are overridden (undefined deletes), `time` too when given. */
export function loadEvent(name: string, detail: Record<string, unknown> = {}, time?: string): Record<string, unknown> {
  const event = JSON.parse(readFileSync(path.join(EVENTS, `${name}.json`), 'utf8')) as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...(event.detail as Record<string, unknown>) };
  for (const [key, value] of Object.entries(detail)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return { ...event, detail: merged, ...(time ? { time } : {}) };
}
