import { describe, expect, it } from 'vitest';
import { CREDENTIAL_SALT, hashPassword, hashPasswordAsync } from '../../src/protocol/credential.js';

describe('hashPassword', () => {
  it('matches the credential the official client sent for admin/admin (§6.2)', () => {
    expect(hashPassword('admin')).toBe('$2a$10$7EqJtq98hPqEX7fNZaFWoO1mVO/4MLpGzsqojz6E9Gef6iXDjXdDa');
  });

  it('is deterministic, salted with the fixed salt and 60 characters long', async () => {
    const credential = hashPassword('s3cret-π');
    expect(credential).toHaveLength(60);
    expect(credential.startsWith(CREDENTIAL_SALT)).toBe(true);
    expect(hashPassword('s3cret-π')).toBe(credential);
    expect(hashPassword('s3cret-p')).not.toBe(credential);
    await expect(hashPasswordAsync('s3cret-π')).resolves.toBe(credential);
  });

  it('shares one computation between concurrent async callers and agrees with the sync form', async () => {
    const [a, b] = await Promise.all([hashPasswordAsync('concurrent'), hashPasswordAsync('concurrent')]);
    expect(a).toBe(b);
    expect(hashPassword('concurrent')).toBe(a);
  });
});
