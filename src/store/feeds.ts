import type pg from 'pg';
import type { FeedsTx } from '../engine/feeds-ports.js';
import { date } from './engine-rows.js';

/**
 * The data-feed heartbeat's SQL (issue 21 item 3). One row per watched feed of a workspace
 * (`feed_heartbeats`). Several workers may check the same workspace at once: the silence is
 * claimed by a conditional UPDATE (`stale_since IS NULL AND <still silent>`), which PostgreSQL
 * re-evaluates on the locked row, so exactly one of them raises the alert; data arriving takes the
 * same row lock, so it either lands before the claim (no alert) or after it (it resolves the alert).
 */
export function feedsTx(c: pg.PoolClient): FeedsTx {
  return {
    async watchFeeds(workspaceId, feeds, now) {
      if (!feeds.length) return;
      await c.query(
        `INSERT INTO feed_heartbeats (workspace_id, feed, watched_since)
         SELECT $1, f, $3 FROM unnest($2::text[]) AS f ON CONFLICT (workspace_id, feed) DO NOTHING`,
        [workspaceId, feeds, now],
      );
    },
    async unwatchFeedsExcept(workspaceId, keep) {
      const r = await c.query<{ feed: string }>(
        `DELETE FROM feed_heartbeats WHERE workspace_id = $1 AND NOT (feed = ANY($2::text[])) RETURNING feed`,
        [workspaceId, keep],
      );
      return r.rows.map((x) => x.feed);
    },
    async feedStates(workspaceId) {
      const r = await c.query(
        'SELECT feed, watched_since, last_data_at, stale_since FROM feed_heartbeats WHERE workspace_id = $1 ORDER BY feed',
        [workspaceId],
      );
      return r.rows.map((x) => ({
        feed: x.feed as string,
        watchedSince: date(x.watched_since)!,
        lastDataAt: date(x.last_data_at),
        staleSince: date(x.stale_since),
      }));
    },
    async noteFeedData(workspaceId, feed, at) {
      await c.query(
        `INSERT INTO feed_heartbeats AS f (workspace_id, feed, watched_since, last_data_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (workspace_id, feed) DO UPDATE
           SET last_data_at = GREATEST(COALESCE(f.last_data_at, EXCLUDED.last_data_at), EXCLUDED.last_data_at)`,
        [workspaceId, feed, at],
      );
    },
    async claimFeedStale(workspaceId, feed, now, cutoff) {
      const r = await c.query(
        `UPDATE feed_heartbeats SET stale_since = $3
         WHERE workspace_id = $1 AND feed = $2 AND stale_since IS NULL AND COALESCE(last_data_at, watched_since) < $4`,
        [workspaceId, feed, now, cutoff],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async clearFeedStale(workspaceId, feed) {
      const r = await c.query(
        `UPDATE feed_heartbeats SET stale_since = NULL WHERE workspace_id = $1 AND feed = $2 AND stale_since IS NOT NULL`,
        [workspaceId, feed],
      );
      return (r.rowCount ?? 0) > 0;
    },
    async connectorLastData(workspaceId, connector) {
      const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(connector);
      const which = byId ? 'k.id = $2::uuid' : 'k.platform = $2';
      const r = await c.query(
        `SELECT GREATEST(
           (SELECT max(k.last_sync_at) FROM connectors k WHERE k.workspace_id = $1 AND ${which}),
           (SELECT max(l.at) FROM connectors k CROSS JOIN LATERAL (
              SELECT t.ingested_at AS at FROM tickets t WHERE t.connector_id = k.id
               ORDER BY t.ingested_at DESC LIMIT 1) l
             WHERE k.workspace_id = $1 AND ${which})) AS at`,
        [workspaceId, connector],
      );
      return date(r.rows[0]?.at);
    },
    async lastAlertForKey(workspaceId, dedupKey) {
      const r = await c.query(
        'SELECT id, created_at FROM alerts WHERE workspace_id = $1 AND dedup_key = $2 ORDER BY created_at DESC, id LIMIT 1',
        [workspaceId, dedupKey],
      );
      return r.rows[0] ? { id: r.rows[0].id as string, createdAt: date(r.rows[0].created_at)! } : null;
    },
  };
}

/** Workspaces the heartbeat looks at: those watching a feed, or still holding rows of one no longer watched. */
export async function workspacesWithFeeds(pool: pg.Pool): Promise<string[]> {
  const r = await pool.query<{ id: string }>(
    `SELECT w.id FROM workspaces w
     WHERE (w.settings->'feeds' IS NOT NULL AND w.settings->'feeds' <> '{}'::jsonb)
        OR EXISTS (SELECT 1 FROM feed_heartbeats f WHERE f.workspace_id = w.id)
     ORDER BY w.id`,
  );
  return r.rows.map((x) => x.id);
}
