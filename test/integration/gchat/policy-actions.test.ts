/**
 * Escalate now, Decline (issue 20 item 3) and Snooze until … (issue 21 item 1) from a Google Chat
 * card: each button opens a dialog (OPEN_DIALOG → REQUEST_DIALOG answered with the dialog) built
 * from the card's inputs, and applies on SUBMIT_DIALOG, read from formInputs. The chain's delays are
 * an hour and more, so every escalation seen here comes from the click.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, startTestApp } from '../../helpers/app.js';
import { ticketWebhook, type TicketWebhook } from '../../helpers/ticket-webhook.js';
import { startFakeGoogleChat, type FakeChatMessage, type FakeGoogleChat } from '../../fakes/gchat-api.js';
import {
  addedToDm,
  buttonOf,
  cardText,
  CHAT_USERS,
  click,
  dialogClick,
  dialogOf,
  gchatEnv,
  postEvent,
  seedChatTeam,
  str,
  type ChatUserKey,
} from './world.js';

let fake: FakeGoogleChat;
let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedChatTeam>>;
let tickets: TicketWebhook;
const WAIT = 30_000;

const alertOf = async (id: string) => (await team.api.get(`/api/v1/alerts/${id}`)).body;
const dm = (k: ChatUserKey) => fake.dmOf(CHAT_USERS[k].name);
const latest = (m: FakeChatMessage) => fake.messages.find((x) => x.name === m.name)!;
const paramsOf = (m: FakeChatMessage, fn: string) =>
  Object.fromEntries(
    (buttonOf(m, fn)!.onClick.action.parameters as { key: string; value: string }[]).map((p) => [
      p.key,
      p.value,
    ]),
  );
const cardsIn = (k: ChatUserKey, alertId: string) =>
  fake
    .roots(dm(k))
    .filter((m) => m.body.cardsV2 && buttonOf(m, 'resolve') && paramsOf(m, 'resolve').alertId === alertId);

async function raise(customerExternalId: string, k: ChatUserKey) {
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
  const card = await eventually(async () => cardsIn(k, alertId)[0], WAIT);
  return { alertId, card };
}

/** Opens the dialog of `fn` on the card as `k`; returns the dialog card and a submit builder. */
async function openDialog(card: FakeChatMessage, k: ChatUserKey, fn: string) {
  const opened = await postEvent(
    app.url,
    click(fake, latest(card), k, fn, { dialogEventType: 'REQUEST_DIALOG' }),
  );
  expect(opened.json?.actionResponse?.type).toBe('DIALOG');
  const dialog = dialogOf(opened.json)!;
  const submit = (formInputs: Record<string, unknown>) =>
    postEvent(
      app.url,
      dialogClick(click(fake, latest(card), k, fn), dialog.fixedFooter.primaryButton, formInputs),
    );
  return { dialog, submit };
}

beforeAll(async () => {
  fake = await startFakeGoogleChat();
  db = await createTestDatabase();
  app = await startTestApp(db, gchatEnv(fake));
  team = await seedChatTeam(app, fake, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '1h' },
      { role: 'vp_cs', after: '2h' },
    ],
  });
  expect((await postEvent(app.url, addedToDm(fake, 'sam'))).status).toBe(200);
  tickets = await ticketWebhook(app.url, team.api, 'whsec-gchat-policy-0123456789');
}, 120_000);

afterAll(async () => {
  await app?.close();
  await db?.drop();
  await fake?.close();
});

describe('Escalate now from a Google Chat card', () => {
  it('a double submit notifies the CSM Manager once, with the note on her card and in the CSM thread', async () => {
    const { alertId, card } = await raise('cust-1', 'sam');
    // One button list with the eight actions, within Chat's 32,000-byte message limit (CHAT.md §3).
    const buttons = card.body.cardsV2[0].card.sections.flatMap(
      (s: { widgets: { buttonList?: { buttons: unknown[] } }[] }) =>
        s.widgets.flatMap((w) => w.buttonList?.buttons ?? []),
    );
    expect(buttons).toHaveLength(8);
    expect(Buffer.byteLength(JSON.stringify(card.body))).toBeLessThan(32_000);
    expect(paramsOf(card, 'escalate_now')).toMatchObject({ alertId, fromStep: '0' });

    const { dialog, submit } = await openDialog(card, 'sam', 'escalate_now');
    expect(dialog.sections[0].widgets[0].textInput).toMatchObject({
      name: 'escalateNote',
      type: 'MULTIPLE_LINE',
    });
    const note = { escalateNote: str('Customer threatens to churn') };
    const answers = await Promise.all([submit(note), submit(note)]);
    const statuses = answers.map((r) => r.json?.actionResponse?.dialogAction?.actionStatus);
    expect(statuses.map((s) => s?.statusCode).sort()).toEqual(['OK', 'PERMISSION_DENIED']);
    expect(JSON.stringify(statuses)).toContain('already escalated past the step you saw');

    const danaCard = await eventually(async () => cardsIn('dana', alertId)[0], WAIT);
    expect(cardText(danaCard)).toContain('Sam CSM escalated this alert to you now');
    expect(cardText(danaCard)).toContain('Customer threatens to churn');
    await eventually(
      async () =>
        fake
          .replies(card.name)
          .some((m) => /escalated this alert now.*Customer threatens to churn/.test(String(m.body.text))),
      WAIT,
    );
    const alert = await alertOf(alertId);
    expect(alert.escalationStep).toBe(2);
    expect((alert.timeline as { kind: string }[]).filter((e) => e.kind === 'escalated_now')).toHaveLength(1);
    expect(cardsIn('dana', alertId)).toHaveLength(1);
    expect(cardsIn('priya', alertId)).toHaveLength(0);
  });
});

describe('Decline from a Google Chat card', () => {
  it('puts the alert back with the manager, who gets a card with the note', async () => {
    const { alertId, card } = await raise('cust-3', 'alex');
    const { submit } = await openDialog(card, 'alex', 'decline');
    const r = await submit({ declineNote: str('On leave from tomorrow') });
    expect(r.json?.actionResponse?.dialogAction?.actionStatus).toMatchObject({ statusCode: 'OK' });
    await eventually(async () => (await alertOf(alertId)).assigneeExternalId === 'mgr-1', WAIT);
    const danaCard = await eventually(async () => cardsIn('dana', alertId)[0], WAIT);
    expect(cardText(danaCard)).toContain('Alex CSM declined this alert: “On leave from tomorrow”');
  });
});

describe('Snooze until the customer replies, from a Google Chat card', () => {
  it('waits for the customer; a signed ticket webhook from that customer wakes it', async () => {
    const { alertId, card } = await raise('cust-2', 'sam');
    const { submit } = await openDialog(card, 'sam', 'snooze');
    const r = await submit({ until: str('customer_reply') });
    expect(r.json?.actionResponse?.dialogAction?.actionStatus).toMatchObject({ statusCode: 'OK' });
    expect((await alertOf(alertId)).waitingFor).toBe('customer_reply');
    await eventually(async () => cardText(latest(card)).includes('Snoozed until the customer replies'), WAIT);

    expect(await tickets.ticket('T-GCHAT-1', 'cust-2')).toBeLessThan(300);
    await eventually(async () => (await alertOf(alertId)).status === 'open', WAIT);
    expect((await alertOf(alertId)).waitingFor).toBeNull();
  });
});
