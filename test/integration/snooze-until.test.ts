/**
 * Issue 21 item 1 through real HTTP (API, signed ticket webhook, invoices): Snooze until the
 * customer replies — woken by a new ticket from that customer; Snooze until paid — resolved by an
 * invoice update showing payment, woken by another invoice falling due; next business morning —
 * a timed wake at the start of the actor's next working day. GET shows `waitingFor`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../helpers/app.js';
import { ticketWebhook, type TicketWebhook } from '../helpers/ticket-webhook.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let webhook: TicketWebhook;
const SECRET = 'whsec-snooze-0123456789abcdef';

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '1h' },
    ],
  });
  webhook = await ticketWebhook(app.url, team.api, SECRET);
}, 120_000);
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const ticket = (id: string, organizationId: string) => webhook.ticket(id, organizationId);

const alertOf = async (id: string) => (await team.api.get(`/api/v1/alerts/${id}`)).body;
const snooze = (id: string, until: string, actor = 'csm-1') =>
  team.api.post(`/api/v1/alerts/${id}/actions`, { action: 'snooze', actorExternalId: actor, until });
const cardText = async (ext: string, customer: string) => {
  const res = await fetch(`${app.url}/playground/api/messages?personId=${team.personIds[ext]}`);
  const msgs = (await res.json()).messages as { threadRootId: number | null; card: unknown }[];
  return JSON.stringify(
    msgs.find((m) => m.threadRootId === null && JSON.stringify(m.card).includes(customer)),
  );
};

describe('snooze until an event', () => {
  it('until the customer replies: a signed ticket from that customer wakes it', async () => {
    expect(
      (await team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 90, limit: 100 })).body
        .outcome,
    ).toBe('created');
    const id = (await team.api.get('/api/v1/alerts')).body.alerts[0].id as string;
    const s = await snooze(id, 'customer_reply');
    expect(s.status).toBe(200);
    expect(s.body.message).toContain('until Northwind replies');
    expect(await alertOf(id)).toMatchObject({
      status: 'snoozed',
      waitingFor: 'customer_reply',
      nextActionAt: null,
    });
    await eventually(async () =>
      (await cardText('csm-1', 'Northwind')).includes('Snoozed until the customer replies'),
    );

    // Another customer's ticket does not wake it.
    expect(await ticket('T-OTHER', 'cust-2')).toBeLessThan(300);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await alertOf(id)).status).toBe('snoozed');

    expect(await ticket('T-REPLY', 'cust-1')).toBeLessThan(300);
    await eventually(async () => (await alertOf(id)).status === 'open', 20_000);
    const a = await alertOf(id);
    expect(a.waitingFor).toBeNull();
    expect(a.timeline.at(-1)).toMatchObject({ kind: 'woke', details: { waitedFor: 'customer_reply' } });
    expect(a.nextActionKind).toBe('escalate'); // escalation resumes
    await eventually(async () => (await cardText('csm-1', 'Northwind')).includes('🔴 Open'));
  });

  it('until paid: refused for a usage alert; an invoice update showing payment resolves it', async () => {
    const usageId = (await team.api.get('/api/v1/alerts')).body.alerts[0].id as string;
    expect((await snooze(usageId, 'paid')).status).toBe(400);

    const due = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
    const inv = {
      customerExternalId: 'cust-3',
      externalId: 'INV-1',
      amount: 900,
      currency: 'USD',
      dueDate: due,
      status: 'open',
    };
    expect((await team.api.post('/api/v1/invoices', inv)).body.outcome).toBe('created');
    const id = ((await team.api.get('/api/v1/alerts')).body.alerts as { id: string; type: string }[]).find(
      (x) => x.type === 'collections',
    )!.id;
    expect((await snooze(id, 'paid', 'csm-2')).status).toBe(200);
    expect(await alertOf(id)).toMatchObject({ status: 'snoozed', waitingFor: 'paid' });

    // Another invoice falling due wakes it.
    expect(
      (await team.api.post('/api/v1/invoices', { ...inv, externalId: 'INV-2', amount: 100 })).body.outcome,
    ).toBe('updated');
    expect(await alertOf(id)).toMatchObject({ status: 'open', waitingFor: null });

    // Snoozed again until paid: paying both resolves it.
    expect((await snooze(id, 'paid', 'csm-2')).status).toBe(200);
    expect((await team.api.post('/api/v1/invoices', { ...inv, status: 'paid' })).body.outcome).toBe('none');
    expect((await alertOf(id)).status).toBe('snoozed');
    expect(
      (await team.api.post('/api/v1/invoices', { ...inv, externalId: 'INV-2', amount: 100, status: 'paid' }))
        .body.outcome,
    ).toBe('resolved');
    expect(await alertOf(id)).toMatchObject({ status: 'resolved', waitingFor: null });
  });

  it('until the customer replies: a dunning response on an invoice wakes a collections alert', async () => {
    const due = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const inv = {
      customerExternalId: 'cust-2',
      externalId: 'INV-7',
      amount: 50,
      currency: 'EUR',
      dueDate: due,
      status: 'open',
    };
    expect((await team.api.post('/api/v1/invoices', inv)).body.outcome).toBe('created');
    const id = (
      (await team.api.get('/api/v1/alerts?status=open')).body.alerts as { id: string; type: string }[]
    ).find((x) => x.type === 'collections')!.id;
    expect((await snooze(id, 'customer_reply')).status).toBe(200);
    await team.api.post('/api/v1/invoices', { ...inv, lastCustomerResponseAt: new Date().toISOString() });
    expect(await alertOf(id)).toMatchObject({ status: 'open', waitingFor: null });
  });

  it('until the next business morning: a timed wake at the start of the actor’s next working day', async () => {
    const id = (
      (await team.api.get('/api/v1/alerts?status=open')).body.alerts as { id: string; type: string }[]
    ).find((x) => x.type === 'usage_threshold')!.id;
    expect((await snooze(id, 'next_business_morning')).status).toBe(200);
    const a = await alertOf(id);
    expect(a).toMatchObject({
      status: 'snoozed',
      waitingFor: 'next_business_morning',
      nextActionKind: 'wake',
    });
    // Sam works in Europe/London: 09:00 there, on a weekday, after now.
    const at = new Date(a.nextActionAt);
    expect(at.getTime()).toBeGreaterThan(Date.now());
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(at);
    expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri),? 09:00$/);
    expect(at.getTime() - Date.now()).toBeLessThanOrEqual(3.1 * 86_400_000);
  });

  it('refuses an unknown until', async () => {
    const id = (await team.api.get('/api/v1/alerts')).body.alerts[0].id as string;
    const r = await snooze(id, 'forever');
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('until');
  });
});
