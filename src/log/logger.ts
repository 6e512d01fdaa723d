/**
 * Logs (pino) on stderr, so stdout stays clean for `plan` / `probe` output. JSON lines by default when stderr
 * is not a terminal (for collectors); one readable line per event on a terminal (`log.format: pretty`).
 * Secrets never reach a log line: fields with these names are redacted wherever they sit.
 */
import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';
import { prettyDestination } from './pretty.js';

export const REDACTED_FIELDS = ['password', 'secret', 'token', 'sessionToken', 'credentials', 'authorization', 'key'];

export type LogFormat = 'pretty' | 'json';

/** `pretty` on a terminal, `json` otherwise. */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stderr): LogFormat {
  return stream.isTTY === true ? 'pretty' : 'json';
}

export function createLogger(
  level: LevelWithSilent = 'info',
  destination?: DestinationStream,
  format?: LogFormat,
): Logger {
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
  const options = { level, base: { name: 'seedkeeper' }, redact: { paths, censor: '[redacted]' } };
  const chosen = format ?? (destination ? 'json' : defaultLogFormat());
  const out = destination ?? (chosen === 'pretty' ? process.stderr : pino.destination({ fd: 2, sync: true }));
  return pino(options, chosen === 'pretty' ? prettyDestination(out) : out);
}

export type { Logger };
