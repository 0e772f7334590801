/**
 * Teams inbound authentication with an app id configured: Azure Bot Service signs every request to
 * /api/messages with a JWT (Authorization: Bearer …). A request without one, with a token signed by
 * somebody else's key, or with a token that is not a JWT at all is answered 401 and has no effect:
 * no reply is sent and the person's conversation is not remembered.
 *
 * The SDK fetches the signing keys from login.botframework.com, which this machine cannot reach;
 * that makes no difference to these cases: a missing or malformed token is refused before any key
 * is needed, and a forged token can never be verified (keys unreachable → refused, not accepted).
 */
import { generateKeyPairSync, createSign, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedTeam, startTestApp } from '../../helpers/app.js';
import { startBotConnector, type FakeBotConnector } from '../../fakes/bot-connector.js';
import { fixture, TENANT, BOT_APP_ID } from './world.js';

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** A well-formed RS256 JWT with the claims Azure Bot Service uses, signed by a key nobody trusts. */
function forgedToken(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'forged-key' }));
  const payload = b64url(
    JSON.stringify({
      iss: 'https://api.botframework.com',
      aud: BOT_APP_ID,
      serviceurl: 'http://127.0.0.1:9/',
      nbf: now - 60,
      exp: now + 3600,
    }),
  );
  const sig = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(privateKey);
  return `${header}.${payload}.${b64url(sig)}`;
}

describe('Teams: requests without a valid Bot Service token are refused', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let connector: FakeBotConnector;

  beforeAll(async () => {
    db = await createTestDatabase();
    connector = await startBotConnector();
    app = await startTestApp(db, {
      MICROSOFT_APP_ID: BOT_APP_ID,
      MICROSOFT_APP_PASSWORD: 'not-a-real-secret',
      MICROSOFT_APP_TENANT_ID: TENANT,
    });
    await seedTeam(app);
  });
  afterAll(async () => {
    await app?.close();
    await connector?.close();
    await db?.drop();
  });

  const activity = () =>
    fixture('message-personal', {
      serviceUrl: connector.serviceUrl,
      tenantId: TENANT,
      botAppId: BOT_APP_ID,
      userId: '29:1csm-1-teams-user',
      userName: 'Sam CSM',
      aadObjectId: randomUUID(),
      conversationId: 'a:1csm-1-personal-chat',
      channelId: '',
      activityId: `${Date.now()}`,
      text: 'help',
    });

  async function post(authorization?: string) {
    const res = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(activity()),
    });
    await res.text();
    return res.status;
  }

  /** Teams conversations remembered, and people linked to a Teams identity. */
  const remembered = async () =>
    (
      await app.database.pool.query(
        `SELECT (SELECT count(*)::int FROM conversations WHERE channel = 'teams') AS conversations,
                (SELECT count(*)::int FROM people WHERE identities ? 'teams') AS linked`,
      )
    ).rows[0];

  it('no token, a forged token and a token that is not a JWT all get 401, and nothing happens', async () => {
    const before = await remembered();
    expect(await post()).toBe(401);
    expect(await post(`Bearer ${forgedToken()}`)).toBe(401);
    expect(await post('Bearer not-a-jwt')).toBe(401);
    expect(await post('Basic dXNlcjpwYXNz')).toBe(401);
    // Give a wrongly accepted turn time to send its reply before looking.
    await new Promise((r) => setTimeout(r, 500));
    expect(connector.allMessages()).toHaveLength(0);
    expect(await remembered()).toEqual(before);
  });
});
