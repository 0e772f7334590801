import type pg from 'pg';

/**
 * The alert-timer claim loop's reads (src/jobs/alert-timers.ts): the timers themselves are claimed
 * by the engine store with FOR UPDATE SKIP LOCKED; these only look at the schedule.
 */
export function createTimersRepo(pool: pg.Pool) {
  return {
    /** The earliest due, unresolved alert not in `skip` (the one a failing batch stumbled on). */
    async firstDueAlertId(skip: string[]): Promise<string | null> {
      const r = await pool.query<{ id: string }>(
        `SELECT id FROM alerts WHERE next_action_at <= now() AND status <> 'resolved' AND NOT (id = ANY($1::uuid[]))
               ORDER BY next_action_at LIMIT 1`,
        [skip],
      );
      return r.rows[0]?.id ?? null;
    },
    /** When the next unresolved alert not in `skip` falls due (null: none scheduled). */
    async nextDueAt(skip: string[]): Promise<Date | null> {
      const r = await pool.query<{ at: Date | null }>(
        `SELECT min(next_action_at) AS at FROM alerts WHERE next_action_at IS NOT NULL AND status <> 'resolved'
               AND NOT (id = ANY($1::uuid[]))`,
        [skip],
      );
      return r.rows[0]?.at ?? null;
    },
    /** NOTIFY every listening process (server only). */
    async notify(channel: string, payload: string): Promise<void> {
      await pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
    },
  };
}

/** Jobs waiting in Agenda's collection, optionally of one name. */
export async function countPendingJobs(pool: pg.Pool, name: string | null): Promise<number> {
  const r = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM agenda_jobs WHERE next_run_at IS NOT NULL AND ($1::text IS NULL OR name = $1)`,
    [name],
  );
  return r.rows[0]?.n ?? 0;
}
