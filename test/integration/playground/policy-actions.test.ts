/**
 * Escalate now, Decline (issue 20 item 3) and Snooze until … (issue 21 item 1) from a playground
 * card, posted to /playground/api/actions the way the page does (cards.js onCardAction: the button's
 * data plus the ShowCard's inputs as `params`, with this start's token cookie). The cards themselves
 * are checked by the Adaptive Cards SDK the page renders them with.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { adaptiveCardIssues } from '../../helpers/adaptive-cards.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../../helpers/app.js';
import { ticketWebhook, type TicketWebhook } from '../../helpers/ticket-webhook.js';
import { findExecute } from '../teams/world.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let tickets: TicketWebhook;
let cookie: string;
const WAIT = 30_000;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db, { FINCELO_PLAYGROUND: 'local' });
  team = await seedTeam(app, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '1h' },
      { role: 'vp_cs', after: '2h' },
    ],
  });
  const start = await fetch(app.playgroundUrl!, { redirect: 'manual' });
  cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  tickets = await ticketWebhook(app.url, team.api, 'whsec-pg-policy-0123456789');
}, 120_000);
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const alertOf = async (id: string) => (await team.api.get(`/api/v1/alerts/${id}`)).body;
async function messages(ext: string): Promise<Json[]> {
  const r = await fetch(`${app.url}/playground/api/messages?personId=${team.personIds[ext]}`, {
    headers: { cookie },
  });
  return ((await r.json()) as Json).messages;
}
const cardsFor = async (ext: string, alertId: string) =>
  (await messages(ext)).filter(
    (m) => m.threadRootId === null && m.card && JSON.stringify(m.card).includes(alertId),
  );

async function raise(customerExternalId: string, ext: string) {
  const r = await team.api.post('/api/v1/usage', { customerExternalId, used: 97, limit: 100 });
  expect(r.body.outcome).toBe('created');
  const alertId = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
    (a: { customerExternalId: string }) => a.customerExternalId === customerExternalId,
  ).id as string;
  const card = await eventually(
    async () => (await cardsFor(ext, alertId))[0]?.card as Json | undefined,
    WAIT,
  );
  return { alertId, card };
}

/** What the page posts for a click on `verb` with the ShowCard's `inputs`. */
async function click(ext: string, card: Json, verb: string, inputs: Record<string, string> = {}) {
  const { alertId, action, version, ...rest } = findExecute(card, verb)!.data as Json;
  const res = await fetch(`${app.url}/playground/api/actions?workspaceId=${team.workspaceId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify({
      personId: team.personIds[ext],
      alertId,
      action: action ?? verb,
      version,
      eventId: randomUUID(),
      params: { ...rest, ...inputs },
    }),
  });
  return { status: res.status, body: (await res.json()) as Json };
}

describe('Escalate now from a playground card', () => {
  it('a double click notifies the CSM Manager once, with the note on her card and in the CSM thread', async () => {
    const { alertId, card } = await raise('cust-1', 'csm-1');
    expect(adaptiveCardIssues(card)).toEqual([]);
    const note = { escalateNote: 'Customer threatens to churn' };
    const [a, b] = await Promise.all([
      click('csm-1', card, 'escalate_now', note),
      click('csm-1', card, 'escalate_now', note),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);

    const dana = await eventually(async () => (await cardsFor('mgr-1', alertId))[0], WAIT);
    expect(JSON.stringify(dana.card)).toContain('Sam CSM escalated this alert to you now');
    expect(JSON.stringify(dana.card)).toContain('Customer threatens to churn');
    await eventually(
      async () =>
        (await messages('csm-1')).some(
          (m) =>
            m.threadRootId !== null &&
            /escalated this alert now.*Customer threatens to churn/.test(m.text ?? ''),
        ),
      WAIT,
    );
    const alert = await alertOf(alertId);
    expect(alert.escalationStep).toBe(2);
    expect((alert.timeline as { kind: string }[]).filter((e) => e.kind === 'escalated_now')).toHaveLength(1);
    expect(await cardsFor('mgr-1', alertId)).toHaveLength(1);
    expect(await cardsFor('vp-1', alertId)).toHaveLength(0);

    // Her card is updated in place when the alert changes, and still says who escalated it and why.
    expect((await click('mgr-1', dana.card, 'acknowledge')).status).toBe(200);
    const acked = await eventually(async () => {
      const c = JSON.stringify((await cardsFor('mgr-1', alertId))[0]?.card);
      return c.includes('Acknowledged') ? c : undefined;
    }, WAIT);
    expect(acked).toContain('Sam CSM escalated this alert to you now');
    expect(acked).toContain('Customer threatens to churn');
  });
});

describe('Decline from a playground card', () => {
  it('puts the alert back with the manager, who gets a card with the note', async () => {
    const { alertId, card } = await raise('cust-3', 'csm-2');
    expect((await click('csm-2', card, 'decline', { declineNote: 'On leave from tomorrow' })).status).toBe(
      200,
    );
    expect((await alertOf(alertId)).assigneeExternalId).toBe('mgr-1');
    const dana = await eventually(async () => (await cardsFor('mgr-1', alertId))[0], WAIT);
    expect(JSON.stringify(dana.card)).toContain('Alex CSM declined this alert: “On leave from tomorrow”');
    expect(adaptiveCardIssues(dana.card)).toEqual([]);
  });
});

describe('Snooze until the customer replies, from a playground card', () => {
  it('waits for the customer; a signed ticket webhook from that customer wakes it', async () => {
    const { alertId, card } = await raise('cust-2', 'csm-1');
    expect((await click('csm-1', card, 'snooze', { until: 'customer_reply' })).status).toBe(200);
    expect(await alertOf(alertId)).toMatchObject({ status: 'snoozed', waitingFor: 'customer_reply' });
    await eventually(
      async () =>
        JSON.stringify((await cardsFor('csm-1', alertId))[0]?.card).includes(
          'Snoozed until the customer replies',
        ),
      WAIT,
    );
    expect(await tickets.ticket('T-PG-1', 'cust-2')).toBeLessThan(300);
    await eventually(async () => (await alertOf(alertId)).status === 'open', WAIT);
    expect((await alertOf(alertId)).waitingFor).toBeNull();
  });
});
