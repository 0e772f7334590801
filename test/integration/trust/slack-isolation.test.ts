/**
 * Issue 15 item 2 on Slack, through /slack/events with correctly signed requests: two Slack teams
 * installed by OAuth (two Fincelo workspaces) and one Slack user id known in both — as on an
 * Enterprise Grid, where a user keeps one id across the org's workspaces. Every request is first
 * mapped to the workspace of its team, and the person is looked up there only: in team A the user
 * is A's CSM (no settings, no B customer, no action on B's alert), in team B the same id is B's
 * admin. The click B's own team sends is the positive control (the payload is valid).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { issueApiKey } from '../../../src/store/workspaces.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { apiClient, eventually, startTestApp } from '../../helpers/app.js';
import { startFakeSlack, type FakeSlack, type FakeSlackTeam } from '../../fakes/slack-api.js';
import {
  clickPayload,
  interaction,
  messageText,
  postSlack,
  SIGNING_SECRET,
  slashCommand,
} from '../slack/support.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TEAM_A: FakeSlackTeam = {
  id: 'T0ALPHA',
  name: 'Alpha Co',
  botToken: 'xoxb-alpha-bot',
  botUserId: 'U0ALPHABOT',
  botId: 'B0ALPHABOT',
};
const TEAM_B: FakeSlackTeam = {
  id: 'T0BETA',
  name: 'Beta Co',
  botToken: 'xoxb-beta-bot',
  botUserId: 'U0BETABOT',
  botId: 'B0BETABOT',
};
/** The user known in both teams (the fake's directory puts them in B). */
const GRID = 'U0GRID';

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;
const ws: Record<'a' | 'b', { id: string; api: ReturnType<typeof apiClient> }> = {} as never;

async function install(team: FakeSlackTeam, installer: string): Promise<string> {
  const start = await fetch(`${app.url}/slack/install`, { redirect: 'manual' });
  const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  fake.oauthCode(`code-${team.id}`, team, installer);
  const done = await fetch(`${app.url}/slack/oauth_redirect?code=code-${team.id}&state=${state}`, {
    headers: { cookie },
    redirect: 'manual',
  });
  expect(done.status).toBe(200);
  return (
    await app.database.pool.query(
      `SELECT workspace_id FROM chat_installations WHERE channel = 'slack' AND external_id = $1`,
      [team.id],
    )
  ).rows[0].workspace_id as string;
}

beforeAll(async () => {
  fake = await startFakeSlack({
    teams: [],
    users: [
      { id: 'U0ADA', teamId: TEAM_A.id, email: 'ada@alpha.example', name: 'Ada Alpha' },
      { id: 'U0BEA', teamId: TEAM_B.id, email: 'bea@beta.example', name: 'Bea Beta' },
      { id: 'U0BCSM', teamId: TEAM_B.id, email: 'cole@beta.example', name: 'Cole Beta CSM' },
      { id: GRID, teamId: TEAM_B.id, email: 'grid@org.example', name: 'Gray Grid' },
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
  for (const [k, team, installer] of [
    ['a', TEAM_A, 'U0ADA'],
    ['b', TEAM_B, 'U0BEA'],
  ] as const) {
    const id = await install(team, installer);
    ws[k] = { id, api: apiClient(app.url, await issueApiKey(app.database.db, id, 'test')) };
  }
  expect(ws.a.id).not.toBe(ws.b.id);
  const slack = (userId: string) => ({ preferredChannel: 'slack', identities: { slack: { userId } } });
  expect(
    (
      await ws.a.api.post('/api/v1/people', [
        { externalId: 'gray', name: 'Gray in Alpha', role: 'csm', ...slack(GRID) },
      ])
    ).status,
  ).toBe(200);
  expect(
    (
      await ws.a.api.post('/api/v1/customers', [
        { externalId: 'al', name: 'Aldous Ltd', tier: 'good', csmExternalId: 'gray', arr: 11111 },
      ])
    ).status,
  ).toBe(200);
  expect(
    (
      await ws.b.api.post('/api/v1/people', [
        { externalId: 'gray', name: 'Gray in Beta', role: 'admin', ...slack(GRID) },
        { externalId: 'cole', name: 'Cole Beta CSM', role: 'csm', ...slack('U0BCSM') },
      ])
    ).status,
  ).toBe(200);
  expect(
    (
      await ws.b.api.post('/api/v1/customers', [
        { externalId: 'um', name: 'Umbrella', tier: 'platinum', csmExternalId: 'cole', arr: 7654321 },
      ])
    ).status,
  ).toBe(200);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

const replyText = async (cmd: Awaited<ReturnType<typeof slashCommand>>) => {
  expect(cmd.status).toBe(200);
  const r = await cmd.reply();
  return JSON.stringify(r.body);
};

describe('one Slack user id in two teams', () => {
  it('in team A the user is A’s CSM: B’s customer does not exist, A’s does', async () => {
    const rival = await replyText(await slashCommand(app.url, fake, GRID, 'customer Umbrella', TEAM_A.id));
    expect(rival).toContain('No customer matches');
    expect(rival).not.toContain('7,654,321');
    const own = await replyText(await slashCommand(app.url, fake, GRID, 'customer Aldous', TEAM_A.id));
    expect(own).toContain('Aldous Ltd');
  });

  it('in team A the user cannot open settings (admin in B only); in team B they can', async () => {
    const inA = await slashCommand(app.url, fake, GRID, 'settings', TEAM_A.id);
    expect(await replyText(inA)).toMatch(/admin/i);
    expect(fake.views.find((v) => v.triggerId === inA.triggerId)).toBeUndefined();
    const inB = await slashCommand(app.url, fake, GRID, 'settings', TEAM_B.id);
    expect(inB.status).toBe(200);
    const opened = await eventually(async () => fake.views.find((v) => v.triggerId === inB.triggerId));
    expect(opened.token).toBe(TEAM_B.botToken);
  });

  it('a click on B’s alert arriving from team A changes nothing; the same click from team B applies', async () => {
    const r = await ws.b.api.post('/api/v1/usage', { customerExternalId: 'um', used: 97, limit: 100 });
    expect(r.body.outcome).toBe('created');
    const alertId = (await ws.b.api.get('/api/v1/alerts?status=open')).body.alerts[0].id as string;
    const card = await eventually(async () =>
      fake.roots(`D0BCSM`).find((m) => messageText(m).includes('Umbrella')),
    );
    const alertOf = async () => (await ws.b.api.get(`/api/v1/alerts/${alertId}`)).body as Json;
    const events = async () => ((await alertOf()).timeline as Json[]).length;
    const before = await events();

    // The same card's button, sent as a click of team A's workspace by the user known in both.
    const fromA = clickPayload(fake, card, GRID, 'acknowledge');
    fromA.team = { id: TEAM_A.id, domain: 'alpha' };
    fromA.user = { ...fromA.user, team_id: TEAM_A.id };
    expect((await postSlack(app.url, interaction(fromA))).status).toBe(200);
    await new Promise((res) => setTimeout(res, 800));
    expect((await alertOf()).status).toBe('open');
    expect(await events()).toBe(before);
    const acknowledged = () =>
      fake.ephemerals.filter((e) => e.user === GRID && e.text.startsWith('Acknowledged'));
    expect(acknowledged()).toHaveLength(0);

    // From team B the user is B's admin, who may act on any of B's alerts.
    const fromB = clickPayload(fake, card, GRID, 'acknowledge');
    fromB.team = { id: TEAM_B.id, domain: 'beta' };
    fromB.user = { ...fromB.user, team_id: TEAM_B.id };
    expect((await postSlack(app.url, interaction(fromB))).status).toBe(200);
    await eventually(async () => (await alertOf()).status === 'acknowledged');
    expect(await events()).toBeGreaterThan(before);
  });
});
