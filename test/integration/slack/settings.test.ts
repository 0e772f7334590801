/**
 * `/fincelo` through signed slash-command requests: help, alerts and customer answered
 * ephemerally through the response_url; `settings` opens a modal for admins (general, person and
 * customer forms), with field-level errors and a confirmation on save.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, sleep, startTestApp } from '../../helpers/app.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack-api.js';
import {
  fixture,
  interaction,
  postSlack,
  seedSlackTeam,
  slashCommand,
  SLACK_USERS,
  slackEnv,
  submitPayload,
} from './support.js';

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedSlackTeam>>;

type Block = { type: string; block_id: string; element: Record<string, unknown> };
const openedView = (triggerId: string) =>
  eventually(async () => fake.views.find((v) => v.triggerId === triggerId));
const blocksOf = (v: { view: Record<string, unknown> }) => v.view.blocks as Block[];

beforeAll(async () => {
  fake = await startFakeSlack({ users: SLACK_USERS });
  db = await createTestDatabase();
  app = await startTestApp(db, slackEnv(fake));
  team = await seedSlackTeam(app);
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

describe('/fincelo answers', () => {
  it('help, alerts and customer reply ephemerally, acked at once', async () => {
    const help = await slashCommand(app.url, fake, 'U0SAM', 'help');
    expect(help.status).toBe(200);
    expect(help.text).toBe('');
    expect((await help.reply()).body).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringContaining('`settings`'),
    });

    const alerts = await slashCommand(app.url, fake, 'U0SAM', 'alerts');
    expect((await alerts.reply()).body.text).toContain('no open alerts');

    const customer = await slashCommand(app.url, fake, 'U0SAM', 'customer Northwind');
    expect((await customer.reply()).body.text).toMatch(/Northwind.*tier platinum.*Sam CSM/);
  });

  it('refuses settings to someone who is not an admin, and says how to get in when unknown', async () => {
    const sam = await slashCommand(app.url, fake, 'U0SAM', 'settings');
    expect((await sam.reply()).body.text).toContain('Only workspace admins');
    const stranger = await slashCommand(app.url, fake, 'U0STRANGER', 'settings');
    expect((await stranger.reply()).body.text).toContain("couldn't match your Slack account");
    await sleep(300);
    expect(
      fake.views.filter((v) => v.triggerId === sam.triggerId || v.triggerId === stranger.triggerId),
    ).toHaveLength(0);
  });
});

describe('/fincelo settings', () => {
  it('opens the general form for an admin, shows field errors, then saves', async () => {
    const cmd = await slashCommand(app.url, fake, 'U0RILEY', 'settings');
    expect(cmd.status).toBe(200);
    const opened = await openedView(cmd.triggerId);
    expect(opened.view).toMatchObject({ type: 'modal', callback_id: 'fincelo_settings' });
    const blocks = blocksOf(opened);
    const platinum = blocks.find((b) => b.block_id === 'threshold.platinum')!;
    expect(platinum.element).toMatchObject({ type: 'number_input', initial_value: '85' });
    expect(blocks.find((b) => b.block_id === 'escalation')!.element).toMatchObject({ multiline: true });
    expect(blocks[0]).toMatchObject({ type: 'actions', block_id: 'settings_nav' });

    const invalid = await postSlack(
      app.url,
      interaction(submitPayload(fake, opened, 'U0RILEY', { 'threshold.platinum': 'abc', cooldown: 'soon' })),
    );
    expect(invalid.status).toBe(200);
    expect(invalid.json).toEqual({
      response_action: 'errors',
      errors: { 'threshold.platinum': expect.any(String), cooldown: expect.any(String) },
    });
    expect((await team.api.get('/api/v1/settings')).body.usageThresholds.platinum).toBe(85);

    const saved = await postSlack(
      app.url,
      interaction(submitPayload(fake, opened, 'U0RILEY', { 'threshold.platinum': '90', cooldown: '12h' })),
    );
    expect(saved.json).toMatchObject({ response_action: 'update', view: { type: 'modal' } });
    expect(JSON.stringify(saved.json)).toContain('Settings saved');
    const settings = (await team.api.get('/api/v1/settings')).body;
    expect(settings.usageThresholds.platinum).toBe(90);
    expect(settings.cooldown).toBe('12h');
  });

  it('edits a person with `settings person <id>`, with errors next to the field', async () => {
    const cmd = await slashCommand(app.url, fake, 'U0RILEY', 'settings person csm-2');
    const opened = await openedView(cmd.triggerId);
    expect(opened.view.title).toMatchObject({ text: 'Edit Alex CSM' });
    const name = blocksOf(opened).find((b) => b.block_id === 'name')!;
    expect(name.element).toMatchObject({ initial_value: 'Alex CSM' });
    const role = blocksOf(opened).find((b) => b.block_id === 'role')!;
    expect(role.element).toMatchObject({ type: 'static_select', initial_option: { value: 'csm' } });

    const bad = await postSlack(
      app.url,
      interaction(submitPayload(fake, opened, 'U0RILEY', { timezone: 'Mars/Olympus' })),
    );
    expect(bad.json).toEqual({
      response_action: 'errors',
      errors: { timezone: expect.stringContaining('IANA') },
    });
    const ok = await postSlack(
      app.url,
      interaction(submitPayload(fake, opened, 'U0RILEY', { name: 'Alex Q. CSM' })),
    );
    expect(ok.json).toMatchObject({ response_action: 'update' });
    const row = (
      await app.database.pool.query(
        'SELECT name, email FROM people WHERE workspace_id = $1 AND external_id = $2',
        [team.workspaceId, 'csm-2'],
      )
    ).rows[0];
    expect(row).toEqual({ name: 'Alex Q. CSM', email: 'alex@test.example' });
  });

  it('switches to the customer form from the modal', async () => {
    const cmd = await slashCommand(app.url, fake, 'U0RILEY', 'settings');
    const opened = await openedView(cmd.triggerId);
    const nav = fixture('block-actions');
    delete nav.channel;
    delete nav.message;
    nav.user = { ...nav.user, id: 'U0RILEY' };
    nav.container = { type: 'view', view_id: opened.id };
    nav.view = { ...opened.view, id: opened.id, hash: opened.hash, state: { values: {} } };
    nav.trigger_id = fake.issueTrigger();
    nav.actions = [
      {
        type: 'static_select',
        action_id: 'settings_nav',
        block_id: 'settings_nav',
        selected_option: { text: { type: 'plain_text', text: 'Add a customer' }, value: 'customer' },
        action_ts: `${Date.now() / 1000}`,
      },
    ];
    expect((await postSlack(app.url, interaction(nav))).status).toBe(200);
    const updated = await eventually(async () =>
      fake.views.find((v) => v.method === 'views.update' && v.id === opened.id),
    );
    expect(updated.view.title).toMatchObject({ text: 'Add a customer' });
    const customer = await postSlack(
      app.url,
      interaction(
        submitPayload(fake, updated, 'U0RILEY', {
          externalId: 'cust-9',
          name: 'Umbrella',
          tier: 'poor',
          csmExternalId: 'csm-1',
        }),
      ),
    );
    expect(customer.json).toMatchObject({ response_action: 'update' });
    const row = (
      await app.database.pool.query(
        'SELECT name, tier FROM customers WHERE workspace_id = $1 AND external_id = $2',
        [team.workspaceId, 'cust-9'],
      )
    ).rows[0];
    expect(row).toEqual({ name: 'Umbrella', tier: 'poor' });
  });
});
