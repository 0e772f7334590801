import type pg from 'pg';

/** A pool, a checked-out client or a transaction: whatever runs the query. */
type Queryable = Pick<pg.ClientBase, 'query'> | Pick<pg.Pool, 'query'>;

/** Untyped rows, as pg returns them when the caller names no row type (the callers read columns). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyRow = any;

/**
 * CSV import queries (src/csv-import/): import sessions, their mapping and their error reports.
 * Each function runs one statement with the caller's positional parameters and returns pg's result.
 */

export function selectWorkspacesTimezoneById<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('SELECT timezone FROM workspaces WHERE id = $1', params);
}

export function selectCsvImportsByIdWorkspaceId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>('SELECT * FROM csv_imports WHERE id = $1 AND workspace_id = $2', params);
}

export function selectCsvImportsCreatedAtByWorkspaceIdStatus<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `SELECT created_at FROM csv_imports WHERE workspace_id = $1 AND sha256 = $2 AND status = 'done' ORDER BY created_at DESC LIMIT 1`,
    params,
  );
}

export function insertCsvImports<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `INSERT INTO csv_imports (workspace_id, filename, sha256, status, format, mapping, stats, created_by, origin,
           content, size_bytes, encoding, delimiter, row_count)
         VALUES ($1,$2,$3,'review',$4,$5,'{}',$6,$7,$8,$9,$10,$11,$12) RETURNING *`,
    params,
  );
}

export function updateCsvImportsByIdWorkspaceId<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE csv_imports SET status = 'done', stats = $3, error_report = $4, content = NULL, updated_at = now()
         WHERE id = $1 AND workspace_id = $2`,
    params,
  );
}

export function updateCsvImportsByIdWorkspaceId2<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE csv_imports SET status = 'failed', stats = $3, content = NULL, updated_at = now() WHERE id = $1 AND workspace_id = $2`,
    params,
  );
}

export function updateCsvImportsByIdWorkspaceId3<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE csv_imports SET mapping = $3, updated_at = now() WHERE id = $1 AND workspace_id = $2`,
    params,
  );
}

export function updateCsvImportsByIdWorkspaceId4<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE csv_imports SET status = 'failed', stats = $3, content = NULL, updated_at = now()
           WHERE id = $1 AND workspace_id = $2 AND status = 'review'`,
    params,
  );
}

export function updateCsvImportsByIdWorkspaceId5<R extends pg.QueryResultRow = AnyRow>(
  db: Queryable,
  params: unknown[],
): Promise<pg.QueryResult<R>> {
  return (db as pg.Pool).query<R>(
    `UPDATE csv_imports SET status = 'importing', updated_at = now() WHERE id = $1 AND workspace_id = $2 AND status = 'review'`,
    params,
  );
}
