/**
 * The whole engine on real PostgreSQL (PGlite or the server) with real Agenda timers on
 * delays of seconds, driven through the HTTP API and observed on the playground channel.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually, seedTeam, sleep, startTestApp } from '../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

interface PgMessage {
  id: number;
  threadRootId: number | null;
  card: Record<string, unknown> | null;
  text: string | null;
}

async function messages(personExt: string): Promise<PgMessage[]> {
  const res = await fetch(`${app.url}/playground/api/messages?personId=${team.personIds[personExt]}`);
  return ((await res.json()) as { messages: PgMessage[] }).messages;
}
const roots = async (p: string) => (await messages(p)).filter((m) => m.threadRootId === null && m.card);
const replies = async (p: string) =>
  (await messages(p)).filter((m) => m.threadRootId !== null).map((m) => m.text ?? '');
const cardText = (m: PgMessage) => JSON.stringify(m.card);
const alertOf = async (id: string) => (await team.api.get(`/api/v1/alerts/${id}`)).body;
const kinds = async (id: string) => ((await alertOf(id)).timeline as { kind: string }[]).map((e) => e.kind);

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '2s' },
      { role: 'vp_cs', after: '4s' },
      { role: 'cfo', after: '6s' },
    ],
    // Long enough that a loaded machine still sees the pause before it ends (timers fire on time).
    ackTimeout: '5s',
    snooze: '2s',
    cooldown: '1h',
  });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('usage alert escalation, acknowledge, resume and resolve', () => {
  it('notifies the CSM, escalates to the manager, pauses on Acknowledge, resumes, and stops for good on Resolve', async () => {
    const usage = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 86,
      limit: 100,
      metric: 'seats',
    });
    expect(usage.status).toBe(202);
    expect(usage.body.outcome).toBe('created');

    // Read the alert at once: the manager step falls due 2 s after creation, and timers fire on time,
    // so a slow machine may already have escalated by the time the card has been looked at.
    const alerts = (await team.api.get('/api/v1/alerts?status=open')).body.alerts;
    expect(alerts).toHaveLength(1);
    const alertId = alerts[0].id as string;
    expect(alerts[0]).toMatchObject({
      type: 'usage_threshold',
      customerExternalId: 'cust-1',
      assigneeExternalId: 'csm-1',
      escalationStep: 1,
    });
    const [card] = await eventually(async () => ((await roots('csm-1')).length ? roots('csm-1') : null));
    expect(cardText(card!)).toContain('Northwind');
    expect(cardText(card!)).toContain('Expansion Opportunity');
    expect(cardText(card!)).toContain('86%');

    // Manager at ~2 s: their own card, and "escalated" in the CSM's thread.
    await eventually(async () => (await roots('mgr-1')).length === 1, 10_000);
    await eventually(async () =>
      (await replies('csm-1')).some((t) => t.includes('Escalated to Dana Manager')),
    );
    expect((await alertOf(alertId)).escalationStep).toBe(2);
    expect((await roots('vp-1')).length).toBe(0);

    const ack = await team.api.post(`/api/v1/alerts/${alertId}/actions`, {
      action: 'acknowledge',
      actorExternalId: 'csm-1',
    });
    expect(ack.status).toBe(200);
    expect(ack.body.alert.status).toBe('acknowledged');
    // The CSM's card is re-rendered to show the acknowledged state.
    await eventually(async () => cardText((await roots('csm-1'))[0]!).includes('Acknowledged'));

    // VP was due at 4 s; the pause pushes that back. Nothing reaches the VP while acknowledged.
    await sleep(1200);
    expect((await alertOf(alertId)).status).toBe('acknowledged');
    expect((await roots('vp-1')).length).toBe(0);

    // Ack timeout (5 s) elapses: escalation resumes and the VP is notified.
    await eventually(async () => (await kinds(alertId)).includes('resumed'), 10_000);
    await eventually(async () => (await roots('vp-1')).length === 1, 10_000);

    const resolved = await team.api.post(`/api/v1/alerts/${alertId}/actions`, {
      action: 'resolve',
      actorExternalId: 'vp-1',
      note: 'Expansion call booked',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.alert.status).toBe('resolved');

    // Every card shows the final state, with no buttons left.
    for (const p of ['csm-1', 'mgr-1', 'vp-1']) {
      await eventually(async () => {
        const c = (await roots(p))[0]!;
        return cardText(c).includes('Resolved') && !cardText(c).includes('"acknowledge"');
      });
    }
    // Hard stop: well past the CFO's due time, nothing more is sent and nothing escalates.
    const before = (await alertOf(alertId)).timeline.length;
    await sleep(5000);
    expect((await roots('cfo-1')).length).toBe(0);
    const after = await alertOf(alertId);
    expect(after.timeline.length).toBe(before);
    expect(
      after.timeline
        .filter((e: { kind: string }) => e.kind === 'escalated')
        .map((e: { targetExternalId: string }) => e.targetExternalId),
    ).toEqual(['mgr-1', 'vp-1']);
    expect(after.timeline.find((e: { kind: string }) => e.kind === 'acknowledged')).toMatchObject({
      actorExternalId: 'csm-1',
      channel: 'api',
    });
  });
});

describe('updates, cooldown and collections', () => {
  it('counts a new trigger on an open alert on its card, in place, not as a reply nor a new alert', async () => {
    const first = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-2',
      used: 76,
      limit: 100,
    });
    expect(first.body.outcome).toBe('created');
    const second = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-2',
      used: 93,
      limit: 100,
    });
    expect(second.body.outcome).toBe('updated');
    // Issue 21 item 2: the root card counts it ("1 more reading …, latest 93%"); no thread reply.
    await eventually(async () =>
      (await roots('csm-1')).some(
        (m) => cardText(m).includes('Globex') && cardText(m).includes('1 more reading over threshold'),
      ),
    );
    expect((await replies('csm-1')).some((t) => t.includes('93%'))).toBe(false);
    const open = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.filter(
      (a: { customerExternalId: string }) => a.customerExternalId === 'cust-2',
    );
    expect(open).toHaveLength(1);
    expect(open[0].facts.percent).toBe(93);
    const globexCards = (await roots('csm-1')).filter((m) => cardText(m).includes('Globex'));
    expect(globexCards).toHaveLength(1);
    await eventually(async () =>
      cardText((await roots('csm-1')).find((m) => cardText(m).includes('Globex'))!).includes('93%'),
    );
  });

  it('suppresses a new alert inside the cooldown and records it on the previous alert', async () => {
    const open = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
      (a: { customerExternalId: string }) => a.customerExternalId === 'cust-2',
    );
    await team.api.post(`/api/v1/alerts/${open.id}/actions`, { action: 'resolve', actorExternalId: 'csm-1' });
    const again = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-2',
      used: 95,
      limit: 100,
    });
    expect(again.body.outcome).toBe('suppressed');
    expect(
      (await team.api.get('/api/v1/alerts?status=open')).body.alerts.some(
        (a: { customerExternalId: string }) => a.customerExternalId === 'cust-2',
      ),
    ).toBe(false);
    expect(await kinds(open.id)).toContain('suppressed');
  });

  it('raises a collections alert for an unanswered overdue invoice and resolves it when paid', async () => {
    const due = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
    const inv = {
      customerExternalId: 'cust-3',
      externalId: 'INV-9',
      amount: 1200,
      currency: 'usd',
      dueDate: due,
      status: 'open',
    };
    expect((await team.api.post('/api/v1/invoices', inv)).body.outcome).toBe('created');
    const [card] = await eventually(async () => ((await roots('csm-2')).length ? roots('csm-2') : null));
    expect(cardText(card!)).toContain('Hooli');
    expect(cardText(card!)).toContain('$1,200.00');
    const alert = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
      (a: { type: string }) => a.type === 'collections',
    );

    // A customer response is posted to the thread (and does not resolve it).
    const responded = await team.api.post('/api/v1/invoices', {
      ...inv,
      lastCustomerResponseAt: new Date().toISOString(),
    });
    expect(responded.body.outcome).toBe('response_posted');
    await eventually(async () => (await replies('csm-2')).some((t) => t.includes('Hooli responded')));

    expect((await team.api.post('/api/v1/invoices', { ...inv, status: 'paid' })).body.outcome).toBe(
      'resolved',
    );
    expect((await alertOf(alert.id)).status).toBe('resolved');
    await eventually(async () =>
      (await replies('csm-2')).some((t) => t.includes('Resolved automatically') && t.includes('INV-9')),
    );
    await eventually(async () => cardText((await roots('csm-2'))[0]!).includes('Resolved'));
  });

  it('does not alert on an overdue invoice the customer has answered, nor on one not overdue long enough', async () => {
    const day = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString().slice(0, 10);
    const answered = await team.api.post('/api/v1/invoices', {
      customerExternalId: 'cust-1',
      externalId: 'INV-10',
      amount: 50,
      currency: 'EUR',
      dueDate: day(30),
      status: 'open',
      lastCustomerResponseAt: new Date().toISOString(),
    });
    expect(answered.body.outcome).toBe('none');
    const recent = await team.api.post('/api/v1/invoices', {
      customerExternalId: 'cust-1',
      externalId: 'INV-11',
      amount: 50,
      currency: 'EUR',
      dueDate: day(3),
      status: 'open',
    });
    expect(recent.body.outcome).toBe('none');
  });
});

describe('actions: who may act, duplicates, races, reassign, snooze', () => {
  let alertId: string;
  beforeAll(async () => {
    const r = await team.api.post('/api/v1/usage', { customerExternalId: 'cust-3', used: 71, limit: 100 });
    expect(r.body.outcome).toBe('created');
    alertId = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
      (a: { customerExternalId: string; type: string }) =>
        a.customerExternalId === 'cust-3' && a.type === 'usage_threshold',
    ).id;
  });

  it('refuses someone who is neither assignee, notified, nor admin, and records the refusal', async () => {
    const r = await team.api.post(`/api/v1/alerts/${alertId}/actions`, {
      action: 'resolve',
      actorExternalId: 'outsider',
    });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatch(/only its assignee/);
    expect((await alertOf(alertId)).status).toBe('open');
    expect(await kinds(alertId)).toContain('refused');
  });

  it('applies a retried delivery (same idempotency key) once', async () => {
    const body = {
      action: 'log_call',
      actorExternalId: 'csm-2',
      outcome: 'connected',
      notes: 'Renewal in Q1',
    };
    const a = await team.api.post(`/api/v1/alerts/${alertId}/actions`, body, {
      'idempotency-key': 'evt-123',
    });
    const b = await team.api.post(`/api/v1/alerts/${alertId}/actions`, body, {
      'idempotency-key': 'evt-123',
    });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body.duplicate).toBe(true);
    expect((await kinds(alertId)).filter((k) => k === 'call_logged')).toHaveLength(1);
    const calls = await app.database.pool.query('SELECT outcome, notes FROM call_logs WHERE alert_id = $1', [
      alertId,
    ]);
    expect(calls.rows).toEqual([{ outcome: 'connected', notes: 'Renewal in Q1' }]);
  });

  it('gives two simultaneous clicks one effect', async () => {
    await team.api.post(`/api/v1/alerts/${alertId}/actions`, {
      action: 'resolve',
      actorExternalId: 'admin-1',
    });
    const r = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-orphan',
      used: 99,
      limit: 100,
    });
    expect(r.body.outcome).toBe('created');
    const id = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
      (a: { customerExternalId: string }) => a.customerExternalId === 'cust-orphan',
    ).id;
    const results = await Promise.all([
      team.api.post(`/api/v1/alerts/${id}/actions`, { action: 'acknowledge', actorExternalId: 'outsider' }),
      team.api.post(`/api/v1/alerts/${id}/actions`, { action: 'acknowledge', actorExternalId: 'admin-1' }),
      team.api.post(`/api/v1/alerts/${id}/actions`, { action: 'acknowledge', actorExternalId: 'outsider' }),
    ]);
    expect(results.map((x) => x.status).sort()).toEqual([200, 409, 409]);
    expect((await kinds(id)).filter((k) => k === 'acknowledged')).toHaveLength(1);
  });

  it('reassigns to another CSM, who gets the card with the history, and restarts the chain for them', async () => {
    const invoice = await team.api.post('/api/v1/invoices', {
      customerExternalId: 'cust-1',
      externalId: 'INV-20',
      amount: 900,
      currency: 'USD',
      dueDate: new Date(Date.now() - 40 * 86_400_000).toISOString().slice(0, 10),
      status: 'open',
    });
    expect(invoice.body.outcome).toBe('created');
    const id = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
      (a: { type: string; customerExternalId: string }) =>
        a.type === 'collections' && a.customerExternalId === 'cust-1',
    ).id;
    const before = (await roots('csm-2')).length;
    const re = await team.api.post(`/api/v1/alerts/${id}/actions`, {
      action: 'reassign',
      actorExternalId: 'csm-1',
      toPersonExternalId: 'csm-2',
    });
    expect(re.status).toBe(200);
    expect(re.body.alert).toMatchObject({ assigneeExternalId: 'csm-2', escalationStep: 1, status: 'open' });
    await eventually(async () => (await roots('csm-2')).length === before + 1);
    const card = (await roots('csm-2')).at(-1)!;
    expect(cardText(card)).toContain('reassigned this alert to you');
    expect(cardText(card)).toContain('Alex CSM');
    await eventually(async () =>
      (await replies('csm-1')).some((t) => t.includes('reassigned this alert from Sam CSM to Alex CSM')),
    );
    // The restarted chain escalates to csm-2's manager ~2 s later.
    await eventually(async () => (await alertOf(id)).escalationStep === 2, 10_000);
    await team.api.post(`/api/v1/alerts/${id}/actions`, { action: 'resolve', actorExternalId: 'csm-2' });
  });

  it('snoozes silently and brings the alert back to the assignee when the snooze ends', async () => {
    const due = new Date(Date.now() - 15 * 86_400_000).toISOString().slice(0, 10);
    // cust-3's collections alert was resolved above and is in cooldown; use another customer.
    const inv = await team.api.post('/api/v1/invoices', {
      customerExternalId: 'cust-orphan',
      externalId: 'INV-30',
      amount: 10,
      currency: 'USD',
      dueDate: due,
      status: 'open',
    });
    expect(inv.body.outcome).toBe('created');
    const id = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
      (a: { type: string; customerExternalId: string }) =>
        a.type === 'collections' && a.customerExternalId === 'cust-orphan',
    ).id;
    const s = await team.api.post(`/api/v1/alerts/${id}/actions`, {
      action: 'snooze',
      actorExternalId: 'outsider',
    });
    expect(s.status).toBe(200);
    expect(s.body.alert.status).toBe('snoozed');
    await sleep(1000);
    expect((await alertOf(id)).status).toBe('snoozed');
    expect(await kinds(id)).not.toContain('escalated');
    await eventually(async () => (await alertOf(id)).status === 'open', 10_000);
    expect(await kinds(id)).toContain('woke');
    await eventually(async () => (await replies('outsider')).some((t) => t.includes('Snooze is over')));
    await team.api.post(`/api/v1/alerts/${id}/actions`, { action: 'resolve', actorExternalId: 'outsider' });
  });

  it('reminds in the thread when a scheduled follow-up falls due', async () => {
    const due = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const inv = await team.api.post('/api/v1/invoices', {
      customerExternalId: 'cust-2',
      externalId: 'INV-40',
      amount: 75,
      currency: 'USD',
      dueDate: due,
      status: 'open',
    });
    expect(inv.body.outcome).toBe('created');
    const id = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
      (a: { type: string; customerExternalId: string }) =>
        a.type === 'collections' && a.customerExternalId === 'cust-2',
    ).id;
    const past = await team.api.post(`/api/v1/alerts/${id}/actions`, {
      action: 'schedule_follow_up',
      actorExternalId: 'csm-1',
      dueAt: '2020-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
    expect(past.body.error).toMatch(/future/);
    const dueAt = new Date(Date.now() + 1500).toISOString();
    const r = await team.api.post(`/api/v1/alerts/${id}/actions`, {
      action: 'schedule_follow_up',
      actorExternalId: 'csm-1',
      dueAt,
      title: 'Call their CFO',
    });
    expect(r.status).toBe(200);
    await eventually(
      async () =>
        (await replies('csm-1')).some((t) => t.includes('Follow-up due now') && t.includes('Call their CFO')),
      10_000,
    );
    expect(await kinds(id)).toEqual(expect.arrayContaining(['follow_up_scheduled', 'follow_up_due']));
  });
});
