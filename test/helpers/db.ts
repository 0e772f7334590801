import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A fresh, empty database for one test file: a new database on the PostgreSQL server when
 * DATABASE_URL is set (CI runs the suite both ways), else a new embedded data directory.
 */
export interface TestDatabase {
  /** Environment overrides that point the product at this database. */
  env: Record<string, string>;
  kind: 'server' | 'embedded';
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.DATABASE_URL;
  const key = randomBytes(32).toString('hex');
  if (server) {
    const name = `fincelo_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(server);
    url.pathname = `/${name}`;
    return {
      kind: 'server',
      env: {
        DATABASE_URL: url.toString(),
        FINCELO_ENCRYPTION_KEY: key,
        FINCELO_DATA_DIR: mkdtempSync(join(tmpdir(), 'fincelo-t-')),
      },
      async drop() {
        const c = new pg.Client({ connectionString: server });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'fincelo-t-'));
  return {
    kind: 'embedded',
    env: { FINCELO_DATA_DIR: dir, FINCELO_ENCRYPTION_KEY: key },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
