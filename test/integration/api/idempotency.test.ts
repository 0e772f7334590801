/**
 * Idempotency-Key on alert actions, through real HTTP with two workspaces (issue 15 item 1):
 * keys are per workspace, remember the request they answered, and a rejected request uses none up.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedTeam, startTestApp } from '../../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let a: Awaited<ReturnType<typeof seedTeam>>;
let b: Awaited<ReturnType<typeof seedTeam>>;

async function openAlert(team: typeof a, customer: string): Promise<string> {
  const r = await team.api.post('/api/v1/usage', { customerExternalId: customer, used: 95, limit: 100 });
  expect(r.status).toBe(202);
  const list = await team.api.get('/api/v1/alerts?status=open');
  const alert = (list.body.alerts as { id: string; customerExternalId: string }[]).find(
    (x) => x.customerExternalId === customer,
  );
  expect(alert).toBeDefined();
  return alert!.id;
}

const kinds = async (alertId: string) =>
  (
    await app.database.pool.query('SELECT kind FROM alert_events WHERE alert_id = $1 ORDER BY id', [alertId])
  ).rows.map((r) => r.kind as string);

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  a = await seedTeam(app);
  b = await seedTeam(app);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('Idempotency-Key', () => {
  it('is scoped to the workspace: B reusing A’s key has its own action applied', async () => {
    const alertA = await openAlert(a, 'cust-1');
    const alertB = await openAlert(b, 'cust-1');
    const key = { 'idempotency-key': 'order-42' };
    const ra = await a.api.post(
      `/api/v1/alerts/${alertA}/actions`,
      { action: 'acknowledge', actorExternalId: 'csm-1' },
      key,
    );
    expect(ra.status).toBe(200);
    expect(ra.body.duplicate).toBe(false);
    const rb = await b.api.post(
      `/api/v1/alerts/${alertB}/actions`,
      { action: 'acknowledge', actorExternalId: 'csm-1' },
      key,
    );
    expect(rb.status).toBe(200);
    expect(rb.body.duplicate).toBe(false);
    expect(rb.body.alert.status).toBe('acknowledged');
    expect(await kinds(alertB)).toContain('acknowledged');
  });

  it('answers the same request again with the same status and body, applied once', async () => {
    const alertId = await openAlert(a, 'cust-2');
    const body = { action: 'log_call', actorExternalId: 'csm-1', outcome: 'connected', notes: 'Q1 renewal' };
    const first = await a.api.post(`/api/v1/alerts/${alertId}/actions`, body, {
      'idempotency-key': 'k-same',
    });
    // Same body, keys in another order: the same request.
    const again = await a.api.post(
      `/api/v1/alerts/${alertId}/actions`,
      { notes: 'Q1 renewal', outcome: 'connected', actorExternalId: 'csm-1', action: 'log_call' },
      { 'idempotency-key': 'k-same' },
    );
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual({ ...first.body, duplicate: true });
    expect((await kinds(alertId)).filter((k) => k === 'call_logged')).toHaveLength(1);
  });

  it('answers 422 naming the mismatch when the key is reused on another alert, action or body', async () => {
    const alert1 = await openAlert(a, 'cust-3');
    const other = await openAlert(a, 'cust-orphan');
    const key = { 'idempotency-key': 'k-reused' };
    const ok = await a.api.post(
      `/api/v1/alerts/${alert1}/actions`,
      { action: 'log_call', actorExternalId: 'admin-1', outcome: 'no_answer' },
      key,
    );
    expect(ok.status).toBe(200);

    const otherAlert = await a.api.post(
      `/api/v1/alerts/${other}/actions`,
      { action: 'log_call', actorExternalId: 'admin-1', outcome: 'no_answer' },
      key,
    );
    expect(otherAlert.status).toBe(422);
    expect(otherAlert.body.details).toMatchObject({
      'Idempotency-Key': expect.any(String),
      alertId: expect.stringContaining(alert1),
    });
    expect(await kinds(other)).not.toContain('call_logged');

    const otherAction = await a.api.post(
      `/api/v1/alerts/${alert1}/actions`,
      { action: 'resolve', actorExternalId: 'admin-1' },
      key,
    );
    expect(otherAction.status).toBe(422);
    expect(otherAction.body.details.action).toMatch(/log_call/);
    expect(await kinds(alert1)).not.toContain('resolved');

    const otherBody = await a.api.post(
      `/api/v1/alerts/${alert1}/actions`,
      { action: 'log_call', actorExternalId: 'admin-1', outcome: 'connected' },
      key,
    );
    expect(otherBody.status).toBe(422);
    expect(otherBody.body.details.body).toMatch(/different request body/);
    expect((await kinds(alert1)).filter((k) => k === 'call_logged')).toHaveLength(1);
  });

  it('stores no key for a request that fails validation, so the corrected retry is applied', async () => {
    const alertId = (await a.api.get('/api/v1/alerts?status=open')).body.alerts[0].id as string;
    const key = { 'idempotency-key': 'k-corrected' };
    const bad = await a.api.post(
      `/api/v1/alerts/${alertId}/actions`,
      { action: 'schedule_follow_up', actorExternalId: 'admin-1', dueAt: 'tomorrow' },
      key,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.details.dueAt).toMatch(/ISO 8601/);
    // Refused by the engine (a past time) after validation: no key either.
    const past = await a.api.post(
      `/api/v1/alerts/${alertId}/actions`,
      { action: 'schedule_follow_up', actorExternalId: 'admin-1', dueAt: '2020-01-01T00:00:00Z' },
      key,
    );
    expect(past.status).toBe(400);
    const due = new Date(Date.now() + 3_600_000).toISOString();
    const good = await a.api.post(
      `/api/v1/alerts/${alertId}/actions`,
      { action: 'schedule_follow_up', actorExternalId: 'admin-1', dueAt: due },
      key,
    );
    expect(good.status).toBe(200);
    expect(good.body.duplicate).toBe(false);
    expect(await kinds(alertId)).toContain('follow_up_scheduled');
    const keys = await app.database.pool.query(
      'SELECT workspace_id, status FROM api_idempotency_keys WHERE key = $1',
      ['k-corrected'],
    );
    expect(keys.rows).toEqual([{ workspace_id: a.workspaceId, status: 200 }]);
  });

  it('refuses a malformed key with 400 naming the header', async () => {
    const alertId = (await a.api.get('/api/v1/alerts')).body.alerts[0].id as string;
    const r = await a.api.post(
      `/api/v1/alerts/${alertId}/actions`,
      { action: 'acknowledge', actorExternalId: 'admin-1' },
      { 'idempotency-key': 'x'.repeat(300) },
    );
    expect(r.status).toBe(400);
    expect(r.body.details['Idempotency-Key']).toMatch(/255/);
  });
});
