import type pg from 'pg';
import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from './database.js';
import { apiKeys, workspaces } from './schema.js';
import { hashApiKey, newApiKey } from './crypto.js';

export interface CreatedWorkspace {
  workspaceId: string;
  apiKey: string;
}

/** Creates a workspace and its first API key; the raw key is returned once and stored hashed. */
export async function createWorkspace(
  db: Db,
  input: { name: string; timezone?: string; isDemo?: boolean },
): Promise<CreatedWorkspace> {
  return db.transaction(async (tx) => {
    const [ws] = await tx
      .insert(workspaces)
      .values({ name: input.name, timezone: input.timezone ?? 'UTC', isDemo: input.isDemo ?? false })
      .returning({ id: workspaces.id });
    const apiKey = await issueApiKey(tx as unknown as Db, ws!.id, 'initial');
    return { workspaceId: ws!.id, apiKey };
  });
}

export async function issueApiKey(db: Db, workspaceId: string, label: string): Promise<string> {
  const raw = newApiKey();
  await db.insert(apiKeys).values({ workspaceId, keyHash: hashApiKey(raw), prefix: raw.slice(0, 8), label });
  return raw;
}

/** The workspace a bearer key belongs to, or null (unknown or revoked key). */
export async function workspaceForApiKey(db: Db, raw: string): Promise<string | null> {
  const rows = await db
    .select({ workspaceId: apiKeys.workspaceId })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, hashApiKey(raw)), isNull(apiKeys.revokedAt)))
    .limit(1);
  return rows[0]?.workspaceId ?? null;
}

/** How many workspaces exist (all of them, or only demo ones). */
export async function countWorkspaces(pool: pg.Pool, opts: { demoOnly?: boolean } = {}): Promise<number> {
  const sql = opts.demoOnly
    ? 'SELECT count(*)::int AS n FROM workspaces WHERE is_demo'
    : 'SELECT count(*)::int AS n FROM workspaces';
  return (await pool.query(sql)).rows[0].n as number;
}

/** Every workspace's id, oldest first. */
export async function listWorkspaceIds(pool: pg.Pool): Promise<string[]> {
  return (await pool.query<{ id: string }>('SELECT id FROM workspaces ORDER BY created_at')).rows.map(
    (r) => r.id,
  );
}

/** A workspace's stored settings and time zone (undefined fields when it does not exist). */
export async function workspaceSettingsRow(
  pool: pg.Pool,
  workspaceId: string,
): Promise<{ settings?: unknown; timezone?: string }> {
  return (
    (await pool.query('SELECT settings, timezone FROM workspaces WHERE id = $1', [workspaceId])).rows[0] ?? {}
  );
}

/**
 * Read-modify-write of a workspace's settings under a row lock, so two concurrent PATCHes never
 * lose each other's change. `next` gets the stored row and returns what to store.
 */
export async function updateWorkspaceSettings<T extends { timezone: string }>(
  pool: pg.Pool,
  workspaceId: string,
  next: (row: { settings?: unknown; timezone?: string }) => T,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const row =
      (
        await client.query('SELECT settings, timezone FROM workspaces WHERE id = $1 FOR UPDATE', [
          workspaceId,
        ])
      ).rows[0] ?? {};
    const value = next(row);
    await client.query('UPDATE workspaces SET settings = $2, timezone = $3 WHERE id = $1', [
      workspaceId,
      JSON.stringify(value),
      value.timezone,
    ]);
    await client.query('COMMIT');
    return value;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
