import { readFileSync } from 'node:fs';
import type { Config } from '../../config.js';

/** The fields of a Google service-account JSON key the Chat app uses. */
export interface ServiceAccountKey {
  client_email: string;
  private_key: string;
  private_key_id?: string;
  /** Where access tokens are minted; Google's libraries read it from the key. */
  token_uri?: string;
  project_id?: string;
}

/**
 * Reads the key from GOOGLE_CHAT_SERVICE_ACCOUNT_JSON (the JSON itself, for secret stores that
 * inject environment variables) or GOOGLE_CHAT_SERVICE_ACCOUNT_FILE (a path). The key is never
 * logged; errors name the variable, not the content.
 */
export function loadServiceAccountKey(config: Config): ServiceAccountKey {
  const source = config.GOOGLE_CHAT_SERVICE_ACCOUNT_JSON
    ? { name: 'GOOGLE_CHAT_SERVICE_ACCOUNT_JSON', text: config.GOOGLE_CHAT_SERVICE_ACCOUNT_JSON }
    : config.GOOGLE_CHAT_SERVICE_ACCOUNT_FILE
      ? {
          name: 'GOOGLE_CHAT_SERVICE_ACCOUNT_FILE',
          text: readKeyFile(config.GOOGLE_CHAT_SERVICE_ACCOUNT_FILE),
        }
      : null;
  if (!source)
    throw new Error('Google Chat: set GOOGLE_CHAT_SERVICE_ACCOUNT_FILE or GOOGLE_CHAT_SERVICE_ACCOUNT_JSON.');
  let key: Partial<ServiceAccountKey>;
  try {
    key = JSON.parse(source.text) as Partial<ServiceAccountKey>;
  } catch {
    throw new Error(
      `${source.name} is not valid JSON: download the key again (IAM → Service accounts → Keys → Add key → JSON).`,
    );
  }
  if (!key.client_email || !key.private_key)
    throw new Error(
      `${source.name} is not a service-account key (client_email and private_key are missing).`,
    );
  return key as ServiceAccountKey;
}

function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `GOOGLE_CHAT_SERVICE_ACCOUNT_FILE: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
}
