/**
 * Escalate now, Decline (issue 20 item 3) and Snooze until … (issue 21 item 1) from a Teams card:
 * Action.Execute invokes carrying the card's own inputs (the note typed into the ShowCard, the
 * Snooze choice). The chain's delays are an hour and more, so every escalation here is the click's.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adaptiveCardIssues } from '../../helpers/adaptive-cards.js';
import { eventually } from '../../helpers/app.js';
import { ticketWebhook, type TicketWebhook } from '../../helpers/ticket-webhook.js';
import { cardOf, messageText, type RecordedMessage } from '../../fakes/bot-connector.js';
import { cardMessages, findExecute, startTeamsWorld, type TeamsWorld } from './world.js';

let w: TeamsWorld;
let tickets: TicketWebhook;
const WAIT = 30_000;

beforeAll(async () => {
  w = await startTeamsWorld({
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '1h' },
      { role: 'vp_cs', after: '2h' },
    ],
  });
  for (const p of ['csm-1', 'csm-2', 'mgr-1', 'vp-1']) await w.install(p);
  tickets = await ticketWebhook(w.app.url, w.team.api, 'whsec-teams-policy-0123456789');
}, 120_000);
afterAll(async () => {
  await w?.close();
});

const alertOf = async (id: string) => (await w.team.api.get(`/api/v1/alerts/${id}`)).body;
const alertIdOf = (m: RecordedMessage) =>
  String((findExecute(cardOf(m), 'resolve')!.data as { alertId: string }).alertId);
const cardsFor = (ext: string, alertId: string) =>
  cardMessages(w.chat(ext)).filter((m) => JSON.stringify(cardOf(m)).includes(alertId));

const NAMES: Record<string, string> = { 'cust-1': 'Northwind', 'cust-2': 'Globex', 'cust-3': 'Hooli' };

async function raise(customerExternalId: string, csm: string) {
  const r = await w.team.api.post('/api/v1/usage', { customerExternalId, used: 97, limit: 100 });
  expect(r.body.outcome).toBe('created');
  const card = await eventually(
    async () =>
      cardMessages(w.chat(csm)).find((m) => JSON.stringify(cardOf(m)).includes(NAMES[customerExternalId]!)),
    WAIT,
  );
  return { alertId: alertIdOf(card), card };
}

describe('Escalate now from a Teams card', () => {
  it('a double click notifies the CSM Manager once, with the note on her card and in the CSM thread', async () => {
    const { alertId, card } = await raise('cust-1', 'csm-1');
    // The card carries the step it showed; the note is the ShowCard's input.
    expect(findExecute(cardOf(card), 'escalate_now')!.data).toMatchObject({ alertId, fromStep: 0 });
    const note = { escalateNote: 'Customer threatens to churn' };
    const [a, b] = await Promise.all([
      w.click('csm-1', card.id, 'escalate_now', note),
      w.click('csm-1', card.id, 'escalate_now', note),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(JSON.stringify([a.body, b.body])).toContain('already escalated past the step you saw');

    const danaCard = await eventually(async () => cardsFor('mgr-1', alertId)[0], WAIT);
    expect(messageText(danaCard)).toContain('Sam CSM escalated this alert to you now');
    expect(messageText(danaCard)).toContain('Customer threatens to churn');
    await eventually(
      async () =>
        w
          .chat('csm-1')
          .some(
            (m) =>
              m.rootId === card.id &&
              /escalated this alert now.*Customer threatens to churn/.test(messageText(m)),
          ),
      WAIT,
    );
    const alert = await alertOf(alertId);
    expect(alert.escalationStep).toBe(2);
    expect((alert.timeline as { kind: string }[]).filter((e) => e.kind === 'escalated_now')).toHaveLength(1);
    expect(cardsFor('mgr-1', alertId)).toHaveLength(1);
    expect(cardsFor('vp-1', alertId)).toHaveLength(0);
  });
});

describe('Decline from a Teams card', () => {
  it('puts the alert back with the manager, who gets a card with the note', async () => {
    const { alertId, card } = await raise('cust-3', 'csm-2');
    const r = await w.click('csm-2', card.id, 'decline', { declineNote: 'On leave from tomorrow' });
    expect(r.status).toBe(200);
    await eventually(async () => (await alertOf(alertId)).assigneeExternalId === 'mgr-1', WAIT);
    const danaCard = await eventually(async () => cardsFor('mgr-1', alertId)[0], WAIT);
    expect(messageText(danaCard)).toContain('Alex CSM declined this alert: “On leave from tomorrow”');
    const declined = ((await alertOf(alertId)).timeline as { kind: string; details?: object }[]).find(
      (e) => e.kind === 'declined',
    );
    expect(declined?.details).toMatchObject({ note: 'On leave from tomorrow' });
  });
});

describe('Snooze until the customer replies, from a Teams card', () => {
  it('waits for the customer; a signed ticket webhook from that customer wakes it', async () => {
    const { alertId, card } = await raise('cust-2', 'csm-1');
    const r = await w.click('csm-1', card.id, 'snooze', { until: 'customer_reply' });
    expect(r.status).toBe(200);
    await eventually(async () => (await alertOf(alertId)).waitingFor === 'customer_reply', WAIT);
    expect(JSON.stringify(r.body)).toContain('Snoozed until the customer replies');

    expect(await tickets.ticket('T-TEAMS-1', 'cust-2')).toBeLessThan(300);
    await eventually(async () => (await alertOf(alertId)).status === 'open', WAIT);
    expect((await alertOf(alertId)).waitingFor).toBeNull();
  });

  it('sends only cards the Adaptive Cards SDK accepts as schema 1.5 for Teams (six actions per set)', () => {
    const cards = w.sentCards();
    expect(cards.length).toBeGreaterThan(3);
    for (const c of cards) expect(adaptiveCardIssues(c)).toEqual([]);
  });
});
