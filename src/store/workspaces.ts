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
