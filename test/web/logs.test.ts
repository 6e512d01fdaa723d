import { describe, expect, it } from 'vitest';
import { createLogger, defaultLogFormat } from '../../src/log/logger.js';
import { prettyLine } from '../../src/log/pretty.js';

describe('logs', () => {
  it('pretty: one readable line per event, secrets still redacted', () => {
    const lines: string[] = [];
    const logger = createLogger('info', { write: (text: string) => lines.push(text) }, 'pretty');
    logger.warn({ endpoint: '10.0.0.1:3000', password: 'hunter2', detail: 'two words' }, 'endpoint failing');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN {2}endpoint failing {2}endpoint=10\.0\.0\.1:3000 password=\[redacted\] detail="two words"\n$/,
    );
  });

  it('json stays JSON, and the default follows whether stderr is a terminal', () => {
    const lines: string[] = [];
    createLogger('info', { write: (text: string) => lines.push(text) }).info({ a: 1 }, 'hello');
    expect(JSON.parse(lines[0]!)).toMatchObject({ msg: 'hello', a: 1, level: 30 });
    expect(defaultLogFormat({ isTTY: true })).toBe('pretty');
    expect(defaultLogFormat({ isTTY: false })).toBe('json');
    expect(prettyLine('not json')).toBe('not json\n');
    expect(prettyLine('{"level":50,"time":0,"msg":"x"}', true)).toBe('00:00:00.000 \u001b[31mERROR\u001b[0m x\n');
  });
});
