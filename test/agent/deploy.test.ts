// The shipped deployment files stay valid and in sync: the example config validates, cloud-init embeds
// the same unit file and a valid config, and the unit keeps the properties docs/agent.md promises.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadAgentConfig, validateAgentConfig } from '../../src/agent/config.js';

const root = new URL('../../', import.meta.url);
const read = (file: string): Promise<string> => readFile(new URL(file, root), 'utf8');

/** `Key=value` lines of a unit file, by key (repeated keys keep every value). */
function directives(unit: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of unit.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) out.set(match[1]!, [...(out.get(match[1]!) ?? []), match[2]!]);
  }
  return out;
}

describe('deploy/', () => {
  it('the example agent.yaml is valid and shows the defaults', async () => {
    const config = await loadAgentConfig(new URL('deploy/systemd/agent.yaml', root).pathname);
    expect(config.target.type).toBe('rfc2136');
    expect(config.wait.timeoutMs).toBe(600_000);
    expect(config.watch.shutdownTimeoutMs).toBe(10_000);
  });

  it('the unit orders the agent after Aerospike, stops it first, deregisters on SIGTERM, and is hardened', async () => {
    const unit = directives(await read('deploy/systemd/seedkeeper-agent.service'));
    expect(unit.get('After')?.join(' ')).toMatch(/aerospike\.service/);
    expect(unit.get('BindsTo')).toEqual(['aerospike.service']);
    expect(unit.get('ExecStart')).toEqual(['/usr/bin/seedkeeper agent watch --config /etc/seedkeeper/agent.yaml']);
    expect(unit.has('ExecStop')).toBe(false);
    expect(unit.get('KillSignal')).toEqual(['SIGTERM']);
    expect(Number.parseInt(unit.get('TimeoutStopSec')![0]!, 10) * 1000).toBeGreaterThan(10_000);
    expect(unit.get('Restart')).toEqual(['on-failure']);
    for (const key of ['NoNewPrivileges', 'DynamicUser']) expect(unit.get(key)).toEqual(['yes']);
    expect(unit.get('ProtectSystem')).toEqual(['strict']);
    expect(unit.get('ReadOnlyPaths')).toEqual(['/etc/seedkeeper']);
    expect(unit.get('WantedBy')?.join(' ')).toMatch(/aerospike\.service/);
  });

  it('cloud-init embeds the same unit and a valid config, and enables the unit', async () => {
    const text = await read('deploy/cloud-init.yaml');
    expect(text.startsWith('#cloud-config\n')).toBe(true);
    const doc = parseYaml(text) as { write_files: { path: string; content: string }[]; runcmd: string[] };
    const file = (path: string): string => doc.write_files.find((f) => f.path === path)!.content;
    expect(file('/etc/systemd/system/seedkeeper-agent.service').trim()).toBe(
      (await read('deploy/systemd/seedkeeper-agent.service')).trim(),
    );
    const config = validateAgentConfig(parseYaml(file('/etc/seedkeeper/agent.yaml')), 'cloud-init agent.yaml');
    expect(config.target).toMatchObject({
      type: 'rfc2136',
      key: { file: '/run/credentials/seedkeeper-agent.service/tsig.key' },
    });
    expect(doc.runcmd).toContain('systemctl enable --now seedkeeper-agent.service');
    expect(doc.runcmd.join('\n')).toMatch(/setup_20\.x[\s\S]*seedkeeper-install/);
    expect(file('/usr/local/sbin/seedkeeper-install')).toMatch(/sha256sum -c/);
    expect(text).not.toMatch(/npm install -g seedkeeper/);
  });
});
