/**
 * The product with Teams enabled, a local Bot Connector fake, and a CS team whose members are also
 * Teams users. Activities are POSTed to /api/messages as Teams would post them (fixtures in
 * test/fixtures/teams), with `serviceUrl` pointing at the fake.
 *
 * Authentication: the adapter runs anonymously (TEAMS_ANONYMOUS=on, no MICROSOFT_APP_ID), so
 * requests carry no JWT and the SDK sends no token. A signed round trip cannot be pointed at a local
 * server: inbound tokens from Azure Bot Service are verified against login.botframework.com's keys
 * (hard-wired in the SDK's buildJwksUri for the api.botframework.com issuer) and the outbound token
 * comes from MSAL, which refuses any authority that is not https (authority_uri_insecure).
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedTeam, startTestApp } from '../../helpers/app.js';
import {
  cardOf,
  startBotConnector,
  type FakeBotConnector,
  type FakeTeamsUser,
  type RecordedMessage,
} from '../../fakes/bot-connector.js';

export const TENANT = '6e1f3c54-9b0a-4d5e-8f21-0c7a1b2d3e4f';
export const BOT_APP_ID = '00000000-0000-0000-0000-00000000b07';
export const CHANNEL = '19:8c1a2b3c4d5e4f60a1b2c3d4e5f60718@thread.tacv2';

type Json = Record<string, unknown>;

/** A fixture with `{{name}}` placeholders filled in, then `overrides` merged over it (deeply). */
export function fixture(name: string, vars: Record<string, string>, overrides: Json = {}): Json {
  const raw = readFileSync(new URL(`../../fixtures/teams/${name}.json`, import.meta.url), 'utf8');
  const filled = JSON.parse(raw, (_k, v) =>
    typeof v === 'string' ? v.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => vars[k] ?? '') : v,
  ) as Json;
  return merge(filled, overrides);
}

function merge(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const cur = out[k];
    out[k] =
      v && typeof v === 'object' && !Array.isArray(v) && cur && typeof cur === 'object' && !Array.isArray(cur)
        ? merge(cur as Json, v as Json)
        : v;
  }
  return out;
}

export interface TeamsWorld {
  db: TestDatabase;
  app: RunningApp;
  connector: FakeBotConnector;
  team: Awaited<ReturnType<typeof seedTeam>>;
  /** Teams identity of each seeded person, by external id. */
  users: Record<string, FakeTeamsUser & { conversationId: string }>;
  post(activity: Json): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  vars(ext: string, extra?: Record<string, string>): Record<string, string>;
  install(ext: string): Promise<void>;
  say(ext: string, text: string): Promise<{ status: number }>;
  /** Clicks an Action.Execute of a recorded card message, with optional input values. */
  click(ext: string, messageId: string, verb: string, inputs?: Record<string, string>): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Messages in a person's 1:1 chat with the bot. */
  chat(ext: string): RecordedMessage[];
  /** Every Adaptive Card the product sent: in messages (each version) and in invoke responses. */
  sentCards(): Json[];
  close(): Promise<void>;
}

/** The people seedTeam creates (test/helpers/app.ts); the second list has no email there. */
const SEEDED = [
  { externalId: 'mgr-1', name: 'Dana Manager' },
  { externalId: 'csm-1', name: 'Sam CSM' },
  { externalId: 'csm-2', name: 'Alex CSM' },
];
const NO_EMAIL = [
  { externalId: 'vp-1', name: 'Priya VP', role: 'vp_cs' },
  { externalId: 'cfo-1', name: 'Morgan CFO', role: 'cfo' },
  { externalId: 'admin-1', name: 'Riley Admin', role: 'admin' },
  { externalId: 'outsider', name: 'Olly Outsider', role: 'csm' },
];

export async function startTeamsWorld(settings?: Json): Promise<TeamsWorld> {
  const db = await createTestDatabase();
  const connector = await startBotConnector();
  const app = await startTestApp(db, { TEAMS_ANONYMOUS: 'on' });
  const team = await seedTeam(app, settings);
  // seedTeam leaves some people without an email; Teams matches people by AAD object id or email.
  const r = await team.api.post(
    '/api/v1/people',
    NO_EMAIL.map((p) => ({ ...p, email: `${p.name.split(' ')[0]!.toLowerCase()}@test.example` })),
  );
  if (r.status !== 200) throw new Error(`people: ${JSON.stringify(r.body)}`);
  const users: TeamsWorld['users'] = {};
  for (const p of [...SEEDED, ...NO_EMAIL]) {
    const u = {
      id: `29:1${p.externalId}-teams-user`,
      aadObjectId: randomUUID(),
      name: p.name,
      email: `${p.name.split(' ')[0]!.toLowerCase()}@test.example`,
      conversationId: `a:1${p.externalId}-personal-chat`,
    };
    users[p.externalId] = u;
    connector.addUser(u);
  }
  let seq = 0;
  const invokeCards: Json[] = [];
  const world: TeamsWorld = {
    db,
    app,
    connector,
    team,
    users,
    async post(activity) {
      const res = await fetch(`${app.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(activity),
      });
      const text = await res.text();
      const body = text ? JSON.parse(text) : null;
      if (body?.type === 'application/vnd.microsoft.card.adaptive') invokeCards.push(body.value);
      return { status: res.status, body };
    },
    vars(ext, extra = {}) {
      const u = users[ext]!;
      return {
        serviceUrl: connector.serviceUrl,
        tenantId: TENANT,
        botAppId: BOT_APP_ID,
        userId: u.id,
        userName: u.name,
        aadObjectId: u.aadObjectId,
        conversationId: u.conversationId,
        channelId: CHANNEL,
        activityId: `${Date.now()}${++seq}`,
        ...extra,
      };
    },
    async install(ext) {
      for (const name of ['installation-update', 'personal-install']) {
        const r = await world.post(fixture(name, world.vars(ext)));
        if (r.status !== 200) throw new Error(`${name} for ${ext}: ${r.status} ${JSON.stringify(r.body)}`);
      }
    },
    say: (ext, text) => world.post(fixture('message-personal', world.vars(ext, { text }))),
    async click(ext, messageId, verb, inputs = {}) {
      const card = cardOf(connector.message(messageId));
      const action = findExecute(card, verb);
      if (!action) throw new Error(`no ${verb} button on message ${messageId}`);
      const r = await world.post(
        fixture(
          'invoke-action',
          world.vars(ext, { replyToId: messageId, verb, title: String(action.title) }),
          {
            value: { action: { data: { ...(action.data as Json), ...inputs } } },
          },
        ),
      );
      return r;
    },
    chat: (ext) => connector.messages(users[ext]!.conversationId),
    sentCards() {
      const all = connector.allMessages().flatMap((m) => [...m.history, m.activity]);
      const inMessages = all.flatMap((a) =>
        ((a.attachments as { contentType: string; content: Json }[] | undefined) ?? [])
          .filter((x) => x.contentType === 'application/vnd.microsoft.card.adaptive')
          .map((x) => x.content),
      );
      return [...inMessages, ...invokeCards];
    },
    async close() {
      await app.close();
      await connector.close();
      await db.drop();
    },
  };
  return world;
}

/** The Action.Execute with this verb anywhere in a card (ShowCards included). */
export function findExecute(card: unknown, verb: string): Json | null {
  if (Array.isArray(card)) {
    for (const c of card) {
      const found = findExecute(c, verb);
      if (found) return found;
    }
    return null;
  }
  if (!card || typeof card !== 'object') return null;
  const o = card as Json;
  if (o.type === 'Action.Execute' && o.verb === verb) return o;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'fallback' || k === 'refresh') continue;
    const found = findExecute(v, verb);
    if (found) return found;
  }
  return null;
}

/** Root messages with a card in a conversation. */
export const cardMessages = (msgs: RecordedMessage[]) => msgs.filter((m) => m.rootId === null && cardOf(m));
