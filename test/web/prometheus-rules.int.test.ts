/** The alerting rules in deploy/prometheus pass `promtool check rules` and their unit tests. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeIfTool } from '../harness/require-tool.js';

const run = promisify(execFile);
const dir = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url));

describeIfTool(['promtool'])('deploy/prometheus/seedkeeper-rules.yaml', () => {
  it('is valid', async () => {
    const { stdout } = await run('promtool', ['check', 'rules', 'seedkeeper-rules.yaml'], {
      cwd: dir,
      timeout: 60_000,
    });
    expect(stdout).toMatch(/SUCCESS: 5 rules found/);
  }, 90_000);

  it('fires exactly as its unit tests expect', async () => {
    const { stdout } = await run('promtool', ['test', 'rules', 'seedkeeper-rules.test.yaml'], {
      cwd: dir,
      timeout: 60_000,
    });
    expect(stdout).toMatch(/SUCCESS/);
  }, 90_000);
});
