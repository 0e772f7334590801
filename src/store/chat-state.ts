import type pg from 'pg';

/** A pool, a checked-out client or a transaction: whatever runs the query. */
type Queryable = Pick<pg.ClientBase, 'query'> | Pick<pg.Pool, 'query'>;

/** Untyped rows, as pg returns them when the caller names no row type (the callers read columns). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRow = any;

/**
 * Chat state queries (src/chat/channel-state.ts): dialogs in progress, message references and per-channel state.
 * Each function runs one statement with the caller's positional parameters and returns pg's result.
 */

export function selectChannelMessagesByChannelExternalMessageId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT workspace_id, alert_id, conversation_id, kind, status FROM channel_messages WHERE channel = $1 AND external_message_id = $2',
    params,
  );
}

export function selectChatDialogsWorkspaceIdKindStateExpiresAtByChannelConve<
  R extends pg.QueryResultRow = AnyRow,
>(db: Queryable, params: unknown[]): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT workspace_id, kind, state, expires_at FROM chat_dialogs WHERE channel = $1 AND conversation_key = $2',
    params,
  );
}

export function deleteChatDialogsByChannelConversationKey<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'DELETE FROM chat_dialogs WHERE channel = $1 AND conversation_key = $2 AND expires_at <= $3',
    params,
  );
}

export function upsertChatDialogs<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO chat_dialogs (workspace_id, channel, conversation_key, kind, state, expires_at) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (channel, conversation_key) DO UPDATE SET workspace_id = EXCLUDED.workspace_id, kind = EXCLUDED.kind,
           state = EXCLUDED.state, expires_at = EXCLUDED.expires_at, updated_at = now()`,
    params,
  );
}

export function deleteChatDialogsByChannelConversationKey2<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'DELETE FROM chat_dialogs WHERE channel = $1 AND conversation_key = $2',
    params,
  );
}

export function upsertChannelMessages<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO channel_messages (channel, external_message_id, workspace_id, alert_id, conversation_id, kind) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (channel, external_message_id) DO NOTHING`,
    params,
  );
}

export function updateChannelMessagesByChannelExternalMessageId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE channel_messages SET status = $3 WHERE channel = $1 AND external_message_id = $2
             AND (status IS NULL OR (CASE status WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 WHEN 'failed' THEN 4 ELSE 0 END) < $4)
           RETURNING workspace_id, alert_id, kind`,
    params,
  );
}

export function upsertProcessedEvents<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO processed_events (source, scope, event_id, workspace_id)
         VALUES ($1, coalesce($3::uuid::text, ''), $2, $3::uuid) ON CONFLICT DO NOTHING`,
    params,
  );
}

export function deleteProcessedEventsBySourceEventId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `DELETE FROM processed_events WHERE source = $1 AND event_id = $2 AND scope = coalesce($3::uuid::text, '')`,
    params,
  );
}
