// The registrar's deployment files: both example configs load through the real config loader, and the unit
// is hardened like the agent's and runs the single-file release with the documented config path.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/registrar/config.js';

const file = (p: string): string => new URL(`../../${p}`, import.meta.url).pathname;

describe('registrar example configs', () => {
  it('rfc2136: loads, with the key from the unit credential', async () => {
    const config = await loadConfig(file('examples/registrar-rfc2136.yaml'));
    expect(config.provider).toMatchObject({
      type: 'rfc2136',
      server: '10.0.0.53:53',
      key: { file: '/run/credentials/seedkeeper-registrar.service/tsig.key' },
    });
    expect(config.sources.map((s) => s.type)).toEqual(['cluster', 'static']);
  });

  it('route53: loads, with the aws-asg and cluster sources', async () => {
    const config = await loadConfig(file('examples/registrar-route53.yaml'));
    expect(config.provider).toMatchObject({ type: 'route53', hostedZoneId: 'Z0123456789ABCDEFGHIJ', mode: 'shared' });
    expect(config.sources.map((s) => s.type)).toEqual(['aws-asg', 'cluster']);
  });
});

describe('seedkeeper-registrar.service', () => {
  const unit = readFileSync(file('deploy/systemd/seedkeeper-registrar.service'), 'utf8');
  const agent = readFileSync(file('deploy/systemd/seedkeeper-agent.service'), 'utf8');
  const directives = (text: string): string[] => text.split('\n').filter((l) => /^[A-Z][A-Za-z]+=/.test(l));

  it('runs the release file with the documented config and does not restart on a config error', () => {
    expect(unit).toMatch(/^ExecStart=\/usr\/bin\/seedkeeper run --config \/etc\/seedkeeper\/registrar\.yaml$/m);
    expect(unit).toMatch(/^RestartPreventExitStatus=2$/m);
    expect(unit).toMatch(/^Restart=on-failure$/m);
  });

  it("carries every hardening directive of the agent's unit", () => {
    const hardening = directives(agent).filter((d) =>
      /^(DynamicUser|NoNewPrivileges|Protect|Private|Restrict|LockPersonality|SystemCall|CapabilityBoundingSet|AmbientCapabilities|UMask|ReadOnlyPaths)/.test(
        d,
      ),
    );
    expect(hardening.length).toBeGreaterThan(20);
    for (const line of hardening) expect(directives(unit), line).toContain(line);
  });
});
