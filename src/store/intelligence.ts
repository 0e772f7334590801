import type pg from 'pg';

/** A pool, a checked-out client or a transaction: whatever runs the query. */
type Queryable = Pick<pg.ClientBase, 'query'> | Pick<pg.Pool, 'query'>;

/** Untyped rows, as pg returns them when the caller names no row type (the callers read columns). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRow = any;

/** A ticket as the analysis step reads it. */
export interface TicketRow {
  id: string;
  external_id: string;
  customer_id: string | null;
  subject: string;
  body: string;
  url: string | null;
  created_at: Date | null;
  updated_at: Date | null;
}

/**
 * Support-intelligence queries (src/intelligence/): ticket analyses, churn risk and support-risk alerts.
 * Each function runs one statement with the caller's positional parameters and returns pg's result.
 */

export function upsertTicketAnalyses<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO ticket_analyses (ticket_id, workspace_id, analyzer, analyzer_version, sentiment_label, sentiment_score,
         category_primary, category_confidence, categories, flags, explanation, analyzed_at)
       SELECT x.ticket_id, $1, x.analyzer, x.analyzer_version, x.sentiment_label, x.sentiment_score,
         x.category_primary, x.category_confidence, x.categories, x.flags, x.explanation, $3
       FROM jsonb_to_recordset($2::jsonb) AS x(ticket_id uuid, analyzer text, analyzer_version text, sentiment_label text,
         sentiment_score int, category_primary text, category_confidence float8, categories jsonb, flags jsonb,
         explanation jsonb)
       ON CONFLICT (ticket_id) DO UPDATE SET analyzer = EXCLUDED.analyzer, analyzer_version = EXCLUDED.analyzer_version,
         sentiment_label = EXCLUDED.sentiment_label, sentiment_score = EXCLUDED.sentiment_score,
         category_primary = EXCLUDED.category_primary, category_confidence = EXCLUDED.category_confidence,
         categories = EXCLUDED.categories, flags = EXCLUDED.flags, explanation = EXCLUDED.explanation,
         analyzed_at = EXCLUDED.analyzed_at`,
    params,
  );
}

export function selectTicketAnalysesASentimentLabelACategoryPrimaryByWorkspa<
  R extends pg.QueryResultRow = AnyRow,
>(db: Queryable, params: unknown[]): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT a.sentiment_label, a.category_primary FROM ticket_analyses a JOIN tickets t ON t.id = a.ticket_id
         WHERE a.workspace_id = $1 AND t.customer_id = $2 AND coalesce(t.source_created_at, t.ingested_at) >= $3`,
    params,
  );
}

export function selectUsageReadingsUsedLimitByWorkspaceIdCustomerId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT used, "limit" FROM usage_readings WHERE workspace_id = $1 AND customer_id = $2 AND at >= $3 AND "limit" > 0 ORDER BY at`,
    params,
  );
}

export function selectInvoicesAmount3DateDueDateByWorkspaceIdCustomerId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT amount, ($3::date - due_date) AS days FROM invoices
         WHERE workspace_id = $1 AND customer_id = $2 AND status = 'open' AND due_date < $3::date`,
    params,
  );
}

export function updateCustomersByWorkspaceIdId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    // A change of the score is kept in churn_history ($5 = the engine's now): the CSM's daily digest
    // lists the customers whose risk rose. One statement: the old value is read under the row lock.
    // (A FOR UPDATE in a sibling CTE would skip the row this UPDATE changes: the lock is taken in
    // the UPDATE's own FROM, whose subquery still sees the value before.)
    `WITH upd AS (
       UPDATE customers c SET churn_risk = $3, churn_factors = $4, updated_at = now()
         FROM (SELECT id, churn_risk FROM customers WHERE workspace_id = $1 AND id = $2 FOR UPDATE) old
        WHERE c.id = old.id RETURNING c.id, old.churn_risk AS before)
     INSERT INTO churn_history (workspace_id, customer_id, risk, at)
       SELECT $1, upd.id, $3, $5 FROM upd WHERE upd.before IS DISTINCT FROM $3::int`,
    params,
  );
}

export function selectTicketsByWorkspaceIdId<R extends pg.QueryResultRow = TicketRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT id, external_id, customer_id, subject, body, url, source_created_at AS created_at,
             source_updated_at AS updated_at FROM tickets WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
    params,
  );
}

export function selectWorkspacesSettingsTimezoneById<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('SELECT settings, timezone FROM workspaces WHERE id = $1', params);
}

export function selectCustomersChurnRiskChurnFactorsByWorkspaceIdId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT churn_risk, churn_factors FROM customers WHERE workspace_id = $1 AND id = $2`,
    params,
  );
}

export function selectTicketAnalysesACategoryPrimaryCountByWorkspaceIdCustom<
  R extends pg.QueryResultRow = AnyRow,
>(db: Queryable, params: unknown[]): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT a.category_primary, count(*)::int AS n FROM ticket_analyses a JOIN tickets t ON t.id = a.ticket_id
       WHERE a.workspace_id = $1 AND t.customer_id = $2 AND a.category_primary <> 'none'
       GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1`,
    params,
  );
}

export function selectCustomersWorkspaceIdId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('SELECT workspace_id, id FROM customers ORDER BY workspace_id');
}
