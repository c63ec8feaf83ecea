import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HubSecrets, newApiKey, sameSecret, sha256Hex } from './secrets';

describe('HubSecrets', () => {
  const secrets = new HubSecrets(Buffer.alloc(32, 7));

  it('seals and opens a secret; another key or a changed byte cannot open it', () => {
    const sealed = secrets.encrypt('whsec_abc');
    expect(sealed).not.toContain('whsec_abc');
    expect(secrets.decrypt(sealed)).toBe('whsec_abc');
    expect(() => new HubSecrets(Buffer.alloc(32, 8)).decrypt(sealed)).toThrow();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('whsec_abd').toString('base64url');
    expect(() => secrets.decrypt(parts.join('.'))).toThrow();
  });

  it('derives different keys for different uses', () => {
    expect(Buffer.from(secrets.tokenSigningKey).equals(Buffer.alloc(32, 7))).toBe(false);
  });

  it('makes a key file of mode 0600 once and reads it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hub-secrets-'));
    const first = HubSecrets.load(undefined, dir);
    expect(statSync(join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);
    const second = HubSecrets.load(undefined, dir);
    expect(Buffer.from(second.tokenSigningKey)).toEqual(Buffer.from(first.tokenSigningKey));
  });
});

describe('API keys', () => {
  it('are 32 random bytes, stored as their SHA-256', () => {
    const key = newApiKey();
    expect(key).toMatch(/^hub_[A-Za-z0-9_-]{43}$/);
    expect(sha256Hex(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(sameSecret(key, key)).toBe(true);
    expect(sameSecret(key, newApiKey())).toBe(false);
  });
});
