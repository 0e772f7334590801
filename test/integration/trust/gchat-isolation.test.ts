/**
 * Issue 15 items 2 and 9 on Google Chat, through /gchat/events with tokens signed by the fake's key:
 * a Chat user known in two workspaces is refused rather than resolved to whichever row comes first
 * (before the fix A's CSM read B's customer with its ARR); a user known in one workspace only
 * resolves there; and a Google-signed ID token for our audience from any other account than
 * Chat's (or our add-on's) service account is a 401 with no side effect.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createWorkspace } from '../../../src/store/workspaces.js';
import { AMBIGUOUS_WORKSPACE } from '../../../src/chat/tenancy.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { apiClient, startTestApp } from '../../helpers/app.js';
import { chatToken, startFakeGoogleChat, type FakeGoogleChat } from '../../fakes/gchat-api.js';
import { AUDIENCE, dmMessage, gchatEnv, postEvent, seedChatTeam, CHAT_USERS } from '../gchat/world.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let fake: FakeGoogleChat;
let db: TestDatabase;
let app: RunningApp;
let b: ReturnType<typeof apiClient>;

/** A Chat user of B's admin, later also added to A by the same Chat user name. */
const SHARED_USER = { name: 'users/900', displayName: 'Bea Rival', email: 'bea@rival.example' };

beforeAll(async () => {
  fake = await startFakeGoogleChat();
  db = await createTestDatabase();
  app = await startTestApp(db, gchatEnv(fake, { GOOGLE_CHAT_PROJECT_NUMBER: '123456789' }));
  // B first, so that its row is the one an unordered LIMIT 1 returns.
  const ws = await createWorkspace(app.database.db, { name: 'Rival Co' });
  b = apiClient(app.url, ws.apiKey);
  expect(
    (
      await b.post('/api/v1/people', [
        {
          externalId: 'b-admin',
          name: 'Bea Rival',
          role: 'admin',
          identities: { gchat: { userName: SHARED_USER.name } },
        },
      ])
    ).status,
  ).toBe(200);
  expect(
    (
      await b.post('/api/v1/customers', [
        { externalId: 'umb', name: 'Umbrella', tier: 'platinum', csmExternalId: 'b-admin', arr: 7654321 },
      ])
    ).status,
  ).toBe(200);
  const team = await seedChatTeam(app, fake);
  expect(
    (
      await team.api.post('/api/v1/people', [
        {
          externalId: 'csm-9',
          name: 'Casey CSM',
          role: 'csm',
          identities: { gchat: { userName: SHARED_USER.name } },
        },
      ])
    ).status,
  ).toBe(200);
  fake.addUser({ ...SHARED_USER, installed: true });
}, 180_000);

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

/** A DM message from a Chat user that is not one of CHAT_USERS. */
function dmFrom(user: typeof SHARED_USER, text: string): Json {
  const e = dmMessage(fake, 'riley', text);
  const space = { ...e.space, name: fake.dmOf(user.name) };
  return {
    ...e,
    user: { ...user, type: 'HUMAN' },
    space,
    message: {
      ...e.message,
      name: `${space.name}/messages/${e.message.name.split('/').pop()}`,
      sender: { name: user.name, type: 'HUMAN' },
      thread: { name: `${space.name}/threads/t-${Date.now()}` },
    },
  };
}

const conversations = async () =>
  (
    await app.database.pool.query(
      `SELECT workspace_id, external_id FROM conversations WHERE channel = 'gchat'`,
    )
  ).rows;

describe('Google Chat identities never cross workspaces', () => {
  it('refuses a Chat user known in two workspaces, and stores nothing', async () => {
    const before = await conversations();
    for (const text of ['customer Umbrella', 'settings']) {
      const r = await postEvent(app.url, dmFrom(SHARED_USER, text));
      expect(r.status).toBe(200);
      expect(r.json?.text).toBe(AMBIGUOUS_WORKSPACE);
      expect(JSON.stringify(r.json)).not.toContain('7,654,321');
    }
    expect(await conversations()).toEqual(before);
  });

  it('a Chat user of A only resolves in A: B’s customer does not exist for them', async () => {
    const r = await postEvent(app.url, dmMessage(fake, 'riley', 'customer Umbrella'));
    expect(r.json?.text).toBe('No customer matches "Umbrella".');
    const own = await postEvent(app.url, dmMessage(fake, 'riley', 'customer Northwind'));
    expect(own.json?.text).toContain('Northwind');
  });
});

describe('Google Chat issuer pinning', () => {
  it('answers a Google-signed token for our audience from another account with 401 and no effect', async () => {
    const before = { conversations: await conversations(), messages: fake.messages.length };
    const forged = [
      // Another project's service account: Google signs its ID tokens for any audience asked.
      chatToken('endpoint_url', AUDIENCE, { email: 'attacker@evil-project.iam.gserviceaccount.com' }),
      // Another project's Workspace add-on agent pointed at our URL.
      chatToken('endpoint_url', AUDIENCE, {
        email: 'service-987654321@gcp-sa-gsuiteaddons.iam.gserviceaccount.com',
      }),
      // Chat's email, unverified; and a look-alike.
      chatToken('endpoint_url', AUDIENCE, { email_verified: false }),
      chatToken('endpoint_url', AUDIENCE, { email: 'chat@system.gserviceaccount.com.evil.example' }),
    ];
    for (const token of forged) {
      const r = await postEvent(app.url, dmMessage(fake, 'riley', 'settings'), { token });
      expect(r.status).toBe(401);
      expect(r.json?.text).toBeUndefined();
    }
    // Our own add-on agent and Chat itself are accepted.
    const ours = chatToken('endpoint_url', AUDIENCE, {
      email: 'service-123456789@gcp-sa-gsuiteaddons.iam.gserviceaccount.com',
    });
    expect((await postEvent(app.url, dmMessage(fake, 'riley', 'help'), { token: ours })).status).toBe(200);
    expect(before.messages).toBe(fake.messages.length);
    // Only the accepted request may have remembered a conversation (Riley's DM).
    const added = (await conversations()).filter(
      (c) => !before.conversations.some((x) => x.external_id === c.external_id),
    );
    expect(added.every((c) => c.external_id === fake.dmOf(CHAT_USERS.riley.name))).toBe(true);
  });
});

describe('Google Chat named spaces are bound to one workspace', () => {
  const SPACE = { name: 'spaces/AAAAteamroom', type: 'ROOM', spaceType: 'SPACE', displayName: 'CS war room' };
  /** `@Fincelo <text>` in the named space, from `user`. */
  function inSpace(user: { name: string; displayName: string; email: string }, text: string): Json {
    const e = dmMessage(fake, 'riley', text);
    const id = e.message.name.split('/').pop();
    return {
      ...e,
      user: { ...user, type: 'HUMAN' },
      space: SPACE,
      message: {
        ...e.message,
        name: `${SPACE.name}/messages/${id}`,
        sender: { name: user.name, type: 'HUMAN' },
        text: `@Fincelo ${text}`,
        argumentText: ` ${text}`,
        thread: { name: `${SPACE.name}/threads/t-${id}` },
      },
    };
  }
  const binding = async () =>
    (
      await app.database.pool.query(
        `SELECT workspace_id FROM chat_installations WHERE channel = 'gchat' AND external_id = $1`,
        [SPACE.name],
      )
    ).rows.map((r) => r.workspace_id as string);

  it('an unbound space is not bound by a user known in two workspaces: refused, nothing stored', async () => {
    const r = await postEvent(app.url, inSpace(SHARED_USER, 'customer Northwind'));
    expect(r.json?.text).toBe(AMBIGUOUS_WORKSPACE);
    expect(await binding()).toEqual([]);
  });

  it('A’s admin speaking in the space binds it to A; then the shared user acts there as A’s, never B’s', async () => {
    const riley = CHAT_USERS.riley;
    const first = await postEvent(app.url, inSpace(riley, 'customer Northwind'));
    expect(first.json?.text).toContain('Northwind');
    const [bound] = await binding();
    const aId = (await app.database.pool.query(`SELECT workspace_id FROM people WHERE external_id = 'csm-9'`))
      .rows[0].workspace_id as string;
    expect(bound).toBe(aId);

    const own = await postEvent(app.url, inSpace(SHARED_USER, 'customer Northwind'));
    expect(own.json?.text).toContain('Northwind');
    const rival = await postEvent(app.url, inSpace(SHARED_USER, 'customer Umbrella'));
    expect(rival.json?.text).toBe('No customer matches "Umbrella".');
    expect(JSON.stringify(rival.json)).not.toContain('7,654,321');
    // B's admin in A's space is A's CSM there: B's settings are not reachable from it.
    const settings = await postEvent(app.url, inSpace(SHARED_USER, 'settings'));
    expect(JSON.stringify(settings.json)).not.toContain('Rival Co');

    // The DM has no such binding: still refused there.
    expect((await postEvent(app.url, dmFrom(SHARED_USER, 'customer Northwind'))).json?.text).toBe(
      AMBIGUOUS_WORKSPACE,
    );
    expect(await binding()).toEqual([aId]);
  });
});
