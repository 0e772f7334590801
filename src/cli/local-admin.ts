import type { CreatedWorkspace } from '../store/workspaces.js';
import { readLocalAdmin } from '../api/local-admin.js';

/**
 * Asks the running server to do what the CLI cannot while the server holds the database.
 * Returns null when no server published its door (or it is gone), so the caller can report the
 * original "data directory in use" error.
 */
export async function viaRunningServer(
  dataDir: string,
  path: '/workspaces' | '/demo',
  body: Record<string, unknown>,
): Promise<CreatedWorkspace | null> {
  const door = await readLocalAdmin(dataDir);
  if (!door) return null;
  let res: globalThis.Response;
  try {
    res = await fetch(`${door.url}/local-admin${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${door.secret}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch {
    return null; // the process that wrote the file is gone (kill -9): nothing is listening
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON: reported below */
  }
  if (!res.ok) {
    const err = json.error as { message?: string } | string | undefined;
    const msg = typeof err === 'string' ? err : (err?.message ?? (json.message as string | undefined));
    throw new Error(`the running server refused (HTTP ${res.status}): ${msg ?? text.slice(0, 200)}`);
  }
  return json as unknown as CreatedWorkspace;
}
