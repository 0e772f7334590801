/**
 * The Connectors section of the settings form every chat channel renders (channel-agnostic
 * FormModel through ChatServices): list with status, Add → Test & Connect, Test, Sync now,
 * Remove; admins only; sync results and failures reported to the admin through the outbox.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import type { Person } from '../../../src/engine/index.js';
import type { FormModel } from '../../../src/channels/forms.js';
import { toPerson } from '../../../src/store/engine-store.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../../helpers/app.js';
import { FakeZendesk } from '../../fakes/helpdesks/zendesk.js';
import { seedTickets } from '../../fakes/helpdesks/common.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let admin: Person;
let csm: Person;
const zd = new FakeZendesk();

const person = async (externalId: string) =>
  toPerson(
    (
      await app.database.pool.query('SELECT * FROM people WHERE workspace_id = $1 AND external_id = $2', [
        team.workspaceId,
        externalId,
      ])
    ).rows[0],
  );
const general = async () =>
  (await app.services.settingsForm(team.workspaceId, admin, 'general')) as FormModel;
const notices = async () =>
  (
    await app.database.pool.query(
      `SELECT payload FROM deliveries WHERE kind = 'notice' AND person_id = $1 ORDER BY id`,
      [admin.id],
    )
  ).rows.map((r) => r.payload.text as string);

beforeAll(async () => {
  await zd.start();
  zd.upsert(seedTickets(12));
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app);
  admin = await person('admin-1');
  csm = await person('csm-1');
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
  await zd.stop();
});

it('the general settings form carries a Connectors section; non-admins are refused', async () => {
  const f = await general();
  const add = f.fields.find((x) => x.id === 'connector.add.platform')!;
  expect(add.options!.map((o) => o.value)).toEqual(
    expect.arrayContaining(['', 'zendesk', 'freshdesk', 'webhook']),
  );
  expect(f.fields.map((x) => x.id)).toEqual(
    expect.arrayContaining([
      'connector.add.account',
      'connector.add.email',
      'connector.add.token',
      'connector.add.syncMode',
    ]),
  );
  expect(await app.services.settingsForm(team.workspaceId, csm, 'general')).toHaveProperty('refused');
  const r = await app.services.saveSettingsForm(team.workspaceId, csm, 'general', {
    'connector.add.platform': 'zendesk',
  });
  expect(r.ok).toBe(false);
  expect((await app.database.pool.query('SELECT count(*)::int AS n FROM connectors')).rows[0].n).toBe(0);
});

it('Add with a wrong token names the token field and stores nothing', async () => {
  const r = await app.services.saveSettingsForm(team.workspaceId, admin, 'general', {
    'connector.add.platform': 'zendesk',
    'connector.add.account': zd.url,
    'connector.add.email': zd.email,
    'connector.add.token': 'not-the-token',
    'connector.add.syncMode': 'poll',
  });
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(Object.keys(r.errors)).toEqual(['connector.add.token']);
  expect(r.errors['connector.add.token']).toMatch(/API token/);
  expect((await app.database.pool.query('SELECT count(*)::int AS n FROM connectors')).rows[0].n).toBe(0);
});

let connectorId = '';

it('Add tests, connects, syncs at once and tells the admin; the list shows the status', async () => {
  const r = await app.services.saveSettingsForm(team.workspaceId, admin, 'general', {
    'connector.add.platform': 'zendesk',
    'connector.add.account': zd.url,
    'connector.add.email': zd.email,
    'connector.add.token': zd.token,
    'connector.add.syncMode': 'both',
    'connector.add.webhookSecret': '',
  });
  expect(r).toMatchObject({ ok: true });
  if (!r.ok) return;
  expect(r.message).toMatch(/Zendesk connected/);
  expect(r.message).toMatch(/Webhook URL: .*\/api\/webhooks\/tickets\?connectorId=/);
  expect(r.message).not.toContain(zd.token);
  const row = (await app.database.pool.query('SELECT * FROM connectors')).rows[0];
  connectorId = row.id;
  expect(row.created_by).toBe(admin.id);
  await eventually(async () =>
    (await notices()).some((n) => /first sync finished — 12 tickets stored/.test(n)),
  );
  const field = (await general()).fields.find((x) => x.id === `connector.${connectorId}`)!;
  expect(field.type).toBe('select');
  expect(field.hint).toMatch(/^connected · last sync \d{4}-\d\d-\d\d \d\d:\d\d UTC · 12 tickets · next run/);
  expect(JSON.stringify(await general())).not.toContain(zd.token);
});

it('Test, Sync now and Remove from the same form; a failing sync is reported to the admin', async () => {
  const test = await app.services.saveSettingsForm(team.workspaceId, admin, 'general', {
    [`connector.${connectorId}`]: 'test',
  });
  expect(test).toMatchObject({ ok: true });
  expect(test.ok && test.message).toMatch(/Connected to/);

  zd.server.expired = true;
  const sync = await app.services.saveSettingsForm(team.workspaceId, admin, 'general', {
    [`connector.${connectorId}`]: 'sync',
  });
  expect(sync.ok && sync.message).toMatch(/sync started/);
  await eventually(async () => (await notices()).some((n) => /sync failed: .*API token/.test(n)));
  const field = (await general()).fields.find((x) => x.id === `connector.${connectorId}`)!;
  expect(field.hint).toMatch(/^error · .*last error: .*API token/);
  const failedTest = await app.services.saveSettingsForm(team.workspaceId, admin, 'general', {
    [`connector.${connectorId}`]: 'test',
  });
  expect(failedTest.ok).toBe(false);
  if (!failedTest.ok) expect(failedTest.errors[`connector.${connectorId}`]).toMatch(/API token/);
  zd.server.expired = false;

  const removed = await app.services.saveSettingsForm(team.workspaceId, admin, 'general', {
    [`connector.${connectorId}`]: 'remove',
  });
  expect(removed.ok && removed.message).toMatch(/removed; its tickets stay/);
  expect((await general()).fields.some((x) => x.id === `connector.${connectorId}`)).toBe(false);
  expect(zd.webhooks.size).toBe(0);
});

it('saving the whole form with every connector action left alone only saves the settings', async () => {
  const f = await general();
  const values = Object.fromEntries(f.fields.map((x) => [x.id, x.value]));
  const r = await app.services.saveSettingsForm(team.workspaceId, admin, 'general', values);
  expect(r).toMatchObject({ ok: true });
  expect(r.ok && r.message).toMatch(/^Settings saved/);
  expect((await app.database.pool.query('SELECT count(*)::int AS n FROM connectors')).rows[0].n).toBe(0);
});
