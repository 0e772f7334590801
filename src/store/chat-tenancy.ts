import type pg from 'pg';

/** A pool, a checked-out client or a transaction: whatever runs the query. */
type Queryable = Pick<pg.ClientBase, 'query'> | Pick<pg.Pool, 'query'>;

/** Untyped rows, as pg returns them when the caller names no row type (the callers read columns). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRow = any;

/**
 * Tenancy queries (src/chat/tenancy.ts): which workspace an inbound chat event belongs to, and its bindings.
 * Each function runs one statement with the caller's positional parameters and returns pg's result.
 */

export function selectChatInstallationsWorkspaceIdByChannelExternalId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT workspace_id FROM chat_installations WHERE channel = $1 AND external_id = $2',
    params,
  );
}

export function selectWorkspacesId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('SELECT id FROM workspaces ORDER BY created_at LIMIT 2');
}

export function selectPeopleDISTINCTWorkspaceId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT DISTINCT workspace_id FROM people WHERE lower(email) = $1 LIMIT 3',
    params,
  );
}

export function selectPeopleDISTINCTWorkspaceIdByUuidWorkspaceId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT DISTINCT workspace_id FROM people
     WHERE ($3::uuid IS NULL OR workspace_id = $3) AND EXISTS (
       SELECT 1 FROM jsonb_array_elements($2::jsonb) i WHERE people.identities -> $1 ->> (i ->> 'key') = i ->> 'value')
     LIMIT 3`,
    params,
  );
}

export function selectPeopleByWorkspaceId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT * FROM people WHERE workspace_id = $3 AND EXISTS (
           SELECT 1 FROM jsonb_array_elements($2::jsonb) i WHERE people.identities -> $1 ->> (i ->> 'key') = i ->> 'value')
         ORDER BY created_at LIMIT 2`,
    params,
  );
}

export function selectPeopleByWorkspaceId2<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    'SELECT * FROM people WHERE workspace_id = $1 AND lower(email) = $2 ORDER BY created_at LIMIT 2',
    params,
  );
}

export function updatePeopleByIdWorkspaceId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE people SET identities = jsonb_set(identities, ARRAY[$2::text], coalesce(identities -> $2, '{}'::jsonb) || $3::jsonb), updated_at = now()
         WHERE id = $1 AND workspace_id = $4 RETURNING *`,
    params,
  );
}
