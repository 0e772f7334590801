/**
 * Digests beyond the CFO (issue 21 item 6): the CSM daily and the manager weekly digest, through
 * the real recurring job at an injected clock, delivered as cards to each recipient's channel (the
 * playground here), at the recipient's own local time, once per local day, with opt-out in chat.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { DIGEST_TICK_JOB, runDigestTick } from '../../../src/brief/digests.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
// Monday 9 March 2026. Sam (csm-1) is in Europe/London (UTC+0 until 29 March); Dana (mgr-1) in UTC.
let now = new Date('2026-03-08T06:00:00Z');
const clock = { now: () => now };

interface PgMessage {
  card: Record<string, unknown> | null;
  text: string | null;
}
async function messages(personExt: string): Promise<PgMessage[]> {
  const res = await fetch(`${app.url}/playground/api/messages?personId=${team.personIds[personExt]}`);
  return ((await res.json()) as { messages: PgMessage[] }).messages;
}
const cardsWith = async (p: string, title: string) =>
  (await messages(p)).filter((m) => m.card && JSON.stringify(m.card).includes(title));
const daily = (p: string) => cardsWith(p, 'Your daily digest');
const weekly = (p: string) => cardsWith(p, "Your team's week");
const command = async (personExt: string, text: string) => {
  const res = await fetch(`${app.url}/playground/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ personId: team.personIds[personExt], text }),
  });
  return (await res.json()) as { kind: string; text: string };
};
const alertOf = async (customer: string) =>
  (await team.api.get('/api/v1/alerts')).body.alerts.find(
    (a: { customerExternalId: string }) => a.customerExternalId === customer,
  ).id as string;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db, {}, { clock });
  team = await seedTeam(app, {
    timezone: 'Europe/Berlin',
    digests: { csmDaily: '08:30', managerWeekly: 'mon 09:00' },
    // Every alert reaches the manager at once, so the weekly digest has escalations to count.
    escalation: [
      { role: 'csm', after: '0s' },
      { role: 'csm_manager', after: '0s' },
    ],
  });
  // Sunday: Globex (Sam's) is scored for the first time on a calm ticket.
  await app.tickets.ingest(team.workspaceId, { sourceKey: 'test' }, [
    {
      externalId: 'T-1',
      subject: 'Export question',
      body: 'How do I export the monthly usage report as CSV?',
      organizationExternalId: 'cust-2',
    },
  ]);
  // Scoring runs after ingest returns: wait for Globex's first score before the clock moves on.
  await eventually(async () =>
    (await team.api.get('/api/v1/customers')).body.customers.some(
      (c: { externalId: string; churnRisk: number | null }) =>
        c.externalId === 'cust-2' && c.churnRisk !== null,
    ),
  );
  // Monday 07:00 UTC: Northwind (Sam's) crosses its threshold; Hooli (Alex's) too.
  now = new Date('2026-03-09T07:00:00Z');
  for (const c of ['cust-1', 'cust-3'])
    expect(
      (await team.api.post('/api/v1/usage', { customerExternalId: c, used: 95, limit: 100, metric: 'seats' }))
        .status,
    ).toBe(202);
  // Sam acknowledges Northwind half an hour later and schedules a follow-up for this afternoon.
  now = new Date('2026-03-09T07:30:00Z');
  const northwind = await alertOf('cust-1');
  const ack = await team.api.post(`/api/v1/alerts/${northwind}/actions`, {
    action: 'acknowledge',
    actorExternalId: 'csm-1',
  });
  expect(ack.status).toBe(200);
  const fu = await team.api.post(`/api/v1/alerts/${northwind}/actions`, {
    action: 'schedule_follow_up',
    actorExternalId: 'csm-1',
    dueAt: '2026-03-09T15:00:00Z',
    title: 'Call the Northwind admin about seats',
  });
  expect(fu.status).toBe(200);
  // Globex writes again, angry and threatening to leave: its churn risk rises.
  await app.tickets.ingest(team.workspaceId, { sourceKey: 'test' }, [
    {
      externalId: 'T-2',
      subject: 'Cancelling our contract',
      body: 'This is the third outage this month and nobody answers. We are cancelling our subscription and our lawyers will review the SLA breach.',
      organizationExternalId: 'cust-2',
    },
  ]);
  await eventually(async () => (await team.api.get('/api/v1/alerts?status=open')).body.alerts.length === 2);
  // Alex turns his digests off from chat.
  const off = await command('csm-2', 'digest off');
  expect(off.kind).toBe('digest');
  expect(off.text).toMatch(/digests are off/);
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('CSM daily digest', () => {
  it('is not sent before 08:30 in the CSM’s own time zone', async () => {
    now = new Date('2026-03-09T08:29:00Z');
    expect(await runDigestTick(app.database.pool, app.engine)).toBe(0);
    expect(await daily('csm-1')).toHaveLength(0);
  });

  it('reaches the CSM at 08:30 London through the recurring job: open alerts, follow-ups due, churn risk that rose', async () => {
    now = new Date('2026-03-09T08:30:30Z');
    await app.engine.scheduler.kick(DIGEST_TICK_JOB);
    const [card] = await eventually(async () => ((await daily('csm-1')).length ? daily('csm-1') : null));
    const text = JSON.stringify(card!.card);
    expect(text).toContain('Your daily digest — 2026-03-09');
    expect(text).toContain('Northwind');
    expect(text).toContain('acknowledged');
    expect(text).toContain('Call the Northwind admin about seats');
    expect(text).toContain('Mon 9 Mar, 15:00'); // in Sam's zone
    expect(text).toMatch(/Globex[^}]*\d+ → \d+\/100/);
    // Hooli is Alex's, not Sam's.
    expect(text).not.toContain('Hooli');
  });

  it('is sent once per local day, and not to a CSM who opted out', async () => {
    now = new Date('2026-03-09T08:45:00Z');
    expect(await runDigestTick(app.database.pool, app.engine)).toBe(0);
    expect(await daily('csm-1')).toHaveLength(1);
    expect(await daily('csm-2')).toHaveLength(0);
    expect((await command('csm-2', 'digest')).text).toMatch(/digests are off/);
  });
});

describe('manager weekly digest', () => {
  it('waits for Monday 09:00 in the manager’s zone, then sums up the team’s week', async () => {
    now = new Date('2026-03-09T08:59:00Z');
    expect(await weekly('mgr-1')).toHaveLength(0);
    now = new Date('2026-03-09T09:00:30Z');
    expect(await runDigestTick(app.database.pool, app.engine)).toBe(1);
    const [card] = await eventually(async () => ((await weekly('mgr-1')).length ? weekly('mgr-1') : null));
    const text = JSON.stringify(card!.card);
    expect(text).toContain('2 people reporting to you');
    // Northwind and Hooli crossed their thresholds, Globex's ticket raised a support risk; Sam
    // acknowledged Northwind in 30 minutes, the other two are not answered yet.
    expect(text).toMatch(/Alerts raised[^}]*"3"/);
    expect(text).toMatch(/Median time to first response[^}]*30 min/);
    expect(text).toMatch(/Not yet acknowledged[^}]*"2"/);
    expect(text).toMatch(/"Manager","value":"3 alerts"/);
    expect(text).toMatch(/Usage","value":"2"/);
    expect(text).toContain('Hooli');
    // Sam and Alex are not managers: one weekly digest only.
    expect(await weekly('csm-1')).toHaveLength(0);
  });

  it('is weekly: nothing on Tuesday', async () => {
    now = new Date('2026-03-10T09:00:30Z');
    await runDigestTick(app.database.pool, app.engine);
    expect(await weekly('mgr-1')).toHaveLength(1);
  });
});

describe('settings', () => {
  it('refuses a digest time that is not one, naming the field, and keeps the stored value', async () => {
    const bad = await team.api.patch('/api/v1/settings', { digests: { managerWeekly: 'someday at nine' } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('digests.managerWeekly');
    const s = (await team.api.get('/api/v1/settings')).body;
    expect(s.settings?.digests ?? s.digests).toEqual({ csmDaily: '08:30', managerWeekly: 'Mon 09:00' });
  });
});
