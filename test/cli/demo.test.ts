import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('seedkeeper demo', () => {
  it('--scenario runs the scripted failure story and exits 0 when every expectation held', async () => {
    const result = await runCli(['demo', '--scenario'], { timeoutMs: 120_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/scenario passed: \d+ expectations held/);
    expect(result.stdout).not.toMatch(/\bFAIL\b/);
    for (const step of ['dead node removed', 'node restored', 'fail open', 'never shrank', 'never published'])
      expect(result.stdout).toContain(step);
  }, 150_000);

  it('runs for --duration seconds, narrating health, record and resolver', async () => {
    const result = await runCli(['demo', '--duration', '3'], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/health +127\.0\.0\.\d+:\d+: unknown -> healthy/);
    expect(result.stdout).toMatch(/record +\+127\.0\.0\.\d+/);
    expect(result.stdout).toMatch(/resolver 127\.0\.0\.\d+/);
    expect(result.stdout).toContain('load balancer');
    expect(result.stdout).toMatch(/demo +stopped/);
  }, 90_000);

  it('rejects bad flags with exit 2', async () => {
    const result = await runCli(['demo', '--nodes', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--nodes: expected 1\.\.8/);
  });
});
