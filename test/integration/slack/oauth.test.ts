/**
 * OAuth installation for many Slack workspaces: /slack/install → Slack's consent → the
 * /slack/oauth_redirect callback (oauth.v2.access against the fake), installation stored encrypted,
 * a Fincelo workspace created for the new team with the installer as its first admin, and every
 * later request and delivery of that team using that team's bot token.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { issueApiKey } from '../../../src/store/workspaces.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { apiClient, eventually, startTestApp } from '../../helpers/app.js';
import { startFakeSlack, type FakeSlack, type FakeSlackTeam } from '../../fakes/slack-api.js';
import { SLACK_BOT_SCOPES } from '../../../src/bots/slack/mode.js';
import { fixture, messageText, postSlack, SIGNING_SECRET, slashCommand } from './support.js';

const ACME: FakeSlackTeam = {
  id: 'T0ACME',
  name: 'Acme Corp',
  botToken: 'xoxb-acme-bot-token',
  botUserId: 'U0ACMEBOT',
  botId: 'B0ACMEBOT',
};

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;

beforeAll(async () => {
  fake = await startFakeSlack({
    teams: [],
    users: [
      { id: 'U0ADA', teamId: ACME.id, email: 'ada@acme.example', name: 'Ada Boss', tz: 'America/New_York' },
      { id: 'U0CAL', teamId: ACME.id, email: 'cal@acme.example', name: 'Cal CSM' },
    ],
  });
  db = await createTestDatabase();
  app = await startTestApp(db, {
    SLACK_CLIENT_ID: '1234567890.0987654321',
    SLACK_CLIENT_SECRET: 'oauth-client-secret',
    SLACK_STATE_SECRET: 'oauth-state-secret-0123456789',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
  });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

describe('Slack OAuth installation', () => {
  let workspaceId: string;

  it('installs into a new Slack team: workspace created, installer is its admin, token encrypted', async () => {
    const install = await fetch(`${app.url}/slack/install`, { redirect: 'manual' });
    expect(install.status).toBe(302);
    const consent = new URL(install.headers.get('location')!);
    expect(consent.origin + consent.pathname).toBe('https://slack.com/oauth/v2/authorize');
    expect(consent.searchParams.get('scope')!.split(',').sort()).toEqual([...SLACK_BOT_SCOPES].sort());
    const state = consent.searchParams.get('state')!;
    const cookie = install.headers.get('set-cookie')!.split(';')[0]!;

    // Slack redirects back with a code once the admin approves.
    fake.oauthCode('code-acme', ACME, 'U0ADA');
    const forged = await fetch(`${app.url}/slack/oauth_redirect?code=code-acme&state=${state}`, {
      redirect: 'manual',
    });
    expect(forged.status).toBeGreaterThanOrEqual(400); // no state cookie: not this browser's install
    const done = await fetch(`${app.url}/slack/oauth_redirect?code=code-acme&state=${state}`, {
      headers: { cookie },
      redirect: 'manual',
    });
    expect(done.status).toBe(200);

    const row = (
      await app.database.pool.query(
        `SELECT workspace_id, data_enc FROM chat_installations WHERE external_id = 'T0ACME'`,
      )
    ).rows[0];
    expect(row).toBeDefined();
    expect(row.data_enc).not.toContain(ACME.botToken);
    workspaceId = row.workspace_id;
    const ws = (await app.database.pool.query('SELECT name FROM workspaces WHERE id = $1', [workspaceId]))
      .rows[0];
    expect(ws.name).toBe('Acme Corp');
    const admin = (
      await app.database.pool.query('SELECT * FROM people WHERE workspace_id = $1', [workspaceId])
    ).rows;
    expect(admin).toHaveLength(1);
    expect(admin[0]).toMatchObject({
      name: 'Ada Boss',
      email: 'ada@acme.example',
      role: 'admin',
      is_admin: true,
      timezone: 'America/New_York',
      identities: { slack: { userId: 'U0ADA' } },
    });
  });

  it('serves that team with its own token: the installer opens settings, a card reaches a CSM', async () => {
    const stranger = await slashCommand(app.url, fake, 'U0ADA', 'help', 'T0NOTINSTALLED');
    // No installation for that team: Bolt's authorize refuses it (logged), and no listener runs.
    expect(stranger.status).toBe(200);
    const cmd = await slashCommand(app.url, fake, 'U0ADA', 'settings', ACME.id);
    const opened = await eventually(async () => fake.views.find((v) => v.triggerId === cmd.triggerId));
    expect(opened.token).toBe(ACME.botToken);

    const api = apiClient(app.url, await issueApiKey(app.database.db, workspaceId, 'test'));
    expect(
      (
        await api.post('/api/v1/people', [
          {
            externalId: 'cal',
            name: 'Cal CSM',
            email: 'cal@acme.example',
            role: 'csm',
            preferredChannel: 'slack',
          },
        ])
      ).status,
    ).toBe(200);
    expect(
      (
        await api.post('/api/v1/customers', [
          { externalId: 'c1', name: 'Wayne Ent', tier: 'good', csmExternalId: 'cal' },
        ])
      ).status,
    ).toBe(200);
    expect(
      (await api.post('/api/v1/usage', { customerExternalId: 'c1', used: 95, limit: 100 })).body.outcome,
    ).toBe('created');
    const card = await eventually(async () => fake.roots('D0CAL')[0]);
    expect(fake.responses).toHaveLength(0); // nothing ever answered the uninstalled team's command
    expect(messageText(card)).toContain('Wayne Ent');
    expect(card.token).toBe(ACME.botToken);
  });

  it('drops the team’s token when the app is uninstalled', async () => {
    const event = fixture('event-message-im');
    event.team_id = ACME.id;
    event.event_id = 'Ev0UNINSTALL';
    event.event = { type: 'app_uninstalled', event_ts: `${Date.now() / 1000}` };
    event.authorizations = [{ ...event.authorizations[0], team_id: ACME.id, user_id: ACME.botUserId }];
    expect((await postSlack(app.url, { json: event })).status).toBe(200);
    await eventually(async () => {
      const found = await app.services.findInstallation('slack', ACME.id);
      return found?.data.revokedAt && !found.data.bot;
    });
    // The binding stays: a re-install lands in the same workspace.
    expect(await app.services.workspaceForInstallation('slack', ACME.id)).toBe(workspaceId);
  });
});
