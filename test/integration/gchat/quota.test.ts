/**
 * Quotas through the whole product: Chat answers 429 to the card's create; the gateway backs off
 * and retries with the same requestId and messageId, so the person gets exactly one card; a person
 * who never added the app gets an admin notice that says what to do.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, startTestApp } from '../../helpers/app.js';
import { startFakeGoogleChat, type FakeGoogleChat } from '../../fakes/gchat-api.js';
import { addedToDm, cardText, CHAT_USERS, gchatEnv, postEvent, seedChatTeam } from './world.js';

let fake: FakeGoogleChat;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedChatTeam>>;
const dm = (k: keyof typeof CHAT_USERS) => fake.dmOf(CHAT_USERS[k].name);

beforeAll(async () => {
  fake = await startFakeGoogleChat();
  db = await createTestDatabase();
  app = await startTestApp(db, gchatEnv(fake));
  team = await seedChatTeam(app, fake, { escalation: [{ role: 'csm', after: '0s' }] });
  expect((await postEvent(app.url, addedToDm(fake, 'sam'))).status).toBe(200);
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

describe('Google Chat quotas', () => {
  it('retries a 429 with backoff and posts the card once', async () => {
    fake.failNext(2, 429, { match: new RegExp(`^POST /v1/${dm('sam')}/messages$`) });
    await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 90,
      limit: 100,
      metric: 'seats',
    });
    const card = await eventually(async () => fake.roots(dm('sam'))[0], 20_000);
    expect(cardText(card)).toContain('Northwind');
    const creates = fake.requests.filter(
      (r) => r.method === 'POST' && r.path === `/v1/${dm('sam')}/messages`,
    );
    expect(creates.length).toBeGreaterThanOrEqual(3);
    expect(new Set(creates.slice(0, 3).map((r) => r.query.requestId)).size).toBe(1);
    expect(fake.roots(dm('sam'))).toHaveLength(1);
  });

  it('tells the admins when a person never added the app', async () => {
    fake.addUser({ ...CHAT_USERS.alex, installed: false });
    await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-3',
      used: 95,
      limit: 100,
      metric: 'seats',
    });
    const notice = await eventually(
      async () =>
        fake
          .messagesIn(dm('riley'))
          .find((m) => String(m.body.text).includes('has not added Fincelo in Google Chat')),
      20_000,
    );
    expect(notice.body.text).toContain('Alex CSM');
  });
});
