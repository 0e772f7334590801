/** Durable jobs: a job scheduled before the process stops runs exactly once after restart. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase, type Database } from '../../../src/store/database.js';
import { migrate } from '../../../src/store/migrate.js';
import { createJobRunner } from '../../../src/jobs/runner.js';
import { createLogger } from '../../../src/log.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, sleep } from '../../helpers/app.js';

let tdb: TestDatabase;
let database: Database;
const log = createLogger('silent');

beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await database?.close().catch(() => {});
  await tdb?.drop();
});

async function open() {
  database = await openDatabase({ databaseUrl: tdb.env.DATABASE_URL, dataDir: tdb.env.FINCELO_DATA_DIR! });
  await migrate(database.pool);
  await database.pool.query(
    'CREATE TABLE IF NOT EXISTS job_runs (id serial, label text, at timestamptz default now())',
  );
  const jobs = await createJobRunner({
    pool: database.pool,
    notifications: database.kind === 'server',
    pollIntervalMs: 200,
    name: 'test',
    log,
  });
  jobs.define('test:record', async (data) => {
    await database.pool.query('INSERT INTO job_runs (label) VALUES ($1)', [data.label]);
  });
  return jobs;
}

describe('durable jobs', () => {
  it('runs a job scheduled before a stop exactly once after restart', async () => {
    let jobs = await open();
    await jobs.start();
    await jobs.scheduler.at('test:record', new Date(Date.now() + 2500), { label: 'after-restart' });
    await jobs.scheduler.at('test:record', new Date(), { label: 'now' });
    await eventually(
      async () => (await database.pool.query(`SELECT 1 FROM job_runs WHERE label = 'now'`)).rowCount === 1,
    );
    await jobs.stop(1000);
    await database.close();

    await sleep(3000); // the job falls due while nothing is running
    jobs = await open();
    await jobs.start();
    await eventually(
      async () =>
        (await database.pool.query(`SELECT 1 FROM job_runs WHERE label = 'after-restart'`)).rowCount === 1,
      10_000,
    );
    await sleep(1500);
    const runs = (
      await database.pool.query(
        'SELECT label, count(*)::int AS n FROM job_runs GROUP BY label ORDER BY label',
      )
    ).rows;
    expect(runs).toEqual([
      { label: 'after-restart', n: 1 },
      { label: 'now', n: 1 },
    ]);
    expect(await jobs.countPending('test:record')).toBe(0);
    await jobs.stop(1000);
  });

  it('cancels scheduled jobs by their data', async () => {
    const jobs = await open();
    await jobs.scheduler.at('test:record', new Date(Date.now() + 60_000), {
      label: 'cancel-me',
      alertId: 'a1',
    });
    await jobs.scheduler.at('test:record', new Date(Date.now() + 60_000), { label: 'keep', alertId: 'a2' });
    expect(await jobs.scheduler.cancel('test:record', { alertId: 'a1' })).toBe(1);
    expect(await jobs.countPending('test:record')).toBe(1);
    await jobs.stop(500);
  });
});
