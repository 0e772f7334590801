/**
 * Driving the product the way Slack does: correctly signed requests to /slack/events built from
 * the payload fixtures (test/fixtures/slack), and a team of people who exist both in Fincelo and
 * in the fake Slack (test/fakes/slack-api.ts).
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RunningApp } from '../../../src/app.js';
import { createWorkspace } from '../../../src/store/workspaces.js';
import { apiClient, eventually } from '../../helpers/app.js';
import type { FakeSlack, FakeSlackMessage } from '../../fakes/slack-api.js';
import { DEFAULT_TEAM } from '../../fakes/slack-api.js';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';

/** Environment for startTestApp: single-workspace Slack against the fake. */
export const slackEnv = (fake: FakeSlack): Record<string, string> => ({
  SLACK_BOT_TOKEN: DEFAULT_TEAM.botToken,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: fake.url,
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function fixture(name: string): Json {
  const url = new URL(`../../fixtures/slack/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8'));
}

/** Slack's request signature (docs.slack.dev/authentication/verifying-requests-from-slack). */
export function sign(body: string, secret = SIGNING_SECRET, ts = Math.floor(Date.now() / 1000)) {
  const sig = createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': `v0=${sig}` };
}

export interface SlackPost {
  /** interaction payloads and slash commands are form-encoded; events are JSON. */
  form?: Record<string, string>;
  json?: Json;
  secret?: string;
  ts?: number;
  headers?: Record<string, string>;
}

export async function postSlack(appUrl: string, p: SlackPost) {
  const body = p.json ? JSON.stringify(p.json) : new URLSearchParams(p.form ?? {}).toString();
  const res = await fetch(`${appUrl}/slack/events`, {
    method: 'POST',
    headers: {
      'content-type': p.json ? 'application/json' : 'application/x-www-form-urlencoded',
      ...sign(body, p.secret, p.ts),
      ...p.headers,
    },
    body,
  });
  const text = await res.text();
  let json: Json | null = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, text, json };
}

export const interaction = (payload: Json, extra: Omit<SlackPost, 'form' | 'json'> = {}): SlackPost => ({
  form: { payload: JSON.stringify(payload) },
  ...extra,
});

/** The button `actionId` on a recorded card. */
export function buttonOf(m: FakeSlackMessage, actionId: string): Json | undefined {
  for (const b of (m.blocks ?? []) as Json[])
    if (b.type === 'actions') for (const e of b.elements as Json[]) if (e.action_id === actionId) return e;
  return undefined;
}

/** A block_actions payload for clicking `actionId` on card `m`, as `userId`. */
export function clickPayload(fake: FakeSlack, m: FakeSlackMessage, userId: string, actionId: string): Json {
  const button = buttonOf(m, actionId);
  if (!button) throw new Error(`no ${actionId} button on ${m.channel}:${m.ts}`);
  const p = fixture('block-actions');
  p.user = { ...p.user, id: userId, username: userId.toLowerCase(), name: userId.toLowerCase() };
  p.channel = { id: m.channel, name: 'directmessage' };
  p.container = { ...p.container, message_ts: m.ts, channel_id: m.channel };
  p.message = { ...p.message, ts: m.ts, text: m.text, blocks: m.blocks };
  p.trigger_id = fake.issueTrigger();
  p.actions = [{ ...p.actions[0], ...button, block_id: 'card_actions', action_ts: `${Date.now() / 1000}` }];
  return p;
}

/** A view_submission payload for a modal the app opened (a record of fake.views), with `values`. */
export function submitPayload(
  fake: FakeSlack,
  opened: { id: string; hash: string; view: Json },
  userId: string,
  values: Record<string, string>,
): Json {
  const state: Record<string, Record<string, Json>> = {};
  for (const block of opened.view.blocks as Json[]) {
    if (block.type !== 'input') continue;
    const el = block.element as Json;
    const v = values[block.block_id];
    let value: Json;
    switch (el.type) {
      case 'static_select':
      case 'radio_buttons': {
        // An untouched select submits its initial option, as Slack does.
        const wanted = v ?? (el.initial_option as Json | undefined)?.value;
        const opt = (el.options as Json[]).find((o) => o.value === wanted) ?? null;
        value = { type: el.type, selected_option: opt };
        break;
      }
      case 'datepicker':
        value = { type: el.type, selected_date: v ?? el.initial_date ?? null };
        break;
      case 'timepicker':
        value = { type: el.type, selected_time: v ?? el.initial_time ?? null, timezone: el.timezone };
        break;
      default:
        value = { type: el.type, value: v ?? el.initial_value ?? null };
    }
    state[block.block_id] = { [el.action_id]: value };
  }
  const p = fixture('view-submission');
  p.user = { ...p.user, id: userId };
  p.trigger_id = fake.issueTrigger();
  p.view = {
    ...p.view,
    ...opened.view,
    id: opened.id,
    hash: opened.hash,
    state: { values: state },
  };
  return p;
}

/** Posts `/fincelo <text>` as `userId`; returns the HTTP answer and where the reply will land. */
export async function slashCommand(
  appUrl: string,
  fake: FakeSlack,
  userId: string,
  text: string,
  teamId?: string,
) {
  const responseUrl = fake.responseUrl();
  const triggerId = fake.issueTrigger();
  const form: Record<string, string> = {
    ...fixture('slash-command'),
    user_id: userId,
    text,
    response_url: responseUrl,
    trigger_id: triggerId,
  };
  if (teamId) form.team_id = teamId;
  const res = await postSlack(appUrl, { form });
  const id = responseUrl.split('/').pop()!;
  return { ...res, triggerId, reply: () => eventually(async () => fake.responses.find((r) => r.id === id)) };
}

/** Slack users of the team; ids are U0<NAME>, DMs D0<NAME>. */
export const SLACK_USERS = [
  { id: 'U0SAM', email: 'sam@test.example', name: 'Sam CSM', tz: 'Europe/London' },
  { id: 'U0DANA', email: 'dana@test.example', name: 'Dana Manager' },
  { id: 'U0ALEX', email: 'alex@test.example', name: 'Alex CSM' },
  { id: 'U0PRIYA', email: 'priya@test.example', name: 'Priya VP' },
  { id: 'U0MORGAN', email: 'morgan@test.example', name: 'Morgan CFO' },
  { id: 'U0RILEY', email: 'riley@test.example', name: 'Riley Admin' },
  { id: 'U0OLLY', email: 'olly@test.example', name: 'Olly Outsider' },
  { id: 'U0STRANGER', email: 'stranger@elsewhere.example', name: 'Someone Else' },
];

/**
 * The CS team of test/helpers/app.ts seedTeam, reachable on Slack: Sam and Riley carry their Slack
 * ids; everyone else is found by email (users.lookupByEmail) on first delivery or click.
 */
export async function seedSlackTeam(app: RunningApp, settings?: Record<string, unknown>) {
  const ws = await createWorkspace(app.database.db, { name: 'Test Co' });
  const api = apiClient(app.url, ws.apiKey);
  const slack = { preferredChannel: 'slack' };
  const people = await api.post('/api/v1/people', [
    { externalId: 'mgr-1', name: 'Dana Manager', email: 'dana@test.example', role: 'csm_manager', ...slack },
    {
      externalId: 'csm-1',
      name: 'Sam CSM',
      email: 'sam@test.example',
      role: 'csm',
      managerExternalId: 'mgr-1',
      timezone: 'Europe/London',
      identities: { slack: { userId: 'U0SAM' } },
    },
    {
      externalId: 'csm-2',
      name: 'Alex CSM',
      email: 'alex@test.example',
      role: 'csm',
      managerExternalId: 'mgr-1',
      ...slack,
    },
    { externalId: 'vp-1', name: 'Priya VP', email: 'priya@test.example', role: 'vp_cs', ...slack },
    { externalId: 'cfo-1', name: 'Morgan CFO', email: 'morgan@test.example', role: 'cfo', ...slack },
    {
      externalId: 'admin-1',
      name: 'Riley Admin',
      role: 'admin',
      identities: { slack: { userId: 'U0RILEY' } },
    },
    { externalId: 'outsider', name: 'Olly Outsider', email: 'olly@test.example', role: 'csm', ...slack },
  ]);
  if (people.status !== 200) throw new Error(`seed people: ${JSON.stringify(people.body)}`);
  const customers = await api.post('/api/v1/customers', [
    { externalId: 'cust-1', name: 'Northwind', tier: 'platinum', csmExternalId: 'csm-1', arr: 100000 },
    { externalId: 'cust-2', name: 'Globex', tier: 'average', csmExternalId: 'csm-1' },
    { externalId: 'cust-3', name: 'Hooli', tier: 'critical', csmExternalId: 'csm-2' },
    { externalId: 'cust-4', name: 'Initech', tier: 'good', csmExternalId: 'csm-1' },
    { externalId: 'cust-5', name: 'Vandelay', tier: 'good', csmExternalId: 'csm-1' },
  ]);
  if (customers.status !== 200) throw new Error(`seed customers: ${JSON.stringify(customers.body)}`);
  if (settings) {
    const r = await api.patch('/api/v1/settings', settings);
    if (r.status !== 200) throw new Error(`settings: ${JSON.stringify(r.body)}`);
  }
  const ids = Object.fromEntries(
    (people.body.people as { externalId: string; id: string }[]).map((p) => [p.externalId, p.id]),
  );
  return { ...ws, api, personIds: ids as Record<string, string> };
}

/** All text of a recorded message (its `text` and every text object of its blocks). */
export function messageText(m: FakeSlackMessage): string {
  const parts: string[] = [m.text];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Json;
      if ((o.type === 'plain_text' || o.type === 'mrkdwn') && typeof o.text === 'string') parts.push(o.text);
      for (const [k, c] of Object.entries(o)) if (k !== 'value' && typeof c === 'object') walk(c);
    }
  };
  walk(m.blocks);
  return parts.join('\n');
}

export const hasButtons = (m: FakeSlackMessage) =>
  (m.blocks ?? []).some((b) => (b as Json).type === 'actions');
