import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../drizzle/', import.meta.url));
const LOCK_ID = 7_345_021; // advisory lock: concurrent processes apply migrations one at a time

interface Journal {
  entries: { idx: number; tag: string }[];
}

/** Identifies the set of committed migrations (templates are keyed by it). */
export function migrationsFingerprint(): string {
  return createHash('sha256')
    .update(
      listMigrations()
        .map((m) => m.hash)
        .join(','),
    )
    .digest('hex')
    .slice(0, 12);
}

export function listMigrations(): { tag: string; sql: string; hash: string }[] {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_DIR}meta/_journal.json`, 'utf8')) as Journal;
  return journal.entries
    .sort((a, b) => a.idx - b.idx)
    .map(({ tag }) => {
      const sql = readFileSync(`${MIGRATIONS_DIR}${tag}.sql`, 'utf8');
      return { tag, sql, hash: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies the drizzle-kit migrations that are not yet applied, each in its own transaction.
 * Returns the tags applied now.
 */
/** The part of a pg.Pool the migrator uses (PGlite can stand in while a template is built). */
export interface MigrationTarget {
  connect(): Promise<{
    query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
    release(): void;
  }>;
}

export async function migrate(pool: pg.Pool | MigrationTarget): Promise<string[]> {
  const client = await pool.connect();
  const applied: string[] = [];
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_ID]);
    await client.query(`CREATE TABLE IF NOT EXISTS fincelo_migrations (
      tag text PRIMARY KEY, hash text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set(
      (await client.query('SELECT tag FROM fincelo_migrations')).rows.map((r) => String(r.tag)),
    );
    for (const m of listMigrations()) {
      if (done.has(m.tag)) continue;
      await client.query('BEGIN');
      try {
        for (const stmt of m.sql.split('--> statement-breakpoint')) {
          if (stmt.trim()) await client.query(stmt);
        }
        await client.query('INSERT INTO fincelo_migrations (tag, hash) VALUES ($1, $2)', [m.tag, m.hash]);
        await client.query('COMMIT');
        applied.push(m.tag);
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${m.tag} failed: ${(err as Error).message}`, { cause: err });
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_ID]).catch(() => {});
    client.release();
  }
  return applied;
}

/** Tags of committed migrations not applied to this database (empty = up to date). */
export async function pendingMigrations(pool: pg.Pool): Promise<string[]> {
  const exists = await pool.query(`SELECT to_regclass('fincelo_migrations') AS t`);
  const done = new Set<string>();
  if (exists.rows[0]?.t) {
    for (const r of (await pool.query<{ tag: string }>('SELECT tag FROM fincelo_migrations')).rows)
      done.add(r.tag);
  }
  return listMigrations()
    .map((m) => m.tag)
    .filter((t) => !done.has(t));
}
