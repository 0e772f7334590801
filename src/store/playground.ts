import type pg from 'pg';

/** A pool, a checked-out client or a transaction: whatever runs the query. */
type Queryable = Pick<pg.ClientBase, 'query'> | Pick<pg.Pool, 'query'>;

/** Untyped rows, as pg returns them when the caller names no row type (the callers read columns). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRow = any;

/**
 * Playground queries (src/bots/playground, src/api/playground): the browser chat's conversations, messages and workspace picker.
 * Each function runs one statement with the caller's positional parameters and returns pg's result.
 */

export function selectConversationsWorkspaceIdById<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('SELECT workspace_id FROM conversations WHERE id = $1', params);
}

export function insertPlaygroundMessages<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO playground_messages (workspace_id, conversation_id, thread_root_id, card, text) VALUES ($1,$2,$3,$4,$5) RETURNING id`,
    params,
  );
}

export function updatePlaygroundMessagesByIdConversationId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'UPDATE playground_messages SET card = $3, text = $4, updated_at = now() WHERE id = $1 AND conversation_id = $2',
    params,
  );
}

export function selectWorkspacesIdNameById<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('SELECT id, name FROM workspaces WHERE id = $1', params);
}

export function selectWorkspacesIdName<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT id, name FROM workspaces ORDER BY is_demo DESC, created_at DESC LIMIT 1',
  );
}

export function selectWorkspacesIdNameIsDemo<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT id, name, is_demo FROM workspaces ORDER BY is_demo DESC, created_at DESC LIMIT 500',
  );
}

export function selectPlaygroundMessagesByChannelPersonId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT m.id, m.thread_root_id, m.card, m.text, m.created_at, m.updated_at FROM playground_messages m
           JOIN conversations c ON c.id = m.conversation_id
           WHERE c.channel = 'playground' AND c.person_id = $1 AND (m.visible_to IS NULL OR m.visible_to = $1)
           ORDER BY m.id`,
    params,
  );
}

export function upsertConversations<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO conversations (workspace_id, channel, person_id, external_id) VALUES ($1, 'playground', $2, $3)
         ON CONFLICT (workspace_id, channel, external_id) DO UPDATE SET person_id = EXCLUDED.person_id RETURNING id`,
    params,
  );
}

export function insertPlaygroundMessages2<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO playground_messages (workspace_id, conversation_id, thread_root_id, card, text, visible_to) VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`,
    params,
  );
}

export function updatePlaygroundMessagesByIdWorkspaceId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE playground_messages SET card = $3, text = $4, updated_at = now() WHERE id = $1 AND workspace_id = $2`,
    params,
  );
}
