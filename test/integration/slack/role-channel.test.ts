/**
 * Role channels (issue 20 item 6) on Slack: an escalation step `{"channel": "slack:C0…"}` posts the
 * alert card in that channel (the fake Slack's chat.postMessage), in one thread there, instead of
 * in a person's DM; the other threads hear where it went; the dry run shows the channel; a click
 * on the channel's card acts on the alert and the channel's card follows; the cooldown holds.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, sleep, startTestApp } from '../../helpers/app.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack-api.js';
import {
  clickPayload,
  hasButtons,
  interaction,
  messageText,
  postSlack,
  seedSlackTeam,
  SLACK_USERS,
  slashCommand,
  slackEnv,
} from './support.js';

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedSlackTeam>>;
const CHANNEL = 'C0ESCALATE';
const chain = [
  { role: 'csm', after: '0s' },
  { channel: `slack:${CHANNEL}`, after: '2s' },
  { role: 'cfo', after: '1h' },
];

beforeAll(async () => {
  fake = await startFakeSlack({ users: SLACK_USERS });
  fake.addChannel(CHANNEL);
  db = await createTestDatabase();
  app = await startTestApp(db, slackEnv(fake));
  team = await seedSlackTeam(app, { cooldown: '1h' });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

describe('escalation settings with a channel step', () => {
  it('names each bad channel under escalation.N.channel and changes nothing', async () => {
    const r = await team.api.patch('/api/v1/settings', {
      escalation: [
        { role: 'csm', after: '0s' },
        { channel: 'discord:C0123ABCD', after: '1h' },
        { channel: 'slack:#cs-escalations', after: '2h' },
        { channel: 'slack:C0123ABCD', role: 'vp_cs', after: '3h' },
        { channel: 'gchat:rooms/x', after: '4h' },
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body.details).toEqual({
      'escalation.1.channel': expect.stringContaining('unknown channel kind "discord"'),
      'escalation.2.channel': expect.stringContaining('malformed slack conversation id'),
      'escalation.3.channel': 'a step has either a role or a channel, not both',
      'escalation.4.channel': expect.stringContaining('spaces/'),
    });
    expect((await team.api.get('/api/v1/settings')).body.escalation[1]).toEqual({
      role: 'csm_manager',
      after: '24h',
    });
  });

  it('stores a valid channel step and the dry run shows the channel for it', async () => {
    const r = await team.api.patch('/api/v1/settings', { escalation: chain });
    expect(r.status).toBe(200);
    expect(r.body.escalation).toEqual(chain);
    const dry = await team.api.post('/api/v1/escalation/dry-run', {
      customerExternalId: 'cust-1',
      type: 'usage_threshold',
      at: '2027-03-01T10:00:00Z',
    });
    expect(dry.status).toBe(200);
    expect(dry.body.steps[1]).toEqual({
      step: 2,
      channel: `slack:${CHANNEL}`,
      deliverVia: 'slack',
      at: '2027-03-01T10:00:02.000Z',
    });
    expect(dry.body.steps[1].personExternalId).toBeUndefined();
  });

  it('`/fincelo escalation test Northwind` answers the same dry run in chat, sending nothing', async () => {
    const cmd = await slashCommand(app.url, fake, 'U0SAM', 'escalation test Northwind');
    expect(cmd.status).toBe(200);
    const text = String((await cmd.reply()).body.text);
    expect(text).toContain('Escalation dry run');
    expect(text).toContain('Northwind');
    expect(text).toMatch(/1\. csm Sam CSM \(csm-1\) — on slack at/);
    expect(text).toMatch(new RegExp(`2\\. slack:${CHANNEL} — on slack at`));
    expect(text).toMatch(/3\. cfo Morgan CFO \(cfo-1\) — on slack at/);
    const unknown = await slashCommand(app.url, fake, 'U0SAM', 'escalation test Nobody Inc');
    expect(String((await unknown.reply()).body.text)).toContain('No customer matches "Nobody Inc"');
    expect(fake.roots(CHANNEL)).toHaveLength(0);
    expect(fake.roots('D0SAM')).toHaveLength(0);
  });
});

describe('a channel step through Slack', () => {
  it('posts the card in the channel once, in its own thread, and a click there acts on the alert', async () => {
    const usage = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 90,
      limit: 100,
      metric: 'seats',
    });
    expect(usage.body.outcome).toBe('created');
    const samCard = await eventually(async () => fake.roots('D0SAM')[0], 30_000);
    // ~2 s later: the card in the channel, not in anybody's DM.
    const card = await eventually(async () => fake.roots(CHANNEL)[0], 30_000);
    expect(messageText(card)).toContain('Northwind');
    expect(hasButtons(card)).toBe(true);
    expect(messageText(card)).toContain('Escalated to this channel (step 2 of 3)');
    await eventually(
      async () =>
        fake
          .replies('D0SAM', samCard.ts)
          .some((m) => m.text.includes(`Escalated to slack channel ${CHANNEL}`)),
      30_000,
    );
    const alertId = JSON.parse(
      String(
        (card.blocks as { type: string; elements?: { value?: string }[] }[]).find(
          (b) => b.type === 'actions',
        )!.elements![0]!.value,
      ),
    ).alertId as string;
    const alert = (await team.api.get(`/api/v1/alerts/${alertId}`)).body;
    expect(alert.escalationStep).toBe(2);
    expect(alert.escalationChannel).toBe(`slack:${CHANNEL}`);
    const escalated = (alert.timeline as { kind: string; details?: Record<string, unknown> }[]).filter(
      (e) => e.kind === 'escalated',
    );
    expect(escalated).toEqual([
      expect.objectContaining({ details: { step: 1, channel: `slack:${CHANNEL}` } }),
    ]);
    // Nobody's DM got the step-2 card (the CSM's manager is not on this chain).
    expect(fake.roots('D0DANA')).toHaveLength(0);

    // Riley (admin) resolves from the channel's card: the channel's card shows it, Sam hears it.
    const edits = card.edits;
    const res = await postSlack(app.url, interaction(clickPayload(fake, card, 'U0RILEY', 'resolve')));
    expect(res.status).toBe(200);
    await eventually(async () => {
      const m = fake.roots(CHANNEL)[0]!;
      return m.edits > edits && !hasButtons(m);
    }, 30_000);
    expect((await team.api.get(`/api/v1/alerts/${alertId}`)).body.status).toBe('resolved');
    await eventually(
      async () => fake.replies(CHANNEL, card.ts).some((m) => m.text.includes('Resolved by Riley Admin')),
      30_000,
    );
    // Exactly once: one root in the channel, and the "escalated" reply was not echoed under it.
    expect(fake.roots(CHANNEL)).toHaveLength(1);
    expect(
      fake.replies(CHANNEL, card.ts).filter((m) => m.text.includes('Escalated to slack channel')),
    ).toHaveLength(0);
  });

  it('the cooldown holds: a new reading for the same customer raises nothing, in the channel or elsewhere', async () => {
    const usage = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 95,
      limit: 100,
      metric: 'seats',
    });
    expect(usage.body.outcome).toBe('suppressed');
    await sleep(3000); // longer than the channel step's delay
    expect(fake.roots(CHANNEL)).toHaveLength(1);
    expect(fake.roots('D0SAM')).toHaveLength(1);
  });
});
