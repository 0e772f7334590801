/** The ticket pipeline every source uses: idempotent upsert, newer version wins, customer matching. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedTeam, startTestApp } from '../../helpers/app.js';

let tdb: TestDatabase;
let app: RunningApp;
let ws: Awaited<ReturnType<typeof seedTeam>>;
const changed: string[][] = [];

beforeAll(async () => {
  tdb = await createTestDatabase();
  app = await startTestApp(tdb);
  ws = await seedTeam(app);
  await ws.api.post('/api/v1/customers', {
    externalId: 'cust-4',
    name: 'Initech',
    tier: 'good',
    csmExternalId: 'csm-2',
    domains: ['initech.example'],
  });
  app.tickets.onChanged(async (_w, ids) => void changed.push(ids));
});
afterAll(async () => {
  await app?.close();
  await tdb?.drop();
});

const rows = async () =>
  (
    await app.database.pool.query(
      `SELECT t.external_id, t.subject, c.name AS customer FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id
       WHERE t.workspace_id = $1 ORDER BY t.external_id`,
      [ws.workspaceId],
    )
  ).rows;

describe('ticket pipeline', () => {
  const src = { sourceKey: 'test-source' };
  const at = (s: string) => new Date(`2026-11-20T${s}:00Z`);

  it('stores new tickets once, matches customers and tells subscribers', async () => {
    const r = await app.tickets.ingest(ws.workspaceId, src, [
      {
        externalId: '1',
        subject: 'Org by name',
        body: 'b',
        organization: 'northwind',
        updatedAt: at('10:00'),
      },
      {
        externalId: '2',
        subject: 'Org by id',
        body: 'b',
        organizationExternalId: 'cust-3',
        updatedAt: at('10:00'),
      },
      {
        externalId: '3',
        subject: 'By domain',
        body: 'b',
        requesterEmail: 'Pat@Initech.example',
        updatedAt: at('10:00'),
      },
      {
        externalId: '4',
        subject: 'Unmatched',
        body: 'b',
        requesterEmail: 'x@nowhere.example',
        updatedAt: at('10:00'),
      },
    ]);
    expect(r.inserted).toHaveLength(4);
    expect(changed.at(-1)).toHaveLength(4);
    expect(await rows()).toEqual([
      { external_id: '1', subject: 'Org by name', customer: 'Northwind' },
      { external_id: '2', subject: 'Org by id', customer: 'Hooli' },
      { external_id: '3', subject: 'By domain', customer: 'Initech' },
      { external_id: '4', subject: 'Unmatched', customer: null },
    ]);
  });

  it('a replay or an older version changes nothing; a newer one replaces the row', async () => {
    const before = changed.length;
    const replay = await app.tickets.ingest(ws.workspaceId, src, [
      {
        externalId: '1',
        subject: 'Org by name',
        body: 'b',
        organization: 'northwind',
        updatedAt: at('10:00'),
      },
      { externalId: '2', subject: 'Stale edit', body: 'b', updatedAt: at('09:00') },
    ]);
    expect(replay).toEqual({ inserted: [], updated: [], unchanged: ['1', '2'] });
    expect(changed.length).toBe(before);
    const newer = await app.tickets.ingest(ws.workspaceId, src, [
      {
        externalId: '2',
        subject: 'Newer edit',
        body: 'b2',
        organizationExternalId: 'cust-3',
        updatedAt: at('11:00'),
      },
    ]);
    expect(newer.updated).toHaveLength(1);
    expect((await rows()).find((r) => r.external_id === '2')).toEqual({
      external_id: '2',
      subject: 'Newer edit',
      customer: 'Hooli',
    });
  });

  it('keeps sources apart: the same external id from another source is another ticket', async () => {
    const r = await app.tickets.ingest(ws.workspaceId, { sourceKey: 'other' }, [
      { externalId: '1', subject: 'Other source', body: '' },
    ]);
    expect(r.inserted).toHaveLength(1);
    expect((await rows()).filter((x) => x.external_id === '1')).toHaveLength(2);
  });
});
