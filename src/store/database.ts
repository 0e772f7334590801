import pg from 'pg';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import * as schema from './schema.js';
import { startEmbeddedDatabase, type EmbeddedServer } from './embedded.js';

// Postgres returns bigint/numeric as strings; our bigints (ids, durations) fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));

export type Db = NodePgDatabase<typeof schema>;

/** The product's one connection pool and its typed query layer, whichever database is behind it. */
export interface Database {
  pool: pg.Pool;
  db: Db;
  /** 'embedded' = PGlite in this process (single connection), 'server' = PostgreSQL server. */
  kind: 'embedded' | 'server';
  /** Where the embedded data lives, for messages. */
  location: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  poolMax?: number;
  /** Embedded only: start a new data directory from the prepared template (default) or run initdb. */
  useTemplate?: boolean;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  let embedded: EmbeddedServer | undefined;
  let connectionString = opts.databaseUrl;
  if (!connectionString) {
    embedded = await startEmbeddedDatabase(opts.dataDir, { useTemplate: opts.useTemplate });
    connectionString = embedded.connectionString;
  }
  const pool = new pg.Pool({
    connectionString,
    // PGlite serves one connection (see embedded.ts). A query that waits longer than this for
    // it means code held a transaction while asking for a second connection: fail loudly.
    max: embedded ? 1 : (opts.poolMax ?? 10),
    connectionTimeoutMillis: embedded ? 60_000 : 10_000,
  });
  pool.on('error', () => {
    /* idle client errors (server restart) are retried by the next checkout */
  });
  // pg-pool listens for errors only on idle clients. A checked-out client that loses its connection
  // between two queries (a transaction awaiting work, a library's LISTEN client) emits 'error' with
  // nobody listening, which would crash the process during a database outage. Its next query fails
  // instead, and the holder's error path (503, retry, reconnect) takes over.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return {
    pool,
    db: drizzle(pool, { schema }),
    kind: embedded ? 'embedded' : 'server',
    location: embedded ? embedded.dataDir : redactUrl(connectionString),
    async close() {
      await pool.end().catch(() => {});
      await embedded?.stop();
    },
  };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
