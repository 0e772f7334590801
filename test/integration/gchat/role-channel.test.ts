/**
 * Role channels (issue 20 item 6) on Google Chat: a step `{"channel": "gchat:spaces/…"}` posts the
 * alert card in that named space (the fake Chat API), as a new thread there, instead of in a
 * person's DM; a click on it acts on the alert and the space's card follows.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, startTestApp } from '../../helpers/app.js';
import { startFakeGoogleChat, type FakeGoogleChat } from '../../fakes/gchat-api.js';
import { cardText, CHAT_USERS, click, gchatEnv, hasButtons, postEvent, seedChatTeam } from './world.js';

let fake: FakeGoogleChat;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedChatTeam>>;
const SPACE = 'spaces/AAAAcsteam';

beforeAll(async () => {
  fake = await startFakeGoogleChat();
  db = await createTestDatabase();
  app = await startTestApp(db, gchatEnv(fake));
  team = await seedChatTeam(app, fake, {
    escalation: [
      { role: 'csm', after: '0s' },
      { channel: `gchat:${SPACE}`, after: '2s' },
      { role: 'cfo', after: '1h' },
    ],
    cooldown: '1h',
  });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

describe('a channel step through Google Chat', () => {
  it('posts the card once in the space, in its own thread, and a click there acts on the alert', async () => {
    const usage = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-3', // Hooli, CSM Alex
      used: 92,
      limit: 100,
      metric: 'seats',
    });
    expect(usage.body.outcome).toBe('created');
    await eventually(async () => fake.roots(fake.dmOf(CHAT_USERS.alex.name))[0], 30_000);
    const card = await eventually(async () => fake.roots(SPACE)[0], 30_000);
    expect(cardText(card)).toContain('Hooli');
    expect(cardText(card)).toContain('Escalated to this channel (step 2 of 3)');
    expect(card.messageReplyOption).toBe('REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    expect(hasButtons(card)).toBe(true);
    expect(fake.roots(fake.dmOf(CHAT_USERS.dana.name))).toHaveLength(0);

    // A click in a named space (the world's click helper describes a DM).
    const event = click(fake, card, 'riley', 'resolve');
    event.space = { name: SPACE, type: 'ROOM', spaceType: 'SPACE', displayName: 'CS team' };
    const res = await postEvent(app.url, event);
    expect(res.status).toBe(200);
    await eventually(
      async () =>
        (
          (await team.api.get('/api/v1/alerts?status=resolved')).body.alerts as {
            customerExternalId: string;
          }[]
        ).some((a) => a.customerExternalId === 'cust-3'),
      30_000,
    );
    // The resolution is a reply in the card's thread in the space, not a new thread.
    await eventually(
      async () =>
        fake.replies(card.name).some((m) => String(m.body.text).includes('Resolved by Riley Admin')),
      30_000,
    );
    await eventually(async () => {
      const m = fake.roots(SPACE)[0]!;
      return cardText(m).includes('Resolved') && !hasButtons(m);
    }, 30_000);
    expect(fake.roots(SPACE)).toHaveLength(1);
  });
});
