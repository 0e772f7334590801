/**
 * Usage readings through the real HTTP API under the load a month-end brings: many readings for
 * one customer at the same moment (issue 15 item 5: the second insert used to hit the one-open-alert
 * unique index and answer 500 on a PostgreSQL server), and one batch that raises, updates and
 * suppresses alerts for many customers at once (issue 18: set-based alert creation).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedTeam, startTestApp } from '../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db, { DATABASE_POOL_MAX: '12' });
  team = await seedTeam(app);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const count = async (sql: string, params: unknown[]) =>
  Number((await app.database.pool.query<{ n: number }>(sql, params)).rows[0]!.n);

describe('usage readings', () => {
  it('20 concurrent readings for one customer: one alert created, the rest updates, all stored, no 5xx', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 900 + i, limit: 1000 }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(202));
    const outcomes = responses.map((r) => r.body.outcome as string).sort();
    expect(outcomes).toEqual(['created', ...Array(19).fill('updated')]);

    const cust = (
      await app.database.pool.query<{ id: string }>(
        'SELECT id FROM customers WHERE workspace_id = $1 AND external_id = $2',
        [team.workspaceId, 'cust-1'],
      )
    ).rows[0]!.id;
    expect(await count('SELECT count(*)::int AS n FROM usage_readings WHERE customer_id = $1', [cust])).toBe(
      20,
    );
    const open = (await team.api.get('/api/v1/alerts?status=open')).body.alerts.filter(
      (a: { customerExternalId: string }) => a.customerExternalId === 'cust-1',
    );
    expect(open).toHaveLength(1);
    const alert = (await team.api.get(`/api/v1/alerts/${open[0].id}`)).body;
    const kinds = (alert.timeline as { kind: string }[]).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'created')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'updated')).toHaveLength(19);
    // One card for the CSM, however many readings raced.
    expect(
      await count(`SELECT count(*)::int AS n FROM deliveries WHERE alert_id = $1 AND kind = 'post_card'`, [
        open[0].id,
      ]),
    ).toBe(1);
  });

  it('two concurrent batches over the same customers in opposite orders neither deadlock nor fail', async () => {
    const customers = Array.from({ length: 30 }, (_, i) => ({
      externalId: `race-${i}`,
      name: `Race ${i}`,
      tier: 'good',
      csmExternalId: 'csm-2',
    }));
    expect((await team.api.post('/api/v1/customers', customers)).status).toBe(200);
    const readings = customers.map((c) => ({ customerExternalId: c.externalId, used: 95, limit: 100 }));
    const [a, b] = await Promise.all([
      team.api.post('/api/v1/usage', readings),
      team.api.post('/api/v1/usage', [...readings].reverse()),
    ]);
    expect([a.status, b.status]).toEqual([202, 202]);
    const all = [...a.body.outcomes, ...b.body.outcomes] as string[];
    expect(all.filter((o) => o === 'created')).toHaveLength(30);
    expect(all.filter((o) => o === 'updated')).toHaveLength(30);
  });

  it('one batch for many customers creates, updates and suppresses as single readings would', async () => {
    const many = Array.from({ length: 120 }, (_, i) => ({
      externalId: `bulk-${i}`,
      name: `Bulk ${i}`,
      tier: 'average',
      csmExternalId: 'csm-1',
    }));
    expect((await team.api.post('/api/v1/customers', many)).status).toBe(200);
    // bulk-0 already has an open alert; bulk-1 had one resolved inside the cooldown.
    expect(
      (await team.api.post('/api/v1/usage', { customerExternalId: 'bulk-0', used: 80, limit: 100 })).body
        .outcome,
    ).toBe('created');
    const first1 = await team.api.post('/api/v1/usage', {
      customerExternalId: 'bulk-1',
      used: 80,
      limit: 100,
    });
    expect(first1.body.outcome).toBe('created');
    const previousId = await openId('bulk-1');
    const resolved = await team.api.post(`/api/v1/alerts/${previousId}/actions`, {
      action: 'resolve',
      actorExternalId: 'csm-1',
    });
    expect(resolved.status).toBe(200);

    const batch = [
      ...many.map((c, i) => ({ customerExternalId: c.externalId, used: i === 5 ? 10 : 90, limit: 100 })),
      { customerExternalId: 'bulk-7', used: 99, limit: 100 }, // a second reading of bulk-7
      { customerExternalId: 'cust-orphan', used: 99, limit: 100 }, // CSM 'outsider'
    ];
    const res = await team.api.post('/api/v1/usage', batch);
    expect(res.status).toBe(202);
    const outcomes = res.body.outcomes as string[];
    expect(outcomes[0]).toBe('updated');
    expect(outcomes[1]).toBe('suppressed');
    expect(outcomes[5]).toBe('below_threshold');
    expect(outcomes[7]).toBe('created');
    expect(outcomes[120]).toBe('updated'); // bulk-7's second reading updates the alert just raised
    expect(outcomes[121]).toBe('created');
    expect(outcomes.filter((o) => o === 'created')).toHaveLength(118); // 120 - bulk-0, bulk-1, bulk-5 + cust-orphan;

    // The open alert absorbed the reading as a single reading would: new facts, an `updated` event.
    const open0 = (await team.api.get(`/api/v1/alerts/${await openId('bulk-0')}`)).body;
    expect(open0.facts).toMatchObject({ percent: 90 });
    expect((open0.timeline as { kind: string; details: Record<string, unknown> }[]).at(-1)).toMatchObject({
      kind: 'updated',
      details: { absorbed: '90%' },
    });
    expect(open0.suppressedCount).toBe(1);

    // The suppressed trigger is on the previous alert's timeline, with its cooldown end.
    const prev = (await team.api.get(`/api/v1/alerts/${previousId}`)).body;
    const sup = (prev.timeline as { kind: string; details: Record<string, unknown> }[]).find(
      (e) => e.kind === 'suppressed',
    );
    expect(sup?.details.cooldownUntil).toEqual(expect.any(String));

    // A created alert looks as a single reading's would: step 1 (the CSM) notified, one card,
    // the next step scheduled, a cooldown row.
    const id = await openId('bulk-9');
    const a = (await team.api.get(`/api/v1/alerts/${id}`)).body;
    expect(a).toMatchObject({ status: 'open', escalationStep: 1, assigneeExternalId: 'csm-1' });
    expect(
      (a.timeline as { kind: string; targetExternalId?: string }[]).map((e) => [e.kind, e.targetExternalId]),
    ).toEqual([
      ['created', 'csm-1'],
      ['notified', 'csm-1'],
    ]);
    expect(a.recipients).toEqual(['csm-1']);
    expect(a.facts).toMatchObject({ percent: 90, threshold: 75 });
    const row = (
      await app.database.pool.query(
        'SELECT next_action_at, next_action_kind, chain_started_at FROM alerts WHERE id = $1',
        [id],
      )
    ).rows[0];
    expect(row.next_action_kind).toBe('escalate');
    expect(row.next_action_at.getTime() - row.chain_started_at.getTime()).toBe(24 * 3600_000);
    expect(
      await count(`SELECT count(*)::int AS n FROM deliveries WHERE alert_id = $1 AND kind = 'post_card'`, [
        id,
      ]),
    ).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM cooldowns WHERE alert_id = $1`, [id])).toBe(1);
    // The same batch again: every alert is open, so every over-threshold reading is an update.
    const again = await team.api.post('/api/v1/usage', batch);
    expect((again.body.outcomes as string[]).filter((o) => o === 'created')).toHaveLength(0);
  });
});

async function openId(customerExternalId: string): Promise<string> {
  const list = (await team.api.get('/api/v1/alerts?status=open&limit=500')).body.alerts as {
    id: string;
    customerExternalId: string;
  }[];
  const a = list.find((x) => x.customerExternalId === customerExternalId);
  if (!a) throw new Error(`no open alert for ${customerExternalId}`);
  return a.id;
}
