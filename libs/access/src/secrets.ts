import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The hub's secret material, all derived from one 32-byte key (HUB_SECRETS_KEY) with HKDF, one
 * derived key per use, so a key used to sign tokens is never also used to encrypt.
 */
export class HubSecrets {
  readonly tokenSigningKey: Uint8Array;
  private readonly webhookKey: Buffer;

  constructor(masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('the secrets key must be 32 bytes');
    const derive = (info: string) =>
      Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
    this.tokenSigningKey = new Uint8Array(derive('grassroots-hub/token-signing/v1'));
    this.webhookKey = derive('grassroots-hub/webhook-secrets/v1');
  }

  /**
   * HUB_SECRETS_KEY when set; else (not in production: config refuses that) a key kept in
   * `<dataDir>/secrets.key`, made once with mode 0600, so the embedded default keeps its
   * tokens and webhook secrets valid across restarts.
   */
  static load(configured: Buffer | undefined, dataDir: string): HubSecrets {
    if (configured) return new HubSecrets(configured);
    const file = join(dataDir, 'secrets.key');
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    }
    chmodSync(file, 0o600);
    return new HubSecrets(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'));
  }

  /** AES-256-GCM, as `v1.<iv>.<tag>.<ciphertext>` in base64url. */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.webhookKey, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined)
      throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.webhookKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(data, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}

/** Hex SHA-256: how API keys are stored and looked up. */
export const sha256Hex = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Compares two secrets in constant time, whatever their lengths. */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(
    createHash('sha256').update(a).digest(),
    createHash('sha256').update(b).digest(),
  );
}

/** A client's API key: `hub_` and 32 random bytes in base64url. */
export const newApiKey = (): string => `hub_${randomBytes(32).toString('base64url')}`;
