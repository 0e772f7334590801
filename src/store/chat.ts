import type pg from 'pg';

/** A pool, a checked-out client or a transaction: whatever runs the query. */
type Queryable = Pick<pg.ClientBase, 'query'> | Pick<pg.Pool, 'query'>;

/** Untyped rows, as pg returns them when the caller names no row type (the callers read columns). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRow = any;

/**
 * Chat use-case queries (src/chat/services.ts): customers, alerts, settings and identities as chat commands read and change them.
 * Each function runs one statement with the caller's positional parameters and returns pg's result.
 */

export function selectAlertsByWorkspaceIdStatus<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT a.id, a.type, a.status, a.facts, COALESCE(c.name, 'Data feed: ' || COALESCE(a.facts->>'feedLabel', a.facts->>'feed', 'unknown')) AS customer, a.customer_id IS NULL AS workspace_level
       FROM alerts a LEFT JOIN customers c ON c.id = a.customer_id
         WHERE a.workspace_id = $1 AND a.status <> 'resolved' AND (a.assignee_id = $2 OR EXISTS (SELECT 1 FROM alert_recipients r WHERE r.alert_id = a.id AND r.person_id = $2))
         ORDER BY a.created_at DESC LIMIT 20`,
    params,
  );
}

export function selectCustomersCPNameByWorkspaceId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT c.*, p.name AS csm FROM customers c LEFT JOIN people p ON p.id = c.csm_id
         WHERE c.workspace_id = $1 AND (lower(c.name) = lower($2) OR lower(c.external_id) = lower($2) OR c.name ILIKE '%' || $2 || '%')
         ORDER BY (lower(c.name) = lower($2)) DESC, c.name LIMIT 1`,
    params,
  );
}

export function selectUsageReadingsUsedLimitMetricAtByCustomerId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT used, "limit", metric, at FROM usage_readings WHERE customer_id = $1 ORDER BY at DESC LIMIT 1',
    params,
  );
}

export function selectInvoicesByCustomerIdStatus<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT external_id, amount, currency, to_char(due_date,'YYYY-MM-DD') AS due FROM invoices WHERE customer_id = $1 AND status = 'open' ORDER BY due_date`,
    params,
  );
}

export function selectAlertsTypeStatusByCustomerIdStatus<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT type, status FROM alerts WHERE customer_id = $1 AND status <> 'resolved'`,
    params,
  );
}

export function selectWorkspacesSettingsTimezoneById<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('SELECT settings, timezone FROM workspaces WHERE id = $1', params);
}

export function selectCustomersArrDomainsByWorkspaceIdExternalId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT arr, domains FROM customers WHERE workspace_id = $1 AND external_id = $2',
    params,
  );
}

export function selectWorkspacesSettingsById<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('SELECT settings FROM workspaces WHERE id = $1', params);
}

export function updateWorkspacesById<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('UPDATE workspaces SET settings = $2, timezone = $3 WHERE id = $1', params);
}

export function upsertChatInstallations<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO chat_installations (workspace_id, channel, external_id, data_enc, installed_by) VALUES ($1,$2,$3,$4,$5)
         ON CONFLICT (channel, external_id) DO UPDATE SET data_enc = EXCLUDED.data_enc, installed_by = COALESCE(EXCLUDED.installed_by, chat_installations.installed_by)`,
    params,
  );
}

export function selectChatInstallationsWorkspaceIdDataEncByChannelExternalId<
  R extends pg.QueryResultRow = AnyRow,
>(db: Queryable, params: unknown[]): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT workspace_id, data_enc FROM chat_installations WHERE channel = $1 AND external_id = $2',
    params,
  );
}

export function selectChatInstallationsExternalIdDataEncByChannelWorkspaceId<
  R extends pg.QueryResultRow = AnyRow,
>(db: Queryable, params: unknown[]): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT external_id, data_enc FROM chat_installations WHERE channel = $1 AND workspace_id = $2 ORDER BY created_at LIMIT 1',
    params,
  );
}

export function insertWorkspaces<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('INSERT INTO workspaces (name) VALUES ($1) RETURNING id', params);
}

export function upsertChatInstallations2<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO chat_installations (workspace_id, channel, external_id, data_enc, installed_by) VALUES ($1,$2,$3,$4,$5)
           ON CONFLICT (channel, external_id) DO NOTHING`,
    params,
  );
}

export function selectChatInstallationsWorkspaceIdByChannelExternalId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT workspace_id FROM chat_installations WHERE channel = $1 AND external_id = $2',
    params,
  );
}

export function insertPeople<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO people (workspace_id, external_id, name, email, role, is_admin, timezone, identities)
           VALUES ($1,$2,$3,$4,'admin',true,$5,$6)`,
    params,
  );
}

export function upsertConversations<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO conversations (workspace_id, channel, person_id, role, external_id, reference, last_inbound_at) VALUES ($1,$2,$3,$4,$5,$6, CASE WHEN $7 THEN now() END)
         ON CONFLICT (workspace_id, channel, external_id) DO UPDATE SET person_id = COALESCE(EXCLUDED.person_id, conversations.person_id),
           role = COALESCE(EXCLUDED.role, conversations.role), reference = conversations.reference || EXCLUDED.reference,
           last_inbound_at = COALESCE(EXCLUDED.last_inbound_at, conversations.last_inbound_at)`,
    params,
  );
}

export function selectConversationsByChannelExternalId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT * FROM conversations WHERE channel = $1 AND external_id = $2
             AND ($3::uuid IS NULL OR id = $3) AND ($4::uuid IS NULL OR workspace_id = $4)
           ORDER BY created_at LIMIT 1`,
    params,
  );
}

export function selectAlertThreadsAlertIdWorkspaceIdByChannelRootMessageId<
  R extends pg.QueryResultRow = AnyRow,
>(db: Queryable, params: unknown[]): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT alert_id, workspace_id FROM alert_threads WHERE channel = $1 AND root_message_id = $2 LIMIT 1',
    params,
  );
}

export function selectWorkspacesId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('SELECT id FROM workspaces ORDER BY created_at LIMIT 2');
}
