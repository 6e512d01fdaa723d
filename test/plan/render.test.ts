import { describe, expect, it } from 'vitest';
import { calculatePlan } from '../../src/plan/calculate.js';
import { renderPlan } from '../../src/plan/render.js';
import { DEFAULT_PLAN_POLICY, type PlanInput } from '../../src/plan/types.js';
import { NAME, OWNER, a, aaaa, m, marker } from './fixtures/helpers.js';

const policy = { ...DEFAULT_PLAN_POLICY, ownerId: OWNER };

function render(input: Partial<PlanInput>): string {
  const full: PlanInput = { name: NAME, current: [], desired: [], candidates: 0, policy, ...input };
  return renderPlan(calculatePlan(full), full.name);
}

describe('renderPlan', () => {
  it('shows what is added, removed, kept and deferred, the changes and the notes', () => {
    const text = render({
      current: [marker(), a('10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4')],
      desired: [m('10.0.0.4'), m('10.0.0.9')],
      candidates: 5,
      policy: { ...policy, maxRemovalsPerCycle: 2 },
    });
    expect(text).toMatch(/^Plan for seed\.example\.com \(dry run: nothing is applied\)\n/);
    expect(text).toMatch(/A +- 10\.0\.0\.1 +remove/);
    expect(text).toMatch(/A +- 10\.0\.0\.2 +remove/);
    expect(text).toMatch(/A +\+ 10\.0\.0\.9 +add/);
    expect(text).toMatch(/A += 10\.0\.0\.3 +keep \(removal deferred\)/);
    expect(text).toMatch(/A += 10\.0\.0\.4 +keep\n/);
    expect(text).toMatch(/AAAA +\(none\)/);
    expect(text).toContain('Changes (1, applied as one batch with compare-and-swap):');
    expect(text).toContain(
      'update A    seed.example.com ttl 30: 10.0.0.1, 10.0.0.2, 10.0.0.3, 10.0.0.4 -> 10.0.0.3, 10.0.0.4, 10.0.0.9',
    );
    expect(text).toContain('[removals-capped] removing 2 of 3 addresses due');
  });

  it('shows the marker that a new record is created with', () => {
    const text = render({ desired: [m('10.0.0.1'), m('fd00::1')], candidates: 2 });
    expect(text).toContain('create TXT  _seedkeeper.seed.example.com ttl 30: "seedkeeper/v1 owner=prod-registrar"');
    expect(text).toContain('create A    seed.example.com ttl 30: 10.0.0.1');
    expect(text).toContain('create AAAA seed.example.com ttl 30: fd00::1');
    expect(text).toMatch(/AAAA +\+ fd00::1 +add/);
  });

  it('shows TTL-only updates', () => {
    const text = render({
      current: [marker(), aaaa('fd00::1')],
      desired: [m('fd00::1')],
      policy: { ...policy, ttl: 60 },
    });
    expect(text).toContain('update AAAA seed.example.com ttl 30 -> 60: fd00::1');
  });

  it('says when nothing changes', () => {
    const text = render({ current: [marker(), a('10.0.0.1')], desired: [m('10.0.0.1')], candidates: 1 });
    expect(text).toContain('Changes: none');
    expect(text).toContain('[in-sync]');
  });

  it('says loudly when the plan is refused, and why', () => {
    const text = render({ current: [a('10.0.0.1')], desired: [m('10.0.0.2')], candidates: 1 });
    expect(text).toContain('REFUSED: the record is not owned by this registrar; nothing would change.');
    expect(text).toContain('Record as it is:');
    expect(text).toMatch(/A += 10\.0\.0\.1 +keep/);
    expect(text).toContain('Changes: none');
    expect(text).toContain('[not-owned] seed.example.com already holds A 10.0.0.1');
  });

  it('shows a fail-open plan keeping the record', () => {
    const text = render({ current: [marker(), a('10.0.0.1', '10.0.0.2')], desired: [], candidates: 2 });
    expect(text).toContain('[fail-open] no healthy member (0 of 2 candidates healthy)');
    expect(text).toContain('Changes: none');
  });
});
