import { afterEach, describe, expect, it, vi } from 'vitest';
import { describeIfTool, findOnPath, requireTool } from './require-tool.js';

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
    expect(() => describeIfTool(['sh', MISSING])).toThrow(MISSING);
  });

  it('outside CI returns false and warns once per tool', () => {
    delete process.env.CI;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(requireTool(`${MISSING}-b`)).toBe(false);
    expect(requireTool(`${MISSING}-b`)).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('scripts/test-env/setup.sh');
    expect(describeIfTool([`${MISSING}-b`])).not.toBe(describe); // describe.skip (a fresh chain each time)
    expect(describeIfTool(['sh'])).toBe(describe);
  });
});
