import { hashPassword, randomPassword, UNKNOWN_USER_HASH, verifyPassword } from './password';

describe('passwords', () => {
  it('verifies the password it hashed and nothing else', async () => {
    const hash = await hashPassword('街道-2026!');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(hash).not.toContain('街道');
    await expect(verifyPassword('街道-2026!', hash)).resolves.toBe(true);
    await expect(verifyPassword('街道-2026', hash)).resolves.toBe(false);
  });

  it('salts: one password, two hashes', async () => {
    expect(await hashPassword('x')).not.toBe(await hashPassword('x'));
  });

  it('no password matches the unknown-user hash; malformed hashes match nothing', async () => {
    await expect(verifyPassword('', UNKNOWN_USER_HASH)).resolves.toBe(false);
    await expect(verifyPassword('x', 'plain')).resolves.toBe(false);
  });

  it('makes random passwords of 20 characters', () => {
    expect(randomPassword()).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(randomPassword()).not.toBe(randomPassword());
  });
});
