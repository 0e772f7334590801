/**
 * Inbound platform event ids are remembered per workspace (issue 15 item 1): two workspaces whose
 * chat platforms happen to send the same event id (Teams activity ids are only unique per
 * conversation) each get their click applied; the same id again in the same workspace is a
 * duplicate and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { personByExternalId } from '../../../src/store/directory.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedTeam, startTestApp } from '../../helpers/app.js';

describe('event ids are scoped to their workspace', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let a: Awaited<ReturnType<typeof seedTeam>>;
  let b: Awaited<ReturnType<typeof seedTeam>>;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startTestApp(db);
    a = await seedTeam(app);
    b = await seedTeam(app);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  async function openAlert(team: typeof a): Promise<string> {
    const r = await team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 95, limit: 100 });
    expect(r.body.outcome).toBe('created');
    const list = await team.api.get('/api/v1/alerts?status=open');
    return list.body.alerts[0].id as string;
  }

  async function click(team: typeof a, alertId: string, eventId: string) {
    const actor = await personByExternalId(app.database.pool, team.workspaceId, 'csm-1');
    return app.services.act({
      workspaceId: team.workspaceId,
      alertId,
      action: 'acknowledge',
      actor: actor!,
      channel: 'teams',
      eventId,
    });
  }

  it("B's click with the event id A already used is applied; A's repeat is a duplicate", async () => {
    const alertA = await openAlert(a);
    const alertB = await openAlert(b);
    const first = await click(a, alertA, '1733130000000');
    expect(first.ok).toBe(true);
    const other = await click(b, alertB, '1733130000000');
    expect(other).toMatchObject({ ok: true });
    expect((other as { duplicate?: boolean }).duplicate ?? false).toBe(false);
    expect((await b.api.get(`/api/v1/alerts/${alertB}`)).body.status).toBe('acknowledged');

    const acks = async (team: typeof a, id: string) =>
      ((await team.api.get(`/api/v1/alerts/${id}`)).body.timeline as { kind: string }[]).filter(
        (e) => e.kind === 'acknowledged',
      ).length;
    const before = await acks(a, alertA);
    expect(before).toBe(1);
    const again = await click(a, alertA, '1733130000000');
    expect((again as { duplicate?: boolean }).duplicate).toBe(true);
    expect(await acks(a, alertA)).toBe(before);
  });
});
