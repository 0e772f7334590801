import type pg from 'pg';

/** A pool, a checked-out client or a transaction: whatever runs the query. */
type Queryable = Pick<pg.ClientBase, 'query'> | Pick<pg.Pool, 'query'>;

/** Untyped rows, as pg returns them when the caller names no row type (the callers read columns). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRow = any;

/**
 * Connector queries (src/connectors/): the connectors table, their sync claims, their webhook dedupe and the tickets they list.
 * Each function runs one statement with the caller's positional parameters and returns pg's result.
 */

export function queueAdminNotice<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO deliveries (workspace_id, channel, person_id, kind, payload) VALUES ($1,$2,$3,'notice',$4)`,
    params,
  );
}

export function dueConnectors<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(`SELECT id, workspace_id FROM connectors
      WHERE next_run_at <= now() AND status <> 'disabled'
        AND (status <> 'syncing' OR COALESCE((progress->>'leaseUntil')::timestamptz, '-infinity') < now())
      ORDER BY next_run_at LIMIT 200`);
}

export function listTicketsWithAnalysis<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT t.*, a.analyzer, a.analyzer_version, a.sentiment_label, a.sentiment_score, a.category_primary,
                  a.category_confidence, a.categories, a.flags, a.explanation, a.analyzed_at, c.name AS customer_name,
                  (a.ticket_id IS NOT NULL) AS has_analysis
             FROM tickets t
             LEFT JOIN ticket_analyses a ON a.ticket_id = t.id
             LEFT JOIN customers c ON c.id = t.customer_id
            WHERE t.workspace_id = $1
              AND ($2::uuid IS NULL OR t.connector_id = $2)
              AND ($3::uuid IS NULL OR t.customer_id = $3)
              AND ($4::boolean IS NOT TRUE OR t.customer_id IS NULL)
            ORDER BY t.source_updated_at DESC NULLS LAST, t.id
            LIMIT $5 OFFSET $6`,
    params,
  );
}

/** Who hears about a connector's trouble: the admin who connected it, or every admin when unknown. */
export async function connectorOwnerOrAdmins(
  db: Queryable,
  workspaceId: string,
  createdBy: string | null,
): Promise<pg.QueryResultRow[]> {
  return (
    await db.query(
      createdBy
        ? 'SELECT * FROM people WHERE workspace_id = $1 AND id = $2'
        : 'SELECT * FROM people WHERE workspace_id = $1 AND (is_admin OR role = $2)',
      [workspaceId, createdBy ?? 'admin'],
    )
  ).rows;
}

export function insertConnector<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO connectors (id, workspace_id, platform, name, credentials_enc, webhook_secret_enc, sync_mode,
                                 base_url, status, next_run_at, options, external_webhook_id, created_by)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'connected',$9,$10,$11,$12)`,
    params,
  );
}

export function scheduleConnectorRun<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE connectors SET next_run_at = $3 WHERE id = $1 AND workspace_id = $2 AND status <> 'disabled' RETURNING id`,
    params,
  );
}

export function deleteConnector<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('DELETE FROM connectors WHERE id = $1 AND workspace_id = $2', params);
}

export function webhookEventSeen<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT 1 FROM processed_events WHERE source = $1 AND scope = $3 AND event_id = $2',
    params,
  );
}

export function addTicketsSeen<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'UPDATE connectors SET tickets_seen = tickets_seen + $2 WHERE id = $1',
    params,
  );
}

export function rememberWebhookEvent<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO processed_events (source, scope, event_id, workspace_id)
         VALUES ($1, coalesce($3::uuid::text, ''), $2, $3::uuid) ON CONFLICT DO NOTHING`,
    params,
  );
}

export function claimConnectorSync<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE connectors SET status = 'syncing',
            progress = $3::jsonb || jsonb_build_object('rerun', COALESCE((progress->>'rerun')::boolean, false))
      WHERE id = $1 AND status <> 'disabled'
        AND (status <> 'syncing' OR COALESCE((progress->>'leaseUntil')::timestamptz, '-infinity') < $2)
      RETURNING *`,
    params,
  );
}

export function requestConnectorRerun<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE connectors SET progress = progress || '{"rerun": true}'::jsonb WHERE id = $1 AND status = 'syncing'`,
    params,
  );
}

export function failConnectorSync<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE connectors SET status = 'error', last_error = $3, next_run_at = $4,
              progress = progress || $5::jsonb
        WHERE id = $1 AND progress->>'owner' = $2`,
    params,
  );
}

export function saveSyncPage<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE connectors SET cursor = $3::jsonb, tickets_seen = tickets_seen + $4,
                progress = progress || $5::jsonb
          WHERE id = $1 AND progress->>'owner' = $2 RETURNING id`,
    params,
  );
}

export function finishConnectorSync<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE connectors SET status = 'connected', last_sync_at = $3::timestamptz, last_error = NULL,
              next_run_at = CASE WHEN (progress->>'rerun')::boolean THEN $3::timestamptz ELSE $4::timestamptz END,
              progress = progress || $5::jsonb
        WHERE id = $1 AND progress->>'owner' = $2
        RETURNING (SELECT (p.progress->>'rerun')::boolean FROM connectors p WHERE p.id = $1) AS rerun`,
    params,
  );
}

export function selectConnectorById<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT * FROM connectors WHERE id = $1 AND ($2::uuid IS NULL OR workspace_id = $2)`,
    params,
  );
}

export function selectConnectors<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT * FROM connectors WHERE workspace_id = $1 ORDER BY created_at`,
    params,
  );
}
