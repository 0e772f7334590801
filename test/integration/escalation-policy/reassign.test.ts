/**
 * Reassign with its own clock (issue 20 item 4), through POST /api/v1/alerts/:id/actions and the
 * playground channel, with the real timers: `reassignResponse` (2 s here) gives the new owner
 * that long before the chain resumes from the new owner's manager — not the old owner's, and not
 * after the chain's own 1-hour step.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../../helpers/app.js';
import { raiseUsage } from '../../helpers/alerts.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

interface PgMessage {
  threadRootId: number | null;
  card: Record<string, unknown> | null;
  text: string | null;
}
async function messages(personId: string): Promise<PgMessage[]> {
  const res = await fetch(`${app.url}/playground/api/messages?personId=${personId}`);
  return ((await res.json()) as { messages: PgMessage[] }).messages;
}
const cardsFor = async (personId: string, customer: string) =>
  (await messages(personId)).filter(
    (m) => m.threadRootId === null && m.card && JSON.stringify(m.card).includes(customer),
  );
const alertOf = async (id: string) => (await team.api.get(`/api/v1/alerts/${id}`)).body;
const raise = (customerExternalId: string) => raiseUsage(team.api, customerExternalId);
let ids: Record<string, string> = {};

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app, {
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '1h' },
      { role: 'vp_cs', after: '2h' },
    ],
    reassignResponse: '2s',
  });
  // A second team: Jo (csm-3) reports to Kim (mgr-2), not to Dana (mgr-1).
  const r = await team.api.post('/api/v1/people', [
    { externalId: 'mgr-2', name: 'Kim Manager', role: 'csm_manager' },
    { externalId: 'csm-3', name: 'Jo CSM', role: 'csm', managerExternalId: 'mgr-2' },
  ]);
  expect(r.status).toBe(200);
  ids = {
    ...team.personIds,
    ...Object.fromEntries(
      (r.body.people as { externalId: string; id: string }[]).map((p) => [p.externalId, p.id]),
    ),
  };
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('reassignResponse', () => {
  it("gives the new owner the window, then the chain resumes from the new owner's manager", async () => {
    const id = await raise('cust-1'); // Northwind, csm-1 (manager mgr-1)
    const r = await team.api.post(`/api/v1/alerts/${id}/actions`, {
      action: 'reassign',
      actorExternalId: 'csm-1',
      toPersonExternalId: 'csm-3',
    });
    expect(r.status).toBe(200);
    await eventually(async () => (await cardsFor(ids['csm-3']!, 'Northwind')).length === 1, 30_000);
    // The window is announced in the thread and kept on the timeline.
    await eventually(
      async () =>
        (await messages(ids['csm-1']!)).some((m) => (m.text ?? '').includes('Jo CSM has 2s to respond')),
      30_000,
    );
    // 2 s later (not 1 h), Kim — Jo's manager — gets the card, with the escalation intro.
    await eventually(async () => (await cardsFor(ids['mgr-2']!, 'Northwind')).length === 1, 30_000);
    const alert = await alertOf(id);
    expect(alert.assigneeExternalId).toBe('csm-3');
    expect(alert.escalationStep).toBe(2);
    const timeline = alert.timeline as { kind: string; details?: Record<string, unknown> }[];
    expect(timeline.find((e) => e.kind === 'reassigned')?.details).toMatchObject({
      to: 'csm-3',
      respondWithin: '2s',
    });
    expect(timeline.filter((e) => e.kind === 'escalated')).toHaveLength(1);
    // The old owner's manager never got it; the VP step keeps its 1-hour gap after Kim.
    expect(await cardsFor(ids['mgr-1']!, 'Northwind')).toHaveLength(0);
    expect(await cardsFor(ids['vp-1']!, 'Northwind')).toHaveLength(0);
    expect(new Date(alert.nextActionAt).getTime() - Date.now()).toBeGreaterThan(50 * 60_000);
  });

  it('with reassignResponse null, a reassign restarts the chain with its own delays', async () => {
    expect((await team.api.patch('/api/v1/settings', { reassignResponse: null })).status).toBe(200);
    const id = await raise('cust-3'); // Hooli, csm-2
    const before = Date.now();
    const r = await team.api.post(`/api/v1/alerts/${id}/actions`, {
      action: 'reassign',
      actorExternalId: 'csm-2',
      toPersonExternalId: 'csm-3',
    });
    expect(r.status).toBe(200);
    const alert = await alertOf(id);
    expect(new Date(alert.nextActionAt).getTime() - before).toBeGreaterThan(50 * 60_000);
    expect(
      (alert.timeline as { kind: string; details?: Record<string, unknown> }[]).find(
        (e) => e.kind === 'reassigned',
      )?.details?.respondWithin,
    ).toBeUndefined();
  });
});
