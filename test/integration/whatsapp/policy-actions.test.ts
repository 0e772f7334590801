/**
 * Escalate now, Decline (issue 20 item 3) and Snooze until … (issue 21 item 1) over WhatsApp: a
 * list row of the card, then the optional note as a message (or *skip*), or Snooze's choice as a
 * list (WhatsApp has no forms: CHAT.md §4 allows 10 list rows, the card uses 8). Signed webhooks in,
 * the fake Graph API enforcing the message limits out. The chain's delays are an hour and more.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../../helpers/app.js';
import { ticketWebhook, type TicketWebhook } from '../../helpers/ticket-webhook.js';
import { listRows, sentText, type SentMessage } from '../../fakes/whatsapp-graph.js';
import { startWhatsAppWorld, type WhatsAppWorld } from './world.js';

let w: WhatsAppWorld;
let tickets: TicketWebhook;
const WAIT = 30_000;

beforeAll(async () => {
  w = await startWhatsAppWorld({
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '1h' },
      { role: 'vp_cs', after: '2h' },
    ],
  });
  // Open everyone's 24-hour window, so they get the full card rather than the template.
  for (const p of ['csm-1', 'csm-2', 'mgr-1', 'vp-1']) await w.text(p, 'hi');
  tickets = await ticketWebhook(w.app.url, w.team.api, 'whsec-wa-policy-0123456789');
}, 180_000);
afterAll(async () => {
  await w?.close();
});

const NAMES: Record<string, string> = { 'cust-1': 'Northwind', 'cust-2': 'Globex', 'cust-3': 'Hooli' };
const alertOf = async (id: string) => (await w.team.api.get(`/api/v1/alerts/${id}`)).body;
const row = (m: SentMessage, title: string) => listRows(m).find((r) => r.title.startsWith(title))?.id;
const cardsFor = (ext: string, customer: string) =>
  w
    .chat(ext)
    .filter((m) => listRows(m).some((r) => r.title === 'Mark Resolved') && sentText(m).includes(customer));

async function raise(customerExternalId: string, ext: string) {
  const r = await w.team.api.post('/api/v1/usage', { customerExternalId, used: 97, limit: 100 });
  expect(r.body.outcome).toBe('created');
  const alertId = (await w.team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
    (a: { customerExternalId: string }) => a.customerExternalId === customerExternalId,
  ).id as string;
  const card = await eventually(async () => cardsFor(ext, NAMES[customerExternalId]!)[0], WAIT);
  return { alertId, card };
}
async function turn(act: () => Promise<unknown>, match: RegExp, ext: string): Promise<SentMessage> {
  const mark = w.chat(ext).length;
  await act();
  return w.next(ext, mark, (m) => match.test(sentText(m)));
}

describe('Escalate now over WhatsApp', () => {
  it('the note sent twice at once reaches the CSM Manager once, on her card and in the CSM thread', async () => {
    const { alertId, card } = await raise('cust-1', 'csm-1');
    expect(listRows(card).map((r) => r.title)).toEqual([
      'Acknowledge',
      'Log Call',
      'Schedule Follow-up',
      'Reassign',
      'Snooze…',
      'Mark Resolved',
      'Escalate now',
      "Decline / can't take it",
    ]);
    const q = await turn(
      () => w.listReply('csm-1', row(card, 'Escalate now')!, card.id),
      /Escalate now/,
      'csm-1',
    );
    expect(sentText(q)).toMatch(/skip/);
    // A double send of the note: both deliveries arrive together.
    await Promise.all([
      w.text('csm-1', 'Customer threatens to churn'),
      w.text('csm-1', 'Customer threatens to churn'),
    ]);

    const danaCard = await eventually(async () => cardsFor('mgr-1', 'Northwind')[0], WAIT);
    expect(sentText(danaCard)).toContain('Sam CSM escalated this alert to you now');
    expect(sentText(danaCard)).toContain('Customer threatens to churn');
    await eventually(
      async () =>
        w
          .chat('csm-1')
          .some(
            (m) =>
              m.quotes === card.id &&
              /escalated this alert now.*Customer threatens to churn/.test(sentText(m)),
          ),
      WAIT,
    );
    const alert = await alertOf(alertId);
    expect(alert.escalationStep).toBe(2);
    expect((alert.timeline as { kind: string }[]).filter((e) => e.kind === 'escalated_now')).toHaveLength(1);
    expect(cardsFor('mgr-1', 'Northwind')).toHaveLength(1);
    expect(cardsFor('vp-1', 'Northwind')).toHaveLength(0);
    expect(w.graph.violations).toEqual([]);
  });
});

describe('Decline over WhatsApp', () => {
  it('puts the alert back with the manager, who gets a card with the note', async () => {
    const { alertId, card } = await raise('cust-3', 'csm-2');
    await turn(() => w.listReply('csm-2', row(card, 'Decline')!, card.id), /Decline/, 'csm-2');
    await w.text('csm-2', 'On leave from tomorrow');
    await eventually(async () => (await alertOf(alertId)).assigneeExternalId === 'mgr-1', WAIT);
    const danaCard = await eventually(async () => cardsFor('mgr-1', 'Hooli')[0], WAIT);
    expect(sentText(danaCard)).toContain('Alex CSM declined this alert: “On leave from tomorrow”');
    expect(w.graph.violations).toEqual([]);
  });
});

describe('Snooze until the customer replies, over WhatsApp', () => {
  it('waits for the customer; a signed ticket webhook from that customer wakes it', async () => {
    const { alertId, card } = await raise('cust-2', 'csm-1');
    const q = await turn(() => w.listReply('csm-1', row(card, 'Snooze')!, card.id), /Snooze/, 'csm-1');
    await w.listReply('csm-1', row(q, 'Until customer replies')!, q.id);
    await eventually(async () => (await alertOf(alertId)).waitingFor === 'customer_reply', WAIT);
    expect((await alertOf(alertId)).status).toBe('snoozed');

    expect(await tickets.ticket('T-WA-1', 'cust-2')).toBeLessThan(300);
    await eventually(async () => (await alertOf(alertId)).status === 'open', WAIT);
    expect((await alertOf(alertId)).waitingFor).toBeNull();
    expect(w.graph.violations).toEqual([]);
  });
});
