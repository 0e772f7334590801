import type pg from 'pg';

/** Alerts ever created, by type: read at scrape time so every process reports the same figure. */
export function alertCountsByType(pool: pg.Pool): () => Promise<{ type: string; n: number }[]> {
  return async () =>
    (await pool.query('SELECT type, count(*)::int AS n FROM alerts GROUP BY type')).rows as {
      type: string;
      n: number;
    }[];
}
