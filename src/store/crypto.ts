import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeKey } from '../config.js';

/**
 * Credentials at rest: AES-256-GCM, a fresh 12-byte IV per value, stored as
 * `v1:<iv b64>:<tag b64>:<ciphertext b64>`. The key id (first bytes of the key's hash) is not
 * stored; a wrong key fails authentication instead of returning garbage.
 */
export interface Cipher {
  encrypt(plain: string): string;
  decrypt(envelope: string): string;
  encryptJson(value: unknown): string;
  decryptJson<T>(envelope: string): T;
}

export function createCipher(key: Buffer): Cipher {
  if (key.length !== 32) throw new Error('The encryption key must be 32 bytes.');
  const encrypt = (plain: string) => {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `v1:${iv.toString('base64')}:${c.getAuthTag().toString('base64')}:${body.toString('base64')}`;
  };
  const decrypt = (envelope: string) => {
    const [v, iv, tag, body] = envelope.split(':');
    if (v !== 'v1' || !iv || !tag || body === undefined) throw new Error('Not an encrypted value.');
    const d = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    d.setAuthTag(Buffer.from(tag, 'base64'));
    try {
      return Buffer.concat([d.update(Buffer.from(body, 'base64')), d.final()]).toString('utf8');
    } catch {
      throw new Error(
        'A stored credential could not be decrypted: FINCELO_ENCRYPTION_KEY is not the key it was saved with.',
      );
    }
  };
  return {
    encrypt,
    decrypt,
    encryptJson: (value) => encrypt(JSON.stringify(value)),
    decryptJson: <T>(envelope: string) => JSON.parse(decrypt(envelope)) as T,
  };
}

export interface ResolvedKey {
  key: Buffer;
  /** Set when a key was generated into the data directory (warn once). */
  generatedAt?: string;
  source: 'env' | 'file';
}

/**
 * FINCELO_ENCRYPTION_KEY when set; otherwise (embedded mode only) a key kept in the data
 * directory with owner-only permissions, created on first use.
 */
export function resolveEncryptionKey(opts: {
  envKey?: string;
  dataDir: string;
  embedded: boolean;
}): ResolvedKey {
  if (opts.envKey) {
    const key = decodeKey(opts.envKey);
    if (!key) throw new Error('FINCELO_ENCRYPTION_KEY must be 32 bytes as 64 hex characters.');
    return { key, source: 'env' };
  }
  if (!opts.embedded) {
    throw new Error(
      'FINCELO_ENCRYPTION_KEY is required with DATABASE_URL (every process must share it). ' +
        'Example: FINCELO_ENCRYPTION_KEY=$(openssl rand -hex 32)',
    );
  }
  const dir = resolve(opts.dataDir);
  const file = join(dir, 'encryption.key');
  if (existsSync(file)) {
    const key = decodeKey(readFileSync(file, 'utf8').trim());
    if (!key) throw new Error(`${file} does not hold a valid 32-byte key.`);
    return { key, source: 'file' };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, source: 'file', generatedAt: file };
}

/** API keys are stored as their SHA-256; the raw key is shown once. */
export function hashApiKey(raw: string): string {
  return createHash('sha256').update(raw).digest('hex');
}

export function newApiKey(): string {
  return `fin_${randomBytes(24).toString('base64url')}`;
}
