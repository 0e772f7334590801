/**
 * The escalation scenario driven entirely through Google Chat: Sam adds the app (his DM captured
 * from ADDED_TO_SPACE) → usage in through the API → card in Sam's DM on the fake Chat API (a
 * server-generated name, the client id echoed as clientAssignedMessageId, its own thread) →
 * escalation to the manager's DM (spaces.findDirectMessage) with a reply in the card's thread,
 * addressed by the thread.name the create returned and naming the alert → Acknowledge clicked (signed CARD_CLICKED, answered with
 * UPDATE_MESSAGE; a redelivered click has no second effect) → resumes → the VP resolves from her
 * card → every root in its final state, then silence.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, sleep, startTestApp } from '../../helpers/app.js';
import { startFakeGoogleChat, type FakeGoogleChat } from '../../fakes/gchat-api.js';
import { gchatCardText } from '../../../src/cards/render/gchat.js';
import {
  addedToDm,
  buttonOf,
  cardText,
  CHAT_USERS,
  click,
  gchatEnv,
  hasButtons,
  postEvent,
  seedChatTeam,
} from './world.js';

let fake: FakeGoogleChat;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedChatTeam>>;

const alertOf = async (id: string) => (await team.api.get(`/api/v1/alerts/${id}`)).body;
const kinds = async (id: string) => ((await alertOf(id)).timeline as { kind: string }[]).map((e) => e.kind);
const dm = (k: keyof typeof CHAT_USERS) => fake.dmOf(CHAT_USERS[k].name);
const root = (space: string) => fake.roots(space)[0];

beforeAll(async () => {
  fake = await startFakeGoogleChat();
  db = await createTestDatabase();
  app = await startTestApp(db, gchatEnv(fake));
  team = await seedChatTeam(app, fake, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '2s' },
      { role: 'vp_cs', after: '6s' },
      { role: 'cfo', after: '14s' },
    ],
    ackTimeout: '2s',
    snooze: '2s',
    cooldown: '1h',
  });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

describe('escalation through Google Chat', () => {
  it('DMs the CSM, escalates in threads, pauses on Acknowledge (once), resolves everywhere', async () => {
    const started = Date.now();
    const added = await postEvent(app.url, addedToDm(fake, 'sam'));
    expect(added.status).toBe(200);
    expect(added.json?.text).toContain('Fincelo');

    const usage = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 86,
      limit: 100,
      metric: 'seats',
    });
    expect(usage.body.outcome).toBe('created');

    // The card in Sam's DM, as cardsV2: a client-assigned id (also the requestId and its thread
    // key) that Chat only echoes, under a server-generated name. No messageReplyOption in a DM.
    const card = await eventually(async () => root(dm('sam')));
    expect(card.clientAssignedMessageId).toMatch(/^client-fincelo-[0-9a-f]{32}$/);
    expect(card.name).toMatch(/^spaces\/DM-201\/messages\//);
    expect(card.name).not.toContain('client-');
    expect(card.requestId).toBe(card.clientAssignedMessageId);
    expect(card.threadKey).toBe(card.requestId);
    expect(card.messageReplyOption).toBeNull();
    const text = cardText(card);
    expect(text).toContain('Northwind');
    expect(text).toContain('Expansion Opportunity');
    expect(text).toContain('86%');
    const cardV2 = card.body.cardsV2[0].card;
    expect(cardV2.header.title).toContain('Expansion Opportunity');
    const ack = buttonOf(card, 'acknowledge')!;
    const alertId = ack.onClick.action.parameters.find((p: { key: string }) => p.key === 'alertId')
      .value as string;
    expect(buttonOf(card, 'log_call')!.onClick.action.interaction).toBe('OPEN_DIALOG');

    // Manager at ~2 s: reached through findDirectMessage, and "escalated" replies in Sam's thread.
    const danaCard = await eventually(async () => root(dm('dana')), 10_000);
    expect(cardText(danaCard)).toContain('Northwind');
    expect(
      fake.requests.some(
        (r) => r.path === '/v1/spaces:findDirectMessage' && r.query.name === CHAT_USERS.dana.name,
      ),
    ).toBe(true);
    const escalated = await eventually(async () =>
      fake.replies(card.name).find((m) => String(m.body.text).includes('Escalated to Dana Manager')),
    );
    // In the card's own thread (by thread.name), and naming the alert for a DM read flat.
    expect(escalated.threadName).toBe(card.threadName);
    expect(escalated.body.thread).toEqual({ name: card.threadName });
    expect(escalated.messageReplyOption).toBeNull();
    expect(String(escalated.body.text).split('\n')[0]).toMatch(/^↳ .*Northwind/);
    expect(fake.roots(dm('sam'))).toHaveLength(1);
    expect(fake.roots(dm('priya'))).toHaveLength(0);

    // Sam clicks Acknowledge: answered with the card replaced in place (UPDATE_MESSAGE).
    const clickBody = click(fake, root(dm('sam'))!, 'sam', 'acknowledge');
    const res = await postEvent(app.url, clickBody);
    expect(res.status).toBe(200);
    expect(res.json?.actionResponse?.type).toBe('UPDATE_MESSAGE');
    expect(gchatCardText(res.json?.cardsV2)).toContain('Acknowledged');
    expect((await alertOf(alertId)).status).toBe('acknowledged');
    // …and the outbox patches the message itself (spaces.messages.patch on the name Chat returned).
    await eventually(
      async () => root(dm('sam'))!.edits > 0 && cardText(root(dm('sam'))!).includes('Acknowledged'),
    );
    expect(
      fake.requests.some(
        (r) => r.method === 'PATCH' && r.path === `/v1/${card.name}` && r.query.updateMask === 'cardsV2',
      ),
    ).toBe(true);

    // The same event delivered again has no second effect.
    const again = await postEvent(app.url, clickBody);
    expect(again.status).toBe(200);
    expect((await kinds(alertId)).filter((k) => k === 'acknowledged')).toHaveLength(1);

    // The ack timeout resumes the chain: the VP's card, and she resolves from it.
    await eventually(async () => (await kinds(alertId)).includes('resumed'), 10_000);
    const priyaCard = await eventually(async () => root(dm('priya')), 10_000);
    const resolved = await postEvent(app.url, click(fake, priyaCard, 'priya', 'resolve'));
    expect(resolved.status).toBe(200);
    await eventually(async () => (await alertOf(alertId)).status === 'resolved');

    for (const k of ['sam', 'dana', 'priya'] as const) {
      await eventually(async () => {
        const m = root(dm(k))!;
        return cardText(m).includes('Resolved') && !hasButtons(m);
      }, 30_000);
      await eventually(
        async () =>
          fake.replies(root(dm(k))!.name).some((m) => String(m.body.text).includes('Resolved by Priya VP')),
        30_000,
      );
      expect(fake.roots(dm(k))).toHaveLength(1);
    }

    // Hard stop: nothing more is posted or edited, even past the CFO's due time.
    await eventually(async () => {
      const r = await app.database.pool.query(
        `SELECT count(*)::int AS n FROM deliveries WHERE channel = 'gchat' AND status IN ('pending', 'sending')`,
      );
      return r.rows[0].n === 0;
    });
    // The CFO's morning brief is its own daily message (not about this alert) and may land any time.
    const aboutAlerts = () => fake.messages.filter((m) => !cardText(m).includes('Morning Brief'));
    const snapshot = JSON.stringify(aboutAlerts().map((m) => [m.name, m.edits]));
    await sleep(Math.max(5000, started + 20_000 - Date.now()));
    expect(JSON.stringify(aboutAlerts().map((m) => [m.name, m.edits]))).toBe(snapshot);
    expect(fake.roots(dm('morgan')).filter((m) => cardText(m).includes('Northwind'))).toHaveLength(0);
    const after = await alertOf(alertId);
    expect(after.timeline.find((e: { kind: string }) => e.kind === 'acknowledged')).toMatchObject({
      actorExternalId: 'csm-1',
      channel: 'gchat',
    });
    // Escalated/acknowledged/resolved notes all sit in a card's thread: no stray roots; every
    // create carried a requestId.
    for (const k of ['sam', 'dana', 'priya'] as const) {
      const [only, ...others] = fake.roots(dm(k)).filter((m) => !cardText(m).includes('Morning Brief'));
      expect(others).toHaveLength(0);
      expect(
        fake
          .messagesIn(dm(k))
          .filter((m) => !m.root)
          .every((m) => m.threadName === only!.threadName),
      ).toBe(true);
    }
    const samNotes = fake.replies(card.name).map((m) => String(m.body.text));
    expect(samNotes.some((t) => t.includes('Escalated to Dana Manager'))).toBe(true);
    expect(samNotes.some((t) => t.includes('Resolved by Priya VP'))).toBe(true);
    expect(fake.messages.every((m) => m.requestId)).toBe(true);
  });
});
