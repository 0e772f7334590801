import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createFromTemplate, PGLITE_CONF } from './pglite-template.js';

/**
 * The embedded database: PGlite (real Postgres compiled to WASM) served on a local Unix socket
 * by pglite-socket, so the rest of the product talks to it through the same `pg` pool it would
 * use for a PostgreSQL server.
 *
 * Quirk (measured here with pglite-socket 0.2.17): its multiplexer for several client
 * connections interleaves extended-protocol messages (Parse/Bind/Execute) of different
 * connections, which fails with `unnamed prepared statement does not exist` under concurrent
 * parameterised queries. So the server accepts ONE connection and the product's pool is
 * sized 1 in embedded mode (see database.ts); LISTEN/NOTIFY is not used on it either.
 * Second quirk: pg-pool ends a client after a query error and opens a new one; with a
 * one-connection server the new connection can arrive before the old socket is closed and is
 * refused (EPIPE). See the maxConnections note below.
 */
export interface EmbeddedServer {
  /** Connection string for `pg` (host = socket directory). */
  connectionString: string;
  dataDir: string;
  stop(): Promise<void>;
}

export class DataDirInUseError extends Error {
  constructor(
    public readonly dataDir: string,
    public readonly pid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is already in use by another Fincelo process (pid ${pid}). ` +
        `Stop that process first, or run several processes against a PostgreSQL server by setting DATABASE_URL.`,
    );
    this.name = 'DataDirInUseError';
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes an exclusive lock file in the data directory; refuses when a live process holds it. */
function acquireLock(dir: string): () => void {
  const lockPath = join(dir, 'fincelo.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && pidAlive(pid)) {
        throw new DataDirInUseError(dir, pid);
      }
      rmSync(lockPath, { force: true }); // stale lock from a crashed process
    }
  }
  throw new Error(`Could not lock the embedded database directory ${dir}.`);
}

/** A short socket directory: Unix socket paths are limited to ~107 bytes. */
function socketDir(dataDir: string): string {
  const candidate = join(dataDir, '.s.PGSQL.5432');
  if (Buffer.byteLength(candidate) < 100) return dataDir;
  const hashed = join(tmpdir(), `fincelo-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`);
  mkdirSync(hashed, { recursive: true, mode: 0o700 });
  return hashed;
}

/**
 * Starts PGlite on `dataDir` (or in memory when dataDir is `memory://`) and serves it on a socket.
 */
export async function startEmbeddedDatabase(
  dataDir: string,
  opts: { useTemplate?: boolean } = {},
): Promise<EmbeddedServer> {
  const inMemory = dataDir === 'memory://';
  let release = () => {};
  let sockDir: string;
  let dbPath: string | undefined;
  const absDir = inMemory ? dataDir : resolve(dataDir);
  if (inMemory) {
    sockDir = join(tmpdir(), `fincelo-mem-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
    mkdirSync(sockDir, { recursive: true, mode: 0o700 });
  } else {
    mkdirSync(absDir, { recursive: true, mode: 0o700 });
    release = acquireLock(absDir);
    sockDir = socketDir(absDir);
    dbPath = join(absDir, 'pg');
  }
  const socketPath = join(sockDir, '.s.PGSQL.5432');
  if (existsSync(socketPath)) rmSync(socketPath, { force: true });

  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    if (dbPath && opts.useTemplate !== false && !existsSync(join(dbPath, 'PG_VERSION')))
      await createFromTemplate(dbPath);
    db = await PGlite.create(dbPath, { postgresqlconf: PGLITE_CONF });
    // maxConnections > 1 only so a replacement connection is accepted while the previous one is
    // still closing (pg-pool destroys a client after any query error); the product's pool
    // itself never holds more than one connection (database.ts).
    server = new PGLiteSocketServer({
      db,
      path: socketPath,
      maxConnections: 4,
      debug: process.env.PGLITE_SOCKET_DEBUG === '1',
    });
    await server.start();
  } catch (err) {
    await db?.close().catch(() => {});
    release();
    throw err;
  }
  const started = { db, server };
  return {
    connectionString: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(sockDir)}`,
    dataDir: absDir,
    async stop() {
      await started.server.stop().catch(() => {});
      await started.db.close().catch(() => {});
      rmSync(socketPath, { force: true });
      if (inMemory) rmSync(sockDir, { recursive: true, force: true });
      release();
    },
  };
}
