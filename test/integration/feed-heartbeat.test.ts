/**
 * Issue 21 item 3 through the real HTTP API and the playground channel, with an injected clock:
 * a watched usage feed that goes silent raises one `feed_stale` (a workspace-level alert, no
 * customer) to the workspace admins, found by GET /api/v1/alerts and by `alerts` in chat; a reading resolves it, with a
 * timeline entry and the card updated. expectedEvery < 10 s is refused naming the field; a feed
 * never configured raises nothing.
 *
 * The clock starts in 2027 and only moves when the test moves it; the heartbeat job (every 10 s of
 * wall time) reads it, as does every engine operation.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../src/app.js';
import { checkFeeds } from '../../src/engine/feeds.js';
import { runFeedsHeartbeat } from '../../src/jobs/feeds-heartbeat.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let now = new Date('2027-03-01T10:00:00Z');
const clock = { now: () => now };
const advance = (ms: number) => (now = new Date(now.getTime() + ms));
const HOUR = 3_600_000;

interface PgMessage {
  id: number;
  threadRootId: number | null;
  card: Record<string, unknown> | null;
  text: string | null;
}
async function messages(personExt: string, t = team): Promise<PgMessage[]> {
  const res = await fetch(`${app.url}/playground/api/messages?personId=${t.personIds[personExt]}`);
  return ((await res.json()) as { messages: PgMessage[] }).messages;
}
const feedCard = async (personExt: string) =>
  (await messages(personExt)).find(
    (m) => m.threadRootId === null && m.card && JSON.stringify(m.card).includes('Data feed silent'),
  );
const feedAlerts = async (t = team) =>
  ((await t.api.get('/api/v1/alerts')).body.alerts as { id: string; type: string; status: string }[]).filter(
    (a) => a.type === 'feed_stale',
  );
const command = async (personExt: string, text: string) => {
  const res = await fetch(`${app.url}/playground/api/command?workspaceId=${team.workspaceId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ personId: team.personIds[personExt], text }),
  });
  return (await res.json()) as { kind: string; text: string };
};
const reading = (t = team) =>
  t.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 10, limit: 100, metric: 'seats' });

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db, {}, { clock });
  team = await seedTeam(app, { feeds: { usage: { expectedEvery: '1h' } } });
}, 120_000);
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('data-feed heartbeat', () => {
  it('refuses expectedEvery under 10s, naming the field; shows the default (nothing watched)', async () => {
    const bad = await team.api.patch('/api/v1/settings', { feeds: { usage: { expectedEvery: '5s' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.details['feeds.usage.expectedEvery']).toMatch(/at least 10s/);
    const unknown = await team.api.patch('/api/v1/settings', { feeds: { tickets: { expectedEvery: '1h' } } });
    expect(unknown.status).toBe(400);
    expect(Object.keys(unknown.body.details)).toContain('feeds.tickets');
    // The refused patches changed nothing.
    expect((await team.api.get('/api/v1/settings')).body.feeds).toEqual({ usage: { expectedEvery: '1h' } });

    const other = await seedTeam(app);
    expect((await other.api.get('/api/v1/settings')).body.feeds).toEqual({});
  });

  it('a silent usage feed raises one feed_stale to the admins; a reading resolves it', async () => {
    expect((await reading()).body.outcome).toBe('below_threshold');
    advance(30 * 60_000); // within the cadence
    await runFeedsHeartbeat(app.engine, app.database.pool);
    expect(await feedAlerts()).toEqual([]);

    advance(31 * 60_000); // 61 min since the last reading
    // Several workers checking at the same moment raise it once.
    // (The background job may win the race: then none of these four notices it.)
    const runs = await Promise.all([1, 2, 3, 4].map(() => checkFeeds(app.engine, team.workspaceId)));
    expect(runs.flatMap((r) => r.noticed).length).toBeLessThanOrEqual(1);
    const [stale, ...more] = await eventually(async () => {
      const a = await feedAlerts();
      return a.length ? a : null;
    }, 30_000);
    expect(more).toEqual([]);
    expect(stale).toBeDefined();
    const alert = (await team.api.get(`/api/v1/alerts/${stale!.id}`)).body;
    expect(alert).toMatchObject({
      type: 'feed_stale',
      status: 'open',
      customerExternalId: null,
      feed: 'usage',
      assigneeExternalId: 'admin-1',
      escalationRole: 'admin',
      facts: { feed: 'usage', expectedEvery: '1h', silentFor: '61m' },
    });
    // Admins first, then the chain's customer-free steps (VP CS 48h, CFO 72h); no CSM, no manager.
    expect(alert.escalation).toEqual([
      { role: 'admin', afterMs: 0 },
      { role: 'vp_cs', afterMs: 48 * HOUR },
      { role: 'cfo', afterMs: 72 * HOUR },
    ]);
    expect(alert.recipients).toEqual(['admin-1']);
    const card = await eventually(() => feedCard('admin-1'), 30_000);
    const json = JSON.stringify(card.card);
    expect(json).toContain('Usage readings');
    expect(json).toContain('Whole workspace');
    expect(json).toContain('Acknowledge');
    expect(await feedCard('csm-1')).toBeUndefined(); // the CSM is not told
    // `alerts` in chat lists it for the admin, named by its feed (no customer to bulk-act on).
    const list = await command('admin-1', 'alerts');
    expect(list.text).toContain('Data feed: Usage readings — Data feed silent — open');
    expect(list.text).not.toContain('ack all');

    // Still silent: later checks (and the real job) add nothing.
    advance(HOUR);
    await runFeedsHeartbeat(app.engine, app.database.pool);
    expect(await feedAlerts()).toHaveLength(1);

    // Data again: resolved in the same request, on the timeline and on the card.
    expect((await reading()).status).toBe(202);
    const done = (await team.api.get(`/api/v1/alerts/${stale!.id}`)).body;
    expect(done.status).toBe('resolved');
    expect(done.timeline.at(-1)).toMatchObject({
      kind: 'auto_resolved',
      details: { reason: 'data arrived again on usage readings' },
    });
    await eventually(
      async () => JSON.stringify((await feedCard('admin-1'))?.card).includes('Resolved'),
      30_000,
    );
    await eventually(
      async () => (await messages('admin-1')).some((m) => m.text?.includes('Resolved automatically')),
      30_000,
    );
  }, 90_000);

  it('the heartbeat job notices a silence by itself', async () => {
    // Silent again, past the cooldown of the first alert (24 h): a new alert, raised by the job.
    advance(25 * HOUR);
    await eventually(async () => (await feedAlerts()).some((a) => a.status === 'open'), 30_000);
    expect((await feedAlerts()).filter((a) => a.status === 'open')).toHaveLength(1);
    expect((await reading()).status).toBe(202);
    expect((await feedAlerts()).every((a) => a.status === 'resolved')).toBe(true);
  }, 60_000);

  it('a silence within the cooldown is recorded on the last alert, not raised again', async () => {
    advance(2 * HOUR);
    await checkFeeds(app.engine, team.workspaceId);
    expect(await feedAlerts()).toHaveLength(2);
    const all = await feedAlerts();
    expect(all.every((a) => a.status === 'resolved')).toBe(true);
    const latest = (await team.api.get(`/api/v1/alerts/${all[0]!.id}`)).body;
    expect(latest.timeline.at(-1)).toMatchObject({
      kind: 'suppressed',
      details: { facts: { feed: 'usage' } },
    });
    expect((await reading()).status).toBe(202);
  });

  it('the settings dialog shows the feeds with their default and refuses under 10s on the field', async () => {
    const t = await seedTeam(app);
    const admin = (await app.engine.store.transaction((tx) =>
      tx.personByExternalId(t.workspaceId, 'admin-1'),
    ))!;
    const form = await app.services.settingsForm(t.workspaceId, admin, 'general');
    if ('refused' in form) throw new Error('refused');
    const field = (id: string) => form.fields.find((f) => f.id === id)!;
    expect(field('feeds.usage')).toMatchObject({
      value: '',
      hint: expect.stringContaining('default: not watched'),
    });
    expect(field('feeds.connectors').value).toBe('');
    const bad = await app.services.saveSettingsForm(t.workspaceId, admin, 'general', { 'feeds.usage': '5s' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors['feeds.usage']).toMatch(/at least 10s/);
    const good = await app.services.saveSettingsForm(t.workspaceId, admin, 'general', {
      'feeds.usage': '1d',
      'feeds.invoices': '',
      'feeds.connectors': 'zendesk 2h',
    });
    expect(good.ok).toBe(true);
    expect((await t.api.get('/api/v1/settings')).body.feeds).toEqual({
      usage: { expectedEvery: '24h' },
      connectors: { zendesk: { expectedEvery: '2h' } },
    });
    // Emptying the connector list stops watching them.
    await app.services.saveSettingsForm(t.workspaceId, admin, 'general', { 'feeds.connectors': '' });
    expect((await t.api.get('/api/v1/settings')).body.feeds).toEqual({ usage: { expectedEvery: '24h' } });
  });

  it('a feed never configured raises nothing', async () => {
    const quiet = await seedTeam(app); // no feeds
    expect((await reading(quiet)).status).toBe(202);
    // The invoices feed of the first workspace is not configured either.
    advance(30 * 86_400_000);
    await runFeedsHeartbeat(app.engine, app.database.pool);
    expect(await feedAlerts(quiet)).toEqual([]);
    const watched = await app.database.pool.query(
      'SELECT workspace_id, feed FROM feed_heartbeats ORDER BY workspace_id, feed',
    );
    // Only the workspaces that watch a feed have rows: the first one's usage, the dialog's usage.
    expect(watched.rows.every((r) => r.feed === 'usage' && r.workspace_id !== quiet.workspaceId)).toBe(true);
    expect(watched.rows.map((r) => r.workspace_id)).toContain(team.workspaceId);
  });
});
