/**
 * Issue 21 item 5 over API v1: `POST /api/v1/alerts/actions` acknowledges or resolves every open
 * alert of one customer, each once, with the same permission rules as a single action; a double
 * click (two requests at once) changes each alert once; 200 with an empty list when none is open.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedTeam, startTestApp } from '../../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
const ids: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app);
  // Two open alerts for Northwind (usage and collections) and one for Globex.
  expect(
    (await team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 99, limit: 100 })).body
      .outcome,
  ).toBe('created');
  const due = new Date(Date.now() - 20 * 86_400_000).toISOString().slice(0, 10);
  expect(
    (
      await team.api.post('/api/v1/invoices', {
        customerExternalId: 'cust-1',
        externalId: 'INV-77',
        amount: 900,
        currency: 'usd',
        dueDate: due,
        status: 'open',
      })
    ).body.outcome,
  ).toBe('created');
  expect(
    (await team.api.post('/api/v1/usage', { customerExternalId: 'cust-2', used: 99, limit: 100 })).body
      .outcome,
  ).toBe('created');
  const alerts = (await team.api.get('/api/v1/alerts')).body.alerts as {
    id: string;
    customerExternalId: string;
  }[];
  ids.push(...alerts.filter((a) => a.customerExternalId === 'cust-1').map((a) => a.id));
  expect(ids).toHaveLength(2);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const bulk = (body: Record<string, unknown>) => team.api.post('/api/v1/alerts/actions', body);
const statusOf = async (id: string) => (await team.api.get(`/api/v1/alerts/${id}`)).body;
const count = async (id: string, kind: string) =>
  ((await statusOf(id)).timeline as { kind: string }[]).filter((e) => e.kind === kind).length;

describe('bulk actions for one customer', () => {
  it('refuses someone who may not act on these alerts, and changes nothing', async () => {
    const r = await bulk({ action: 'acknowledge', actorExternalId: 'csm-2', customerExternalId: 'cust-1' });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { outcome: string }) => x.outcome)).toEqual(['forbidden', 'forbidden']);
    for (const id of ids) expect((await statusOf(id)).status).toBe('open');
  });

  it('a double click acknowledges each of the customer’s open alerts once, and no other customer’s', async () => {
    const body = { action: 'acknowledge', actorExternalId: 'csm-1', customerExternalId: 'cust-1' };
    const [a, b] = await Promise.all([bulk(body), bulk(body)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const outcomes = [...a.body.results, ...b.body.results].map((x: { outcome: string }) => x.outcome).sort();
    expect(outcomes).toEqual(['acknowledged', 'acknowledged', 'already', 'already']);
    for (const id of ids) {
      expect((await statusOf(id)).status).toBe('acknowledged');
      expect(await count(id, 'acknowledged')).toBe(1);
    }
    const globex = (await team.api.get('/api/v1/alerts')).body.alerts.find(
      (x: { customerExternalId: string }) => x.customerExternalId === 'cust-2',
    );
    expect(globex.status).toBe('open');
  });

  it('resolves them all; afterwards there is nothing left to apply', async () => {
    const body = { action: 'resolve', actorExternalId: 'csm-1', customerExternalId: 'cust-1' };
    const r = await bulk(body);
    expect(
      r.body.results.map((x: { alertId: string; outcome: string }) => [x.alertId, x.outcome]).sort(),
    ).toEqual(ids.map((id) => [id, 'resolved']).sort());
    for (const id of ids) expect((await statusOf(id)).status).toBe('resolved');
    expect((await bulk(body)).body).toEqual({ results: [] });
  });

  it('names what is wrong in a bad request', async () => {
    const unknown = await bulk({ action: 'resolve', actorExternalId: 'csm-1', customerExternalId: 'nobody' });
    expect(unknown.status).toBe(404);
    expect(JSON.stringify(unknown.body)).toContain('customerExternalId');
    const bad = await bulk({ action: 'log_call', actorExternalId: 'csm-1', customerExternalId: 'cust-1' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('action');
  });
});
