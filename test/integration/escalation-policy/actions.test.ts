/**
 * Escalate now and Decline through POST /api/v1/alerts/:id/actions, observed on the playground.
 * The chain's delays are hours long, so every escalation seen here comes from the action.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedTeam, startTestApp } from '../../helpers/app.js';
import { raiseUsage, deliveriesDrained } from '../../helpers/alerts.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

interface PgMessage {
  threadRootId: number | null;
  card: Record<string, unknown> | null;
  text: string | null;
}
async function messages(personExt: string): Promise<PgMessage[]> {
  const res = await fetch(`${app.url}/playground/api/messages?personId=${team.personIds[personExt]}`);
  return ((await res.json()) as { messages: PgMessage[] }).messages;
}
const cardsFor = async (p: string, customer: string) =>
  (await messages(p)).filter(
    (m) => m.threadRootId === null && m.card && JSON.stringify(m.card).includes(customer),
  );
const drained = () => deliveriesDrained(app, team.workspaceId);
const alertOf = async (id: string) => (await team.api.get(`/api/v1/alerts/${id}`)).body;
const raise = (customerExternalId: string) => raiseUsage(team.api, customerExternalId);
const act = (id: string, body: Record<string, unknown>) =>
  team.api.post(`/api/v1/alerts/${id}/actions`, body);

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '5h' },
      { role: 'vp_cs', after: '10h' },
      { role: 'cfo', after: '15h' },
    ],
  });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('Escalate now', () => {
  it('two simultaneous clicks notify the next step once, with the note; the step after is untouched', async () => {
    const id = await raise('cust-1');
    const [a, b] = await Promise.all([
      act(id, { action: 'escalate_now', actorExternalId: 'csm-1', note: 'Customer threatens to churn' }),
      act(id, { action: 'escalate_now', actorExternalId: 'csm-1', note: 'Customer threatens to churn' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    await drained();
    expect(await cardsFor('mgr-1', 'Northwind')).toHaveLength(1);
    expect(await cardsFor('vp-1', 'Northwind')).toHaveLength(0);
    const alert = await alertOf(id);
    expect(alert.escalationStep).toBe(2);
    const ev = (alert.timeline as { kind: string; details?: Record<string, unknown> }[]).filter(
      (e) => e.kind === 'escalated_now',
    );
    expect(ev).toHaveLength(1);
    expect(ev[0]!.details).toMatchObject({
      step: 1,
      role: 'csm_manager',
      note: 'Customer threatens to churn',
    });
    expect(
      (await messages('csm-1')).some((m) => (m.text ?? '').includes('Customer threatens to churn')),
    ).toBe(true);
  });

  it('with the step the card showed, a stale click is refused and a current one goes to the VP', async () => {
    const id = (await team.api.get('/api/v1/alerts?status=open')).body.alerts[0].id as string;
    expect((await act(id, { action: 'escalate_now', actorExternalId: 'mgr-1', fromStep: 0 })).status).toBe(
      409,
    );
    expect((await act(id, { action: 'escalate_now', actorExternalId: 'mgr-1', fromStep: 1 })).status).toBe(
      200,
    );
    await drained();
    expect(await cardsFor('vp-1', 'Northwind')).toHaveLength(1);
  });

  it('is refused to someone outside the alert, and nothing is sent', async () => {
    const id = await raise('cust-3'); // Hooli, csm-2
    const r = await act(id, { action: 'escalate_now', actorExternalId: 'outsider' });
    expect(r.status).toBe(403);
    await drained();
    expect(await cardsFor('mgr-1', 'Hooli')).toHaveLength(0);
    expect((await alertOf(id)).escalationStep).toBe(1);
  });
});

describe('Decline', () => {
  it('makes the manager the assignee with a card, and the chain runs on from them', async () => {
    const id = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.find(
      (a: { customerExternalId: string }) => a.customerExternalId === 'cust-3',
    ).id as string;
    const r = await act(id, { action: 'decline', actorExternalId: 'csm-2', note: 'On leave from tomorrow' });
    expect(r.status).toBe(200);
    await drained();
    const alert = await alertOf(id);
    expect(alert.assigneeExternalId).toBe('mgr-1');
    expect(alert.status).toBe('open');
    const cards = await cardsFor('mgr-1', 'Hooli');
    expect(cards).toHaveLength(1);
    expect((await messages('mgr-1')).some((m) => JSON.stringify(m).includes('On leave from tomorrow'))).toBe(
      true,
    );
    expect((alert.timeline as { kind: string }[]).some((e) => e.kind === 'declined')).toBe(true);
    expect(alert.nextActionKind).toBe('escalate');
  });

  it('is refused when the assignee has no manager', async () => {
    const id = await raise('cust-orphan'); // outsider, no manager
    const r = await act(id, { action: 'decline', actorExternalId: 'outsider' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/no manager/);
  });
});
