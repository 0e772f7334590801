/**
 * Issue 20 through the real HTTP API and the playground channel, with an injected clock:
 * working hours hold a step to the recipient's 09:00, a weekend quiet window holds what is not
 * above the bypass rule, and a bypassed alert goes out inside the window.
 *
 * The clock is set in 2027 so the real Agenda timers (wall clock) never fire during the test; the
 * test runs the alert's timer itself, as the timer job does, after moving the clock.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedTeam, startTestApp } from '../../helpers/app.js';
import { raiseUsage, alertTimeline, fireAlertTimer, deliveriesDrained } from '../../helpers/alerts.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let now = new Date('2027-01-04T02:00:00Z'); // Monday 02:00 in London (GMT)
const clock = { now: () => now };

interface PgMessage {
  threadRootId: number | null;
  card: Record<string, unknown> | null;
  text: string | null;
}
async function cards(personExt: string, customer: string): Promise<PgMessage[]> {
  const res = await fetch(`${app.url}/playground/api/messages?personId=${team.personIds[personExt]}`);
  return ((await res.json()) as { messages: PgMessage[] }).messages.filter(
    (m) => m.threadRootId === null && m.card && JSON.stringify(m.card).includes(customer),
  );
}
const drained = () => deliveriesDrained(app, team.workspaceId);
const fireTimer = (alertId: string) => fireAlertTimer(app, alertId);
const timeline = (id: string) => alertTimeline(team.api, id);
const raise = (customerExternalId: string) => raiseUsage(team.api, customerExternalId);

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db, {}, { clock });
  team = await seedTeam(app, {
    workingHours: 'Mon-Fri 09:00-18:00',
    quietWindows: [{ days: 'Sat-Sun', from: '00:00', to: '24:00' }],
    quietBypass: { arrAtLeast: 50000 },
  });
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('working hours', () => {
  it('a first step due at 02:00 London time is held, shown on the timeline, and delivered at 09:00', async () => {
    // The dry run at the same moment predicts the engine's hold (asserted below on the timeline).
    const dry = await team.api.post('/api/v1/escalation/dry-run', {
      customerExternalId: 'cust-2',
      type: 'usage_threshold',
    });
    expect(dry.status).toBe(200);
    expect(dry.body.steps[0]).toMatchObject({
      step: 1,
      personExternalId: 'csm-1',
      deliverVia: 'playground',
      at: '2027-01-04T09:00:00.000Z',
      heldBy: 'working_hours',
    });
    expect(dry.body.steps[1]).toMatchObject({ step: 2, personExternalId: 'mgr-1' });
    const id = await raise('cust-2'); // Globex, CSM Sam (Europe/London)
    const held = (await timeline(id)).find((e) => e.kind === 'held');
    expect(held?.details).toMatchObject({
      step: 0,
      by: 'working_hours',
      until: '2027-01-04T09:00:00.000Z',
      label: 'held until 09:00 Mon',
    });
    await drained();
    expect(await cards('csm-1', 'Globex')).toHaveLength(0);

    now = new Date('2027-01-04T08:59:00Z'); // a minute early: the timer does nothing
    expect(await fireTimer(id)).toBe('stale');
    now = new Date('2027-01-04T09:00:00Z');
    expect(await fireTimer(id)).toBe('ran');
    await drained();
    expect(await cards('csm-1', 'Globex')).toHaveLength(1);
    expect((await timeline(id)).filter((e) => e.kind === 'notified')).toHaveLength(1);
  });

  it("with no working hours set, nothing is held (today's behaviour)", async () => {
    expect((await team.api.patch('/api/v1/settings', { workingHours: null })).status).toBe(200);
    now = new Date('2027-01-05T02:00:00Z'); // Tuesday 02:00
    const id = await raise('cust-3'); // Hooli, CSM Alex
    expect((await timeline(id)).some((e) => e.kind === 'held')).toBe(false);
    await drained();
    expect(await cards('csm-2', 'Hooli')).toHaveLength(1);
  });
});

describe('dry run', () => {
  it('names the bad fields and stores nothing', async () => {
    const r = await team.api.post('/api/v1/escalation/dry-run', { type: 'nope', at: 'tomorrow', extra: 1 });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.details).sort()).toEqual(['at', 'customerExternalId', 'extra', 'type']);
    const unknown = await team.api.post('/api/v1/escalation/dry-run', {
      customerExternalId: 'nobody',
      type: 'collections',
    });
    expect(unknown.status).toBe(404);
  });
});

describe('quiet windows', () => {
  it('on Saturday the alert above the bypass rule goes out and the other waits for Monday 00:00', async () => {
    now = new Date('2027-01-09T11:00:00Z'); // Saturday
    const resolveAll = async () => {
      for (const a of (await team.api.get('/api/v1/alerts?status=open')).body.alerts as { id: string }[])
        await team.api.post(`/api/v1/alerts/${a.id}/actions`, {
          action: 'resolve',
          actorExternalId: 'admin-1',
        });
    };
    await resolveAll();
    expect((await team.api.patch('/api/v1/settings', { cooldown: '0s' })).status).toBe(200);

    const dry = async (c: string) =>
      (await team.api.post('/api/v1/escalation/dry-run', { customerExternalId: c, type: 'usage_threshold' }))
        .body.steps[0];
    expect(await dry('cust-1')).toMatchObject({ at: now.toISOString() });
    expect((await dry('cust-1')).heldBy).toBeUndefined();
    expect(await dry('cust-2')).toMatchObject({ at: '2027-01-11T00:00:00.000Z', heldBy: 'quiet_window' });
    const big = await raise('cust-1'); // Northwind, ARR 100,000 ≥ 50,000
    const small = await raise('cust-2'); // Globex, no ARR
    expect((await timeline(big)).some((e) => e.kind === 'held')).toBe(false);
    expect((await timeline(small)).find((e) => e.kind === 'held')?.details).toMatchObject({
      by: 'quiet_window',
      until: '2027-01-11T00:00:00.000Z',
      label: 'held until 00:00 Mon',
    });
    await drained();
    expect(await cards('csm-1', 'Northwind')).toHaveLength(1);
    expect(await cards('csm-1', 'Globex')).toHaveLength(1); // only Monday's card from the first test

    now = new Date('2027-01-11T00:00:00Z');
    expect(await fireTimer(small)).toBe('ran');
    await drained();
    expect(await cards('csm-1', 'Globex')).toHaveLength(2);
  });
});
