/**
 * Every alert action from a Teams card: Action.Execute invokes (with the inputs of Log Call,
 * Schedule Follow-up and Reassign), the Action.Submit fallback of old clients, a redelivered
 * invoke, the refresh, and a refused actor. The adapter runs anonymously (see world.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { adaptiveCardIssues } from '../../helpers/adaptive-cards.js';
import { eventually } from '../../helpers/app.js';
import { cardOf, messageText, type RecordedMessage } from '../../fakes/bot-connector.js';
import { cardMessages, findExecute, fixture, startTeamsWorld, type TeamsWorld } from './world.js';

let w: TeamsWorld;

beforeAll(async () => {
  w = await startTeamsWorld({ snooze: '1h', ackTimeout: '1h' });
  for (const p of ['csm-1', 'csm-2', 'outsider', 'admin-1']) await w.install(p);
});
afterAll(async () => {
  await w?.close();
});

const kinds = async (id: string) =>
  (await w.team.api.get(`/api/v1/alerts/${id}`)).body.timeline as { kind: string; channel?: string }[];

let customers = 0;

/** A new customer of `csm` crossing its threshold; returns the alert and its card in the CSM's chat. */
async function alertCard(csm: string): Promise<{ alertId: string; card: RecordedMessage; name: string }> {
  const n = ++customers;
  const name = `Customer ${n}`;
  await w.team.api.post('/api/v1/customers', {
    externalId: `c-${n}`,
    name,
    tier: 'average',
    csmExternalId: csm,
  });
  const before = cardMessages(w.chat(csm)).length;
  const r = await w.team.api.post('/api/v1/usage', { customerExternalId: `c-${n}`, used: 99, limit: 100 });
  expect(r.body.outcome).toBe('created');
  const card = await eventually(async () => cardMessages(w.chat(csm))[before]);
  const alertId = String((findExecute(cardOf(card), 'acknowledge')!.data as { alertId: string }).alertId);
  return { alertId, card, name };
}

describe('alert actions from Teams cards', () => {
  it('logs a call with the outcome and notes typed into the card', async () => {
    const { alertId, card } = await alertCard('csm-1');
    const r = await w.click('csm-1', card.id, 'log_call', { outcome: 'connected', notes: 'Renewal in Q1' });
    expect(r.body.type).toBe('application/vnd.microsoft.card.adaptive');
    const calls = await w.app.database.pool.query(
      'SELECT outcome, notes FROM call_logs WHERE alert_id = $1',
      [alertId],
    );
    expect(calls.rows).toEqual([{ outcome: 'connected', notes: 'Renewal in Q1' }]);
    expect((await kinds(alertId)).map((e) => e.kind)).toContain('call_logged');
    expect(JSON.stringify(r.body.value)).toContain('Acknowledged');
  });

  it('schedules a follow-up from the date, time and title inputs (in the actor’s time zone)', async () => {
    const { alertId, card } = await alertCard('csm-1');
    const r = await w.click('csm-1', card.id, 'schedule_follow_up', {
      date: '2099-03-04',
      time: '10:30',
      title: 'Call their CFO',
    });
    expect(r.status).toBe(200);
    const t = await w.app.database.pool.query('SELECT title, due_at FROM tasks WHERE alert_id = $1', [
      alertId,
    ]);
    // Sam's time zone is Europe/London: 10:30 local on 4 March is 10:30 UTC.
    expect(t.rows).toEqual([{ title: 'Call their CFO', due_at: new Date('2099-03-04T10:30:00Z') }]);
    expect((await kinds(alertId)).map((e) => e.kind)).toContain('follow_up_scheduled');
  });

  it('posts the follow-up reminder in the alert’s Teams thread when it falls due', async () => {
    const { alertId, card } = await alertCard('csm-1');
    const r = await w.team.api.post(`/api/v1/alerts/${alertId}/actions`, {
      action: 'schedule_follow_up',
      actorExternalId: 'csm-1',
      dueAt: new Date(Date.now() + 1500).toISOString(),
      title: 'Call their CFO',
    });
    expect(r.status).toBe(200);
    const reminder = await eventually(
      async () =>
        w.chat('csm-1').find((m) => m.rootId === card.id && messageText(m).includes('Follow-up due now')),
      10_000,
    );
    expect(messageText(reminder)).toContain('Call their CFO');
  });

  it('tells the actor what was wrong with the inputs and changes nothing', async () => {
    const { alertId, card } = await alertCard('csm-2');
    const r = await w.click('csm-2', card.id, 'schedule_follow_up', {
      date: '2001-01-01',
      time: '09:00',
      title: 'Too late',
    });
    expect(r.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    expect(r.body.value).toMatch(/future/);
    expect((await w.team.api.get(`/api/v1/alerts/${alertId}`)).body.status).toBe('open');
  });

  it('reassigns to the CSM chosen in the card, who gets the alert in their own chat', async () => {
    const { alertId, card } = await alertCard('csm-2');
    const before = cardMessages(w.chat('csm-1')).length;
    const r = await w.click('csm-2', card.id, 'reassign', { toPersonId: w.team.personIds['csm-1']! });
    expect(r.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(r.body.value)).toContain('Sam CSM');
    const samCard = await eventually(async () => cardMessages(w.chat('csm-1'))[before]);
    expect(messageText(samCard)).toContain('reassigned this alert to you');
    expect((await w.team.api.get(`/api/v1/alerts/${alertId}`)).body.assigneeExternalId).toBe('csm-1');
  });

  it('snoozes, then resolves; the final card has no buttons and no refresh', async () => {
    const { alertId, card } = await alertCard('outsider');
    const s = await w.click('outsider', card.id, 'snooze');
    expect(JSON.stringify(s.body.value)).toContain('Snoozed');
    const r = await w.click('outsider', card.id, 'resolve');
    expect(r.body.value.actions).toBeUndefined();
    expect(r.body.value.refresh).toBeUndefined();
    expect((await w.team.api.get(`/api/v1/alerts/${alertId}`)).body.status).toBe('resolved');
    expect((await kinds(alertId)).filter((e) => e.channel === 'teams').map((e) => e.kind)).toEqual(
      expect.arrayContaining(['snoozed', 'resolved']),
    );
  });

  it('applies a redelivered invoke (same activity id) once', async () => {
    const { alertId, card } = await alertCard('csm-1');
    const invoke = fixture(
      'invoke-action',
      w.vars('csm-1', { replyToId: card.id, verb: 'acknowledge', title: 'Acknowledge' }),
      {
        value: { action: { data: findExecute(cardOf(card), 'acknowledge')!.data } },
      },
    );
    const first = await w.post(invoke);
    const again = await w.post(invoke); // Teams redelivers with the same activity id
    expect(first.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(again.status).toBe(200);
    expect(again.body.statusCode).toBe(200);
    expect((await kinds(alertId)).filter((e) => e.kind === 'acknowledged')).toHaveLength(1);
  });

  it('answers the card refresh with the current card', async () => {
    const { card, name } = await alertCard('csm-1');
    const refresh = fixture(
      'invoke-action',
      w.vars('csm-1', { replyToId: card.id, verb: 'refresh', title: '' }),
      {
        value: {
          action: { data: (cardOf(card)!.refresh as { action: { data: object } }).action.data },
          trigger: 'automatic',
        },
      },
    );
    const r = await w.post(refresh);
    expect(r.body.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(r.body.value)).toContain(name);
  });

  it('handles the Action.Submit fallback of clients without Universal Actions like the invoke', async () => {
    const { alertId, card } = await alertCard('csm-2');
    const ack = findExecute(cardOf(card), 'acknowledge')!;
    const fallback = ack.fallback as { type: string; data: Record<string, unknown> };
    expect(fallback.type).toBe('Action.Submit');
    const r = await w.post(
      fixture('message-submit', w.vars('csm-2', { replyToId: card.id }), { value: fallback.data }),
    );
    expect(r.status).toBe(200);
    expect((await w.team.api.get(`/api/v1/alerts/${alertId}`)).body.status).toBe('acknowledged');
    await eventually(async () => messageText(w.connector.message(card.id)!).includes('Acknowledged'));
  });

  it('refuses someone who may not act, only to them, and changes nothing', async () => {
    const { alertId, card } = await alertCard('outsider');
    // Olly forwards the card to Alex, who is neither assignee, notified, nor admin.
    const r = await w.post(
      fixture(
        'invoke-action',
        w.vars('csm-2', { replyToId: card.id, verb: 'resolve', title: 'Mark Resolved' }),
        {
          value: { action: { data: findExecute(cardOf(card), 'resolve')!.data } },
        },
      ),
    );
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    expect(r.body.value).toMatch(/Sorry Alex CSM, you can't mark resolved this alert/);
    expect((await w.team.api.get(`/api/v1/alerts/${alertId}`)).body.status).toBe('open');
    expect((await kinds(alertId)).map((e) => e.kind)).toContain('refused');
    expect(w.connector.message(card.id)!.history).toHaveLength(0);
  });

  it('asks a Teams user it cannot match to a person to be added, and changes nothing', async () => {
    const { alertId, card } = await alertCard('csm-1');
    const stranger = {
      id: '29:1stranger',
      aadObjectId: '0b7d0b1e-0000-4000-8000-00000000beef',
      name: 'Stranger',
    };
    w.connector.addUser(stranger);
    const r = await w.post(
      fixture(
        'invoke-action',
        {
          ...w.vars('csm-1', { replyToId: card.id, verb: 'acknowledge' }),
          userId: stranger.id,
          aadObjectId: stranger.aadObjectId,
          conversationId: 'a:1stranger',
        },
        {
          value: { action: { data: findExecute(cardOf(card), 'acknowledge')!.data } },
        },
      ),
    );
    expect(r.body.value).toMatch(/don't know who you are/);
    expect((await w.team.api.get(`/api/v1/alerts/${alertId}`)).body.status).toBe('open');
  });
});

describe('cards sent to Teams', () => {
  it('sent only cards that parse as Adaptive Cards 1.5 without issues', () => {
    const cards = w.sentCards();
    expect(cards.length).toBeGreaterThan(10);
    for (const c of cards) expect(adaptiveCardIssues(c)).toEqual([]);
  });
});
