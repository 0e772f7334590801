/**
 * The engine's escalation scenario (test/integration/escalation-scenario.test.ts) driven entirely
 * through Slack: usage in through the API → card in the CSM's DM on the fake Slack → Acknowledge
 * clicked with a signed block_actions → card updated in place → escalation to the manager's DM
 * with a reply in the CSM's thread → resolve from a card → every root in its final state, then
 * silence.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, sleep, startTestApp } from '../../helpers/app.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack-api.js';
import {
  buttonOf,
  clickPayload,
  hasButtons,
  interaction,
  messageText,
  postSlack,
  seedSlackTeam,
  SLACK_USERS,
  slackEnv,
} from './support.js';

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedSlackTeam>>;

const DM = { sam: 'D0SAM', dana: 'D0DANA', priya: 'D0PRIYA', morgan: 'D0MORGAN' };
const alertOf = async (id: string) => (await team.api.get(`/api/v1/alerts/${id}`)).body;
const kinds = async (id: string) => ((await alertOf(id)).timeline as { kind: string }[]).map((e) => e.kind);
const root = (channel: string) => fake.roots(channel)[0];

beforeAll(async () => {
  fake = await startFakeSlack({ users: SLACK_USERS });
  db = await createTestDatabase();
  app = await startTestApp(db, slackEnv(fake));
  team = await seedSlackTeam(app, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '2s' },
      { role: 'vp_cs', after: '4s' },
      // Later than the engine scenario's 6 s: Slack's pacing (≈1 message/s per DM, each alert's
      // messages in order) delays the VP's card by a few seconds, and the click must come first.
      { role: 'cfo', after: '10s' },
    ],
    // Long enough for the acknowledged card to be seen: Slack's pacing (≈1 message/s per DM)
    // puts two messages (the note, then the card edit) per action in each DM.
    ackTimeout: '4s',
    snooze: '2s',
    cooldown: '1h',
  });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

describe('escalation through Slack', () => {
  it('DMs the CSM, escalates to the manager in their DM and the CSM thread, pauses on Acknowledge, resolves everywhere', async () => {
    const started = Date.now();
    const usage = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 86,
      limit: 100,
      metric: 'seats',
    });
    expect(usage.body.outcome).toBe('created');

    // The card in Sam's DM (conversations.open → chat.postMessage), rendered as Block Kit.
    const card = await eventually(async () => root(DM.sam));
    expect(messageText(card)).toContain('Northwind');
    expect(messageText(card)).toContain('Expansion Opportunity');
    expect(messageText(card)).toContain('86%');
    expect((card.blocks as { type: string }[]).map((b) => b.type)).toEqual(
      expect.arrayContaining(['header', 'section', 'actions']),
    );
    const ack = JSON.parse(String(buttonOf(card, 'acknowledge')!.value));
    const alertId = ack.alertId as string;
    expect(ack).toEqual({ alertId, version: expect.any(Number) });
    expect(fake.callsOf('conversations.open').some((c) => c.args.users === 'U0SAM')).toBe(true);

    // Manager at ~2 s: found by email, their own DM card, and "escalated" in Sam's thread.
    const danaCard = await eventually(async () => root(DM.dana), 10_000);
    expect(messageText(danaCard)).toContain('Northwind');
    expect(fake.callsOf('users.lookupByEmail').some((c) => c.args.email === 'dana@test.example')).toBe(true);
    await eventually(async () =>
      fake.replies(DM.sam, card.ts).some((m) => m.text.includes('Escalated to Dana Manager')),
    );
    expect(fake.roots(DM.sam)).toHaveLength(1);
    expect((await alertOf(alertId)).escalationStep).toBe(2);
    expect(fake.roots(DM.priya)).toHaveLength(0);

    // Sam clicks Acknowledge on the card: a signed block_actions to /slack/events.
    const editsBefore = root(DM.sam)!.edits;
    const res = await postSlack(
      app.url,
      interaction(clickPayload(fake, root(DM.sam)!, 'U0SAM', 'acknowledge')),
    );
    // Slack needs the 200 within 3 s; that timing is a bench concern, not an assertion here.
    expect(res.status).toBe(200);
    await eventually(async () => {
      const m = root(DM.sam)!;
      return m.edits > editsBefore && messageText(m).includes('Acknowledged');
    });
    await eventually(async () =>
      fake.ephemerals.some((e) => e.user === 'U0SAM' && e.text.includes('Acknowledged')),
    );
    expect((await alertOf(alertId)).status).toBe('acknowledged');
    expect(fake.roots(DM.dana)).toHaveLength(1); // one root per alert per conversation

    // Nothing reaches the VP while acknowledged; then the ack timeout resumes the chain.
    await sleep(1200);
    expect(fake.roots(DM.priya)).toHaveLength(0);
    await eventually(async () => (await kinds(alertId)).includes('resumed'), 10_000);
    const priyaCard = await eventually(async () => root(DM.priya), 10_000);

    // Priya resolves from her own card.
    const resolved = await postSlack(
      app.url,
      interaction(clickPayload(fake, priyaCard, 'U0PRIYA', 'resolve')),
    );
    expect(resolved.status).toBe(200);
    await eventually(async () => (await alertOf(alertId)).status === 'resolved');

    // Every root shows the final state, with no buttons left; the threads say who resolved it.
    for (const dm of [DM.sam, DM.dana, DM.priya]) {
      await eventually(async () => {
        const m = root(dm)!;
        return messageText(m).includes('Resolved') && !hasButtons(m);
      }, 15_000);
      await eventually(async () =>
        fake.replies(dm, root(dm)!.ts).some((m) => m.text.includes('Resolved by Priya VP')),
      );
      expect(fake.roots(dm)).toHaveLength(1);
    }

    // Hard stop: once the resolution's own messages are out, nothing more is posted or edited,
    // even past the CFO's due time.
    await eventually(async () => {
      const r = await app.database.pool.query(
        `SELECT count(*)::int AS n FROM deliveries WHERE channel = 'slack' AND status IN ('pending', 'sending')`,
      );
      return r.rows[0].n === 0;
    });
    const snapshot = JSON.stringify(fake.messages.map((m) => [m.channel, m.ts, m.edits]));
    const before = (await alertOf(alertId)).timeline.length;
    // CFO due ≈ 10 s + the ~4 s acknowledged pause after creation; wait until well after that.
    await sleep(Math.max(5000, started + 20_000 - Date.now()));
    expect(JSON.stringify(fake.messages.map((m) => [m.channel, m.ts, m.edits]))).toBe(snapshot);
    expect(fake.roots(DM.morgan)).toHaveLength(0);
    const after = await alertOf(alertId);
    expect(after.timeline.length).toBe(before);
    expect(
      after.timeline
        .filter((e: { kind: string }) => e.kind === 'escalated')
        .map((e: { targetExternalId: string }) => e.targetExternalId),
    ).toEqual(['mgr-1', 'vp-1']);
    expect(after.timeline.find((e: { kind: string }) => e.kind === 'acknowledged')).toMatchObject({
      actorExternalId: 'csm-1',
      channel: 'slack',
    });
    expect(after.timeline.find((e: { kind: string }) => e.kind === 'resolved')).toMatchObject({
      actorExternalId: 'vp-1',
      channel: 'slack',
    });
    // Thread replies always name the root's ts (never a reply's).
    const rootTs = new Set(
      fake.messages.filter((m) => m.threadTs === null).map((m) => `${m.channel}:${m.ts}`),
    );
    for (const m of fake.messages.filter((x) => x.threadTs))
      expect(rootTs.has(`${m.channel}:${m.threadTs}`)).toBe(true);
  });
});
