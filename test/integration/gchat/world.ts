/**
 * Driving the product the way Google Chat does: events built from the payload fixtures
 * (test/fixtures/gchat) POSTed to /gchat/events with a bearer token signed by the test key whose
 * certificate the verifier fetches from the fake (test/fakes/gchat-api.ts), and a CS team whose
 * members exist both in Fincelo and in the fake Chat.
 */
import { readFileSync } from 'node:fs';
import type { RunningApp } from '../../../src/app.js';
import { createWorkspace } from '../../../src/store/workspaces.js';
import { apiClient } from '../../helpers/app.js';
import { chatToken, type FakeChatMessage, type FakeGoogleChat } from '../../fakes/gchat-api.js';
import { gchatCardText } from '../../../src/cards/render/gchat.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const AUDIENCE = 'https://fincelo.test/gchat/events';

export const gchatEnv = (
  fake: FakeGoogleChat,
  extra: Record<string, string> = {},
): Record<string, string> => ({
  GOOGLE_CHAT_SERVICE_ACCOUNT_JSON: fake.serviceAccountJson,
  GOOGLE_CHAT_AUDIENCE: AUDIENCE,
  GOOGLE_CHAT_CERTS_URL: fake.certsUrl,
  GOOGLE_CHAT_API_URL: fake.apiUrl,
  ...extra,
});

export function fixture(name: string): Json {
  return JSON.parse(readFileSync(new URL(`../../fixtures/gchat/${name}.json`, import.meta.url), 'utf8'));
}

/** Chat users of the team: users/2xx, each with a DM `spaces/DM-2xx` once installed. */
export const CHAT_USERS = {
  sam: { name: 'users/201', displayName: 'Sam CSM', email: 'sam@test.example' },
  dana: { name: 'users/202', displayName: 'Dana Manager', email: 'dana@test.example' },
  alex: { name: 'users/203', displayName: 'Alex CSM', email: 'alex@test.example' },
  priya: { name: 'users/204', displayName: 'Priya VP', email: 'priya@test.example' },
  morgan: { name: 'users/205', displayName: 'Morgan CFO', email: 'morgan@test.example' },
  riley: { name: 'users/206', displayName: 'Riley Admin', email: 'riley@test.example' },
  olly: { name: 'users/207', displayName: 'Olly Outsider', email: 'olly@test.example' },
};
export type ChatUserKey = keyof typeof CHAT_USERS;

let clock = Date.parse('2026-11-23T10:00:00Z');
/** Every event gets its own eventTime (a redelivery repeats the same body). */
const nextEventTime = () => new Date((clock += 1000)).toISOString().replace('Z', '000Z');

export interface PostOptions {
  token?: string | null;
}

export async function postEvent(appUrl: string, body: Json, o: PostOptions = {}) {
  const token = o.token === undefined ? chatToken('endpoint_url', AUDIENCE) : o.token;
  const res = await fetch(`${appUrl}/gchat/events`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Google-Dynamite',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  let json: Json | null = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, json };
}

const userOf = (k: ChatUserKey) => ({ ...CHAT_USERS[k], type: 'HUMAN' });
const dmSpace = (fake: FakeGoogleChat, k: ChatUserKey) => ({
  name: fake.dmOf(CHAT_USERS[k].name),
  type: 'DM',
  spaceType: 'DIRECT_MESSAGE',
  singleUserBotDm: true,
});

export function addedToDm(fake: FakeGoogleChat, k: ChatUserKey): Json {
  return {
    ...fixture('added-to-space-dm'),
    eventTime: nextEventTime(),
    user: userOf(k),
    space: dmSpace(fake, k),
  };
}

let msgSeq = 0;
/** A message in the user's DM: plain text, or `/fincelo <text>` when `slash`. */
export function dmMessage(
  fake: FakeGoogleChat,
  k: ChatUserKey,
  text: string,
  o: { slash?: boolean; attachment?: Json[] } = {},
): Json {
  const space = dmSpace(fake, k);
  const e = fixture(o.slash ? 'slash-command' : 'message-dm');
  const id = `m-${++msgSeq}`;
  e.eventTime = nextEventTime();
  e.user = userOf(k);
  e.space = space;
  e.message = {
    ...e.message,
    name: `${space.name}/messages/${id}`,
    sender: { name: CHAT_USERS[k].name, type: 'HUMAN' },
    text: o.slash ? `/fincelo ${text}` : text,
    argumentText: o.slash ? ` ${text}` : text,
    thread: { name: `${space.name}/threads/t-${id}` },
    ...(o.attachment ? { attachment: o.attachment } : {}),
  };
  return e;
}

/** The button whose function is `fn` on a recorded card message. */
export function buttonOf(m: FakeChatMessage, fn: string): Json | undefined {
  let found: Json | undefined;
  const walk = (v: unknown): void => {
    if (found) return;
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Json;
      if (o.onClick?.action?.function === fn) found = o;
      else Object.values(o).forEach(walk);
    }
  };
  walk(m.body.cardsV2);
  return found;
}

export const hasButtons = (m: FakeChatMessage) =>
  JSON.stringify(m.body.cardsV2 ?? []).includes('"buttonList"');
export const cardText = (m: FakeChatMessage) => `${m.body.text ?? ''}\n${gchatCardText(m.body.cardsV2)}`;

export interface ClickOptions {
  dialogEventType?: 'REQUEST_DIALOG' | 'SUBMIT_DIALOG' | 'CANCEL_DIALOG';
  formInputs?: Json;
  /** Parameters of the clicked button (default: the button's own). */
  parameters?: Record<string, string>;
  fn?: string;
}

/** A CARD_CLICKED event for the button `fn` on `m`, by user `k`. */
export function click(
  fake: FakeGoogleChat,
  m: FakeChatMessage,
  k: ChatUserKey,
  fn: string,
  o: ClickOptions = {},
): Json {
  const button = buttonOf(m, fn);
  if (!button && !o.parameters) throw new Error(`no ${fn} button on ${m.name}`);
  const action = button?.onClick.action ?? { function: fn, parameters: [] };
  const parameters =
    o.parameters ??
    Object.fromEntries((action.parameters as { key: string; value: string }[]).map((p) => [p.key, p.value]));
  const e = fixture('card-clicked');
  e.eventTime = nextEventTime();
  e.user = userOf(k);
  e.space = { name: m.space, type: 'DM', spaceType: 'DIRECT_MESSAGE', singleUserBotDm: true };
  e.message = { name: m.name, sender: { name: 'users/app', type: 'BOT' }, thread: { name: m.threadName } };
  e.action = {
    actionMethodName: o.fn ?? fn,
    parameters: Object.entries(parameters).map(([key, value]) => ({ key, value })),
  };
  e.common = {
    ...e.common,
    invokedFunction: o.fn ?? fn,
    parameters,
    ...(o.formInputs ? { formInputs: o.formInputs } : {}),
  };
  if (o.dialogEventType) {
    e.isDialogEvent = true;
    e.dialogEventType = o.dialogEventType;
  }
  return e;
}

/** A click on a button inside a dialog the app opened (`dialog` = the dialog card it answered with). */
export function dialogClick(base: Json, dialogButton: Json, formInputs: Json): Json {
  const action = dialogButton.onClick.action;
  const parameters = Object.fromEntries(
    (action.parameters as { key: string; value: string }[]).map((p) => [p.key, p.value]),
  );
  return {
    ...base,
    type: 'CARD_CLICKED',
    eventTime: nextEventTime(),
    isDialogEvent: true,
    dialogEventType: 'SUBMIT_DIALOG',
    action: { actionMethodName: action.function, parameters: action.parameters },
    common: { ...base.common, invokedFunction: action.function, parameters, formInputs },
  };
}

export const str = (...values: string[]) => ({ stringInputs: { value: values } });

/** The dialog card in an answer (classic format). */
export const dialogOf = (json: Json | null): Json | undefined =>
  json?.actionResponse?.dialogAction?.dialog?.body;

/**
 * The CS team of seedTeam on Google Chat: Sam is matched by email when he adds the app (his DM
 * is captured from ADDED_TO_SPACE); the others carry their Chat user and are reached through
 * spaces.findDirectMessage.
 */
export async function seedChatTeam(
  app: RunningApp,
  fake: FakeGoogleChat,
  settings?: Record<string, unknown>,
) {
  for (const u of Object.values(CHAT_USERS)) fake.addUser({ ...u, installed: true });
  const ws = await createWorkspace(app.database.db, { name: 'Test Co' });
  const api = apiClient(app.url, ws.apiKey);
  const g = (k: ChatUserKey) => ({
    preferredChannel: 'gchat',
    identities: { gchat: { userName: CHAT_USERS[k].name } },
  });
  const people = await api.post('/api/v1/people', [
    {
      externalId: 'mgr-1',
      name: 'Dana Manager',
      email: 'dana@test.example',
      role: 'csm_manager',
      ...g('dana'),
    },
    {
      externalId: 'csm-1',
      name: 'Sam CSM',
      email: 'sam@test.example',
      role: 'csm',
      managerExternalId: 'mgr-1',
      timezone: 'Europe/London',
      preferredChannel: 'gchat',
    },
    {
      externalId: 'csm-2',
      name: 'Alex CSM',
      email: 'alex@test.example',
      role: 'csm',
      managerExternalId: 'mgr-1',
      ...g('alex'),
    },
    { externalId: 'vp-1', name: 'Priya VP', email: 'priya@test.example', role: 'vp_cs', ...g('priya') },
    { externalId: 'cfo-1', name: 'Morgan CFO', email: 'morgan@test.example', role: 'cfo', ...g('morgan') },
    { externalId: 'admin-1', name: 'Riley Admin', email: 'riley@test.example', role: 'admin', ...g('riley') },
    { externalId: 'outsider', name: 'Olly Outsider', email: 'olly@test.example', role: 'csm', ...g('olly') },
  ]);
  if (people.status !== 200) throw new Error(`seed people: ${JSON.stringify(people.body)}`);
  const customers = await api.post('/api/v1/customers', [
    { externalId: 'cust-1', name: 'Northwind', tier: 'platinum', csmExternalId: 'csm-1', arr: 100000 },
    { externalId: 'cust-2', name: 'Globex', tier: 'average', csmExternalId: 'csm-1' },
    { externalId: 'cust-3', name: 'Hooli', tier: 'critical', csmExternalId: 'csm-2' },
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
