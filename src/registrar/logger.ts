/**
 * JSON logs (pino). Secrets never reach a log line: fields with these names are redacted wherever they sit.
 */
import { pino, type Logger, type LevelWithSilent, type DestinationStream } from 'pino';

export const REDACTED_FIELDS = ['password', 'secret', 'token', 'sessionToken', 'credentials', 'authorization', 'key'];

export function createLogger(level: LevelWithSilent = 'info', destination?: DestinationStream): Logger {
  const paths = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
  const options = { level, base: { name: 'seedkeeper' }, redact: { paths, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

export type { Logger };
