import { afterAll, afterEach, describe, expect, it, TestRunner, vi } from 'vitest';
import { describeIfTool, findOnPath, INTEGRATION_TAG, requireTool } from './require-tool.js';

const MISSING = 'seedkeeper-no-such-tool-4711';
const savedCi = process.env.CI;

afterEach(() => {
  if (savedCi === undefined) delete process.env.CI;
  else process.env.CI = savedCi;
  vi.restoreAllMocks();
});

describe('requireTool', () => {
  it('finds an executable on PATH', () => {
    expect(requireTool('sh')).toBe(true);
    expect(findOnPath('sh')).toMatch(/\/sh$/);
  });

  it('throws under CI=true, naming the tool and the setup script', () => {
    process.env.CI = 'true';
    expect(() => requireTool(MISSING)).toThrow(MISSING);
    expect(() => requireTool(MISSING)).toThrow('scripts/test-env/setup.sh');
    // Unless the run leaves integration blocks out (test:unit): then no tool is looked up at all.
    if (TestRunner.matchesTags([INTEGRATION_TAG])) expect(() => describeIfTool(['sh', MISSING])).toThrow(MISSING);
    else expect(() => describeIfTool(['sh', MISSING])).not.toThrow();
  });

  it('outside CI returns false and warns once per tool', () => {
    delete process.env.CI;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(requireTool(`${MISSING}-b`)).toBe(false);
    expect(requireTool(`${MISSING}-b`)).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('scripts/test-env/setup.sh');
  });
});

describe('describeIfTool', () => {
  const ran: string[] = [];
  describeIfTool(['sh'])('with its tools present', () => {
    it('runs, tagged integration', ({ task }) => {
      ran.push('present');
      expect(task.tags).toContain(INTEGRATION_TAG);
    });
  });
  // Declared at collection time with CI unset, so a missing tool means a skipped block, not an error.
  const saved = { ci: process.env.CI, warn: console.warn };
  delete process.env.CI;
  console.warn = () => undefined;
  try {
    describeIfTool([`${MISSING}-c`])('with a tool missing', () => {
      it('never runs', () => void ran.push('missing'));
    });
  } finally {
    console.warn = saved.warn;
    if (saved.ci !== undefined) process.env.CI = saved.ci;
  }
  // Under `--tags-filter='!integration'` (test:unit) neither block runs.
  afterAll(() => expect(ran).toEqual(TestRunner.matchesTags([INTEGRATION_TAG]) ? ['present'] : []));
});
