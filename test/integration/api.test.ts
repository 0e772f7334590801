/** HTTP API v1 errors as a caller meets them: specific, and nothing stored on bad input. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { apiClient, seedTeam, startTestApp } from '../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('HTTP API v1', () => {
  it('answers 401 without or with a wrong API key', async () => {
    expect((await apiClient(app.url).get('/api/v1/alerts')).status).toBe(401);
    const wrong = await apiClient(app.url, 'fin_not-a-key').get('/api/v1/alerts');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toMatch(/Invalid or revoked API key/);
  });

  it('names each bad field and stores nothing from a batch with one bad row', async () => {
    const before = (await app.database.pool.query('SELECT count(*)::int AS n FROM usage_readings')).rows[0].n;
    const r = await team.api.post('/api/v1/usage', [
      { customerExternalId: 'cust-1', used: 10, limit: 100 },
      { customerExternalId: 'cust-1', used: 'ten', limit: 0 },
    ]);
    expect(r.status).toBe(400);
    expect(r.body.details).toMatchObject({
      '1.used': expect.any(String),
      '1.limit': 'must be a contracted limit of at least 0.01',
    });
    const unknown = await team.api.post('/api/v1/usage', [
      { customerExternalId: 'cust-1', used: 99, limit: 100 },
      { customerExternalId: 'nope', used: 1, limit: 100 },
    ]);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatch(/Unknown customer "nope"/);
    expect((await app.database.pool.query('SELECT count(*)::int AS n FROM usage_readings')).rows[0].n).toBe(
      before,
    );
    expect((await team.api.get('/api/v1/alerts')).body.alerts).toHaveLength(0);
  });

  it('rejects malformed JSON, unknown roles and tiers, and unknown managers with a clear message', async () => {
    const bad = await team.api.post('/api/v1/people', '{"externalId": ');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/not valid JSON/);
    const role = await team.api.post('/api/v1/people', { externalId: 'x', name: 'X', role: 'boss' });
    expect(role.body.details.role).toMatch(/csm, csm_manager, vp_cs, cfo, admin/);
    const tier = await team.api.post('/api/v1/customers', { externalId: 'c9', name: 'C9', tier: 'gold' });
    expect(tier.body.details.tier).toMatch(/platinum, good, average, poor, critical/);
    const mgr = await team.api.post('/api/v1/people', {
      externalId: 'y',
      name: 'Y',
      role: 'csm',
      managerExternalId: 'ghost',
    });
    expect(mgr.status).toBe(400);
    expect(mgr.body.error).toMatch(/Unknown manager "ghost"/);
    expect(
      (await app.database.pool.query(`SELECT count(*)::int AS n FROM people WHERE external_id IN ('x','y')`))
        .rows[0].n,
    ).toBe(0);
  });

  it('validates settings field by field and keeps the stored settings on error', async () => {
    const r = await team.api.patch('/api/v1/settings', {
      usageThresholds: { good: -1 },
      escalation: [{ role: 'csm', after: 'later' }],
    });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.details).sort()).toEqual(['escalation.0.after', 'usageThresholds.good']);
    expect((await team.api.get('/api/v1/settings')).body.usageThresholds.good).toBe(80);
    const ok = await team.api.patch('/api/v1/settings', { usageThresholds: { good: 90 } });
    expect(ok.body.usageThresholds).toEqual({ platinum: 85, good: 90, average: 75, poor: 70, critical: 70 });
  });

  it('keeps workspaces apart', async () => {
    const other = await seedTeam(app);
    await other.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 99, limit: 100 });
    const mine = await team.api.get('/api/v1/alerts');
    const theirs = await other.api.get('/api/v1/alerts');
    expect(theirs.body.alerts).toHaveLength(1);
    expect(mine.body.alerts.find((a: { id: string }) => a.id === theirs.body.alerts[0].id)).toBeUndefined();
    expect((await team.api.get(`/api/v1/alerts/${theirs.body.alerts[0].id}`)).status).toBe(404);
    const act = await team.api.post(`/api/v1/alerts/${theirs.body.alerts[0].id}/actions`, {
      action: 'resolve',
      actorExternalId: 'admin-1',
    });
    expect(act.status).toBe(404);
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${app.url}/readyz`)).json()).toEqual({ status: 'ready' });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toContain('fincelo_deliveries_total');
    expect(metrics).toContain('fincelo_process_resident_memory_bytes');
  });
});
