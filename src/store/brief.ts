import type pg from 'pg';

/** A pool, a checked-out client or a transaction: whatever runs the query. */
type Queryable = Pick<pg.ClientBase, 'query'> | Pick<pg.Pool, 'query'>;

/** Untyped rows, as pg returns them when the caller names no row type (the callers read columns). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRow = any;

/**
 * Morning-brief queries (src/brief/): what the CFO brief reads and when it was last sent.
 * Each function runs one statement with the caller's positional parameters and returns pg's result.
 */

export function selectInvoicesByWorkspaceIdStatus<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT c.name, i.external_id, i.amount, i.currency, ($2::date - i.due_date) AS days
       FROM invoices i JOIN customers c ON c.id = i.customer_id
       WHERE i.workspace_id = $1 AND i.status = 'open' AND i.due_date < $2::date ORDER BY days DESC, i.amount DESC`,
    params,
  );
}

export function selectCustomersCNameCArrCChurnRiskByWorkspaceIdChurnRisk<
  R extends pg.QueryResultRow = AnyRow,
>(db: Queryable, params: unknown[]): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT c.name, c.arr, c.churn_risk FROM customers c
       WHERE c.workspace_id = $1 AND (c.churn_risk >= $2 OR EXISTS (
         SELECT 1 FROM alerts a WHERE a.customer_id = c.id AND a.type = 'support_risk' AND a.status <> 'resolved'))
       ORDER BY c.arr DESC NULLS LAST, c.name`,
    params,
  );
}

export function selectAlertsCNameCArrAFactsByWorkspaceIdType<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT c.name, c.arr, a.facts FROM alerts a JOIN customers c ON c.id = a.customer_id
       WHERE a.workspace_id = $1 AND a.type = 'usage_threshold' AND a.status <> 'resolved'
         AND a.facts ->> 'framing' ILIKE '%expansion%'
       ORDER BY (a.facts ->> 'percent')::float DESC`,
    params,
  );
}

export function selectTicketAnalysesByWorkspaceIdAnalyzedAt<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT t.subject, c.name AS customer, a.sentiment_label, a.sentiment_score, a.category_primary
       FROM ticket_analyses a JOIN tickets t ON t.id = a.ticket_id LEFT JOIN customers c ON c.id = t.customer_id
       WHERE a.workspace_id = $1 AND a.analyzed_at >= $2
         AND (a.sentiment_label IN ('hostile', 'distressed') OR a.category_primary IN ('legal_threat', 'cancellation_request', 'security_concern'))
       ORDER BY a.sentiment_score, a.analyzed_at DESC LIMIT 5`,
    params,
  );
}

export function selectAlertsByWorkspaceIdStatus<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT DISTINCT a.id, a.type, a.status,
            COALESCE(c.name, 'Data feed: ' || COALESCE(a.facts->>'feedLabel', a.facts->>'feed', 'unknown')) AS name,
            a.created_at FROM alerts a
       LEFT JOIN customers c ON c.id = a.customer_id
       JOIN alert_recipients r ON r.alert_id = a.id JOIN people p ON p.id = r.person_id
       WHERE a.workspace_id = $1 AND a.status <> 'resolved' AND p.role = 'cfo' ORDER BY a.created_at`,
    params,
  );
}

export function selectWorkspacesIdSettingsTimezone<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('SELECT id, settings, timezone, created_at FROM workspaces');
}

export function selectPeopleIdByWorkspaceIdRole<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(`SELECT id FROM people WHERE workspace_id = $1 AND role = 'cfo'`, params);
}

export function selectWorkspacesSettingsTimezoneById<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('SELECT settings, timezone FROM workspaces WHERE id = $1', params);
}
