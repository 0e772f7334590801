/**
 * Escalate now, Decline (issue 20 item 3) and Snooze until … (issue 21 item 1) from a Slack card,
 * through signed block_actions and view_submission requests to /slack/events. Each opens a modal
 * built from the card's inputs (an optional note; how long or until what), and applies on submit.
 * The chain's delays are an hour and more, so every escalation seen here comes from the click.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, startTestApp } from '../../helpers/app.js';
import { ticketWebhook, type TicketWebhook } from '../../helpers/ticket-webhook.js';
import { startFakeSlack, type FakeSlack, type FakeSlackMessage } from '../../fakes/slack-api.js';
import {
  buttonOf,
  clickPayload,
  interaction,
  messageText,
  postSlack,
  seedSlackTeam,
  SLACK_USERS,
  slackEnv,
  submitPayload,
} from './support.js';

let fake: FakeSlack;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedSlackTeam>>;
let tickets: TicketWebhook;

const WAIT = 30_000; // the first DM to a person found by email can take long on a loaded machine
const alertOf = async (id: string) => (await team.api.get(`/api/v1/alerts/${id}`)).body;
const latest = (m: FakeSlackMessage) => fake.messages.find((x) => x.channel === m.channel && x.ts === m.ts)!;
const openedView = (triggerId: string) =>
  eventually(async () => fake.views.find((v) => v.triggerId === triggerId), WAIT);
const cardsIn = (dm: string, alertId: string) =>
  fake.roots(dm).filter((m) => String(buttonOf(m, 'resolve')?.value ?? '').includes(alertId));

async function raise(customerExternalId: string, dm: string) {
  const r = await team.api.post('/api/v1/usage', {
    customerExternalId,
    used: 97,
    limit: 100,
    metric: 'seats',
  });
  expect(r.body.outcome).toBe('created');
  const alertId = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
    (a: { customerExternalId: string }) => a.customerExternalId === customerExternalId,
  ).id as string;
  const card = await eventually(async () => cardsIn(dm, alertId)[0], WAIT);
  return { alertId, card };
}

/** Clicks `action` on the card and submits its modal with `values`; returns the modal. */
async function clickAndSubmit(
  card: FakeSlackMessage,
  user: string,
  action: string,
  values: Record<string, string>,
) {
  const opened = await openModal(card, user, action);
  const res = await postSlack(app.url, interaction(submitPayload(fake, opened, user, values)));
  expect(res.status).toBe(200);
  return opened;
}
async function openModal(card: FakeSlackMessage, user: string, action: string) {
  const click = clickPayload(fake, latest(card), user, action);
  expect((await postSlack(app.url, interaction(click))).status).toBe(200);
  return openedView(click.trigger_id);
}

beforeAll(async () => {
  fake = await startFakeSlack({ users: SLACK_USERS });
  db = await createTestDatabase();
  app = await startTestApp(db, slackEnv(fake));
  team = await seedSlackTeam(app, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '1h' },
      { role: 'vp_cs', after: '2h' },
    ],
  });
  tickets = await ticketWebhook(app.url, team.api, 'whsec-slack-policy-0123456789');
}, 120_000);

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

describe('Escalate now from a Slack card', () => {
  it('a double click notifies the CSM Manager once, with the note on her card and in the CSM thread', async () => {
    const { alertId, card } = await raise('cust-1', 'D0SAM');
    // The card's one actions block holds the six actions and the two policy actions (≤ 25).
    const actions = (card.blocks as { type: string; elements?: { action_id: string }[] }[]).filter(
      (b) => b.type === 'actions',
    );
    expect(actions).toHaveLength(1);
    expect(actions[0]!.elements!.map((e) => e.action_id)).toEqual([
      'acknowledge',
      'log_call',
      'schedule_follow_up',
      'reassign',
      'snooze',
      'resolve',
      'escalate_now',
      'decline',
    ]);

    // Two clicks on the button (two modals), both submitted at the same moment.
    const [a, b] = await Promise.all([
      openModal(card, 'U0SAM', 'escalate_now'),
      openModal(card, 'U0SAM', 'escalate_now'),
    ]);
    const blocks = a.view.blocks as { block_id: string; optional?: boolean; label: { text: string } }[];
    expect(blocks.map((x) => [x.block_id, x.optional])).toEqual([['escalateNote', true]]);
    expect(blocks[0]!.label.text).toContain('CSM Manager (Dana Manager)');
    const note = { escalateNote: 'Customer threatens to churn' };
    const answers = await Promise.all(
      [a, b].map((v) => postSlack(app.url, interaction(submitPayload(fake, v, 'U0SAM', note)))),
    );
    expect(answers.map((r) => r.status)).toEqual([200, 200]);

    const danaCard = await eventually(async () => cardsIn('D0DANA', alertId)[0], WAIT);
    expect(messageText(danaCard)).toContain('Sam CSM escalated this alert to you now');
    expect(messageText(danaCard)).toContain('Customer threatens to churn');
    await eventually(
      async () =>
        fake
          .replies('D0SAM', card.ts)
          .some((m) => /escalated this alert now.*Customer threatens to churn/.test(m.text)),
      WAIT,
    );
    const alert = await alertOf(alertId);
    expect(alert.escalationStep).toBe(2);
    expect((alert.timeline as { kind: string }[]).filter((e) => e.kind === 'escalated_now')).toHaveLength(1);
    // The second submission was refused, privately; the VP (the step after) was not reached.
    await eventually(async () =>
      fake.ephemerals.some(
        (e) => e.user === 'U0SAM' && /already escalated past the step you saw/.test(e.text),
      ),
    );
    expect(cardsIn('D0DANA', alertId)).toHaveLength(1);
    expect(cardsIn('D0PRIYA', alertId)).toHaveLength(0);
  });

  it('is not offered at the last step of the chain', async () => {
    const { alertId, card } = await raise('cust-4', 'D0SAM');
    await clickAndSubmit(card, 'U0SAM', 'escalate_now', {});
    const danaCard = await eventually(async () => cardsIn('D0DANA', alertId)[0], WAIT);
    await clickAndSubmit(danaCard, 'U0DANA', 'escalate_now', {});
    await eventually(async () => (await alertOf(alertId)).escalationStep === 3, WAIT);
    const priyaCard = await eventually(async () => cardsIn('D0PRIYA', alertId)[0], WAIT);
    expect(buttonOf(priyaCard, 'escalate_now')).toBeUndefined();
    expect(buttonOf(priyaCard, 'resolve')).toBeDefined();
  });
});

describe('Decline from a Slack card', () => {
  it('puts the alert back with the manager, who gets a card with the note', async () => {
    const { alertId, card } = await raise('cust-3', 'D0ALEX');
    const opened = await clickAndSubmit(card, 'U0ALEX', 'decline', { declineNote: 'On leave from tomorrow' });
    expect(opened.view.title).toMatchObject({ text: "Decline / can't take it" });
    await eventually(async () => (await alertOf(alertId)).assigneeExternalId === 'mgr-1', WAIT);
    const danaCard = await eventually(async () => cardsIn('D0DANA', alertId)[0], WAIT);
    expect(messageText(danaCard)).toContain('Alex CSM declined this alert: “On leave from tomorrow”');
    const alert = await alertOf(alertId);
    expect(alert.status).toBe('open');
    const declined = (alert.timeline as { kind: string; details?: Record<string, unknown> }[]).find(
      (e) => e.kind === 'declined',
    );
    expect(declined?.details).toMatchObject({ from: 'csm-2', to: 'mgr-1', note: 'On leave from tomorrow' });
  });
});

describe('Snooze until the customer replies, from a Slack card', () => {
  it('waits for the customer; a signed ticket webhook from that customer wakes it', async () => {
    const { alertId, card } = await raise('cust-2', 'D0SAM');
    const opened = await openModal(card, 'U0SAM', 'snooze');
    const el = (
      opened.view.blocks as { element: { options: { value: string; text: { text: string } }[] } }[]
    )[0]!.element;
    // The workspace's own snooze length, next business morning, the customer's reply (no "paid": usage).
    expect(el.options.map((o) => [o.value, o.text.text])).toEqual([
      ['duration', 'For 24h'],
      ['next_business_morning', 'Next business morning'],
      ['customer_reply', 'Until customer replies'],
    ]);
    await postSlack(app.url, interaction(submitPayload(fake, opened, 'U0SAM', { until: 'customer_reply' })));
    await eventually(async () => (await alertOf(alertId)).waitingFor === 'customer_reply', WAIT);
    expect((await alertOf(alertId)).status).toBe('snoozed');
    await eventually(
      async () => messageText(latest(card)).includes('Snoozed until the customer replies'),
      WAIT,
    );

    expect(await tickets.ticket('T-SLACK-1', 'cust-2')).toBeLessThan(300);
    await eventually(async () => (await alertOf(alertId)).status === 'open', WAIT);
    expect((await alertOf(alertId)).waitingFor).toBeNull();
    await eventually(async () => messageText(latest(card)).includes('Open'), WAIT);
  });
});
