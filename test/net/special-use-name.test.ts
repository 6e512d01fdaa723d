import { describe, expect, it } from 'vitest';
import { isSpecialUseName } from '../../src/net/special-use-name.js';

describe('isSpecialUseName', () => {
  it.each([
    'localhost',
    'seed.demo.test',
    'a.invalid',
    'x.example',
    'db.example.com.',
    'node.local',
    'router.home.arpa',
  ])('%s never reaches public DNS', (name) => {
    expect(isSpecialUseName(name)).toBe(true);
  });
  it.each(['seed.db.example.io', 'testing.com', 'latest', 'seed.mytest.net'])('%s may', (name) => {
    expect(isSpecialUseName(name)).toBe(false);
  });
});
