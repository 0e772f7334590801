/**
 * The CFO morning brief: the real recurring job, run at an injected clock, sends the card once per
 * local day at the workspace's brief time in its time zone, with the seeded workspace's figures.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { BRIEF_TICK_JOB, runBriefTick } from '../../../src/brief/brief.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
// 06:30 UTC = 07:30 in Berlin (UTC+1 in early March): half an hour before the 08:00 brief.
let now = new Date('2026-03-10T06:30:00Z');
const clock = { now: () => now };

interface PgMessage {
  threadRootId: number | null;
  card: Record<string, unknown> | null;
  text: string | null;
}
async function messages(personExt: string): Promise<PgMessage[]> {
  const res = await fetch(`${app.url}/playground/api/messages?personId=${team.personIds[personExt]}`);
  return ((await res.json()) as { messages: PgMessage[] }).messages;
}
const briefCards = async (p: string) =>
  (await messages(p)).filter((m) => m.card && JSON.stringify(m.card).includes('CFO Morning Brief'));

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db, {}, { clock });
  team = await seedTeam(app, { timezone: 'Europe/Berlin', briefTime: '08:00' });
  const inv = (externalId: string, customerExternalId: string, amount: number, dueDate: string) =>
    team.api.post('/api/v1/invoices', {
      customerExternalId,
      externalId,
      amount,
      currency: 'USD',
      dueDate,
      status: 'open',
    });
  expect((await inv('INV-1', 'cust-2', 1200, '2026-02-01')).status).toBeLessThan(300);
  expect((await inv('INV-2', 'cust-3', 500, '2026-03-01')).status).toBeLessThan(300);
  expect((await inv('INV-3', 'cust-3', 999, '2026-04-01')).status).toBeLessThan(300); // not due yet
  expect(
    (
      await team.api.post('/api/v1/usage', {
        customerExternalId: 'cust-1',
        used: 90,
        limit: 100,
        metric: 'seats',
      })
    ).status,
  ).toBe(202);
  await app.tickets.ingest(team.workspaceId, { sourceKey: 'test' }, [
    {
      externalId: 'T-1',
      subject: 'We will take legal action',
      body: 'This is outrageous. If the data is not restored by Friday our lawyers will take legal action.',
      organizationExternalId: 'cust-1',
    },
  ]);
});

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('CFO morning brief', () => {
  it('is not sent before the local brief time', async () => {
    expect(await runBriefTick(app.database.pool, app.engine)).toBe(0);
  });

  it('fires at 08:00 Berlin time through the recurring job, to the CFO, with the right figures', async () => {
    now = new Date('2026-03-10T07:00:30Z');
    await app.engine.scheduler.kick(BRIEF_TICK_JOB);
    const [brief] = await eventually(async () =>
      (await briefCards('cfo-1')).length ? briefCards('cfo-1') : null,
    );
    const text = JSON.stringify(brief!.card);
    expect(text).toContain('CFO Morning Brief — 2026-03-10');
    // Overdue: INV-1 (1,200, 37 days) and INV-2 (500, 9 days); INV-3 is not due yet.
    expect(text).toContain('2 · $1,700.00');
    expect(text).toContain('Globex · INV-1');
    expect(text).toContain('37 days overdue');
    expect(text).not.toContain('INV-3');
    // ARR at risk: Northwind (100,000) has an open support-risk alert.
    expect(text).toContain('$100,000.00 (1 customer)');
    // Expansion: Northwind's platinum usage at 90%.
    expect(text).toContain('90% of seats');
    // Riskiest ticket.
    expect(text).toContain('Northwind · We will take legal action');
    expect(text).toContain('Legal threat');
    // Only the CFO gets it.
    expect(await briefCards('vp-1')).toHaveLength(0);
  });

  it('is sent once per local day, and again the next day', async () => {
    now = new Date('2026-03-10T15:00:00Z');
    expect(await runBriefTick(app.database.pool, app.engine)).toBe(0);
    now = new Date('2026-03-11T06:59:00Z');
    expect(await runBriefTick(app.database.pool, app.engine)).toBe(0);
    now = new Date('2026-03-11T07:00:00Z');
    expect(await runBriefTick(app.database.pool, app.engine)).toBe(1);
    await eventually(async () => (await briefCards('cfo-1')).length === 2);
  });

  it('answers `brief` on demand in chat with the same figures', async () => {
    const reply = await app.services.command(team.workspaceId, null, 'brief');
    expect(reply.kind).toBe('brief');
    expect(reply.text).toContain('ARR at risk: $100,000.00');
  });
});
