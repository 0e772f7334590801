/**
 * A Zendesk backfill through the product's own ticket pipeline (the analysis subscriber scores
 * pages of hundreds on its worker threads): a page's cursor is saved only once the page is stored
 * and analysed, and a run that stops between pages leaves no ticket unanalysed once resumed —
 * even the page it had already stored past its saved cursor.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import type { ConnectorPlatform } from '../../../src/connectors/types.js';
import { PLATFORMS, platformFor } from '../../../src/connectors/registry.js';
import { DEFAULT_LEASE_MS, runSync, type SyncDeps } from '../../../src/connectors/runtime/sync.js';
import { createConnectorService, type ConnectorService } from '../../../src/connectors/service.js';
import { FakeZendesk } from '../../fakes/helpdesks/zendesk.js';
import { seedTickets } from '../../fakes/helpdesks/common.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../../helpers/app.js';

const fake = new FakeZendesk();
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let deps: SyncDeps;
let service: ConnectorService;

beforeAll(async () => {
  await fake.start();
  fake.pageSize = 400;
  // Older than the support-risk window: scored and stored, paging nobody.
  fake.upsert(seedTickets(1000, { endAgoMs: 5 * 86_400_000 }));
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app);
  deps = { pool: app.database.pool, cipher: app.cipher, tickets: app.tickets, platform: platformFor };
  service = createConnectorService({
    pool: app.database.pool,
    cipher: app.cipher,
    tickets: app.tickets,
    platform: platformFor,
    platforms: () => Object.values(PLATFORMS) as ConnectorPlatform[],
    enqueueSync: async () => undefined,
  });
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake.stop();
});

const connect = async () =>
  (
    await service.connect({
      workspaceId: team.workspaceId,
      platform: 'zendesk',
      credentials: fake.credentials(),
      baseUrl: fake.url,
      syncMode: 'poll',
      publicUrl: app.url,
      startSync: false,
      options: { backfillDays: 30 },
    })
  ).id;

const counts = async (connectorId: string) => {
  const r = await app.database.pool.query(
    `SELECT count(*)::int AS stored, count(a.ticket_id)::int AS analysed,
            count(*) FILTER (WHERE a.analyzer = 'local')::int AS local
       FROM tickets t LEFT JOIN ticket_analyses a ON a.ticket_id = t.id WHERE t.connector_id = $1`,
    [connectorId],
  );
  return r.rows[0] as { stored: number; analysed: number; local: number };
};

it('saves each page’s cursor only after its tickets are analysed', async () => {
  const id = await connect();
  const seen: { fetched: number; analysed: number }[] = [];
  const out = await runSync(deps, id, {
    afterPage: async (p) => void seen.push({ fetched: p.fetched, analysed: (await counts(id)).analysed }),
  });
  expect(out.error ?? out.result).toBe('done');
  expect(seen.map((s) => s.fetched)).toEqual([400, 800, 1000]);
  for (const s of seen) expect(s.analysed).toBeGreaterThanOrEqual(s.fetched);
  expect(await counts(id)).toEqual({ stored: 1000, analysed: 1000, local: 1000 });
});

it('a run stopped between pages is resumed with every stored ticket analysed once', async () => {
  const id = await connect();
  let stopped = false;
  // The first run "dies" once page 1's cursor is saved: it never returns nor releases its lease.
  void runSync(deps, id, {
    afterPage: async (p) => {
      if (p.pages === 1) {
        stopped = true;
        await new Promise(() => undefined);
      }
    },
  });
  await eventually(async () => stopped);
  // Meanwhile it stored page 2 (and page 3 too, when the fetch was quick enough: two pages are
  // stored at once), which it will never hand to the analysis.
  await eventually(async () => [800, 1000].includes((await counts(id)).stored), 30_000);
  expect((await counts(id)).analysed).toBe(400);
  const later = () => new Date(Date.now() + DEFAULT_LEASE_MS + 60_000);
  const out = await runSync({ ...deps, now: later }, id);
  expect(out.error ?? out.result).toBe('done');
  expect(out.fetched).toBe(600); // resumed after page 1: pages 2 and 3
  expect(await counts(id)).toEqual({ stored: 1000, analysed: 1000, local: 1000 });
});
