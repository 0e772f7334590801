/**
 * Tenant isolation, API half (issue 15): for EVERY route of API v1 — read from the Express route
 * table, so a new route is covered by default — workspace A's key can neither read nor change
 * workspace B's rows: B's ids in paths, queries or bodies answer 404 (or name the unknown
 * reference), lists never contain B's rows, and B's rows are unchanged afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { routeTable, type RouteEntry } from '../../../src/api/route-table.js';
import { signGenericWebhook } from '../../../src/connectors/webhook/index.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedTeam, startTestApp } from '../../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let a: Awaited<ReturnType<typeof seedTeam>>;
let b: Awaited<ReturnType<typeof seedTeam>>;
const B: { alert: string; connector: string; customer: string; ticket: string; people: string[] } = {
  alert: '',
  connector: '',
  customer: '',
  ticket: '',
  people: [],
};

/** B's rows as stored (compared before and after A's requests). */
async function snapshotOfB() {
  const q = async (sql: string) => (await app.database.pool.query(sql, [b.workspaceId])).rows;
  return {
    alerts: await q(
      'SELECT id, status, version, assignee_id FROM alerts WHERE workspace_id = $1 ORDER BY id',
    ),
    events: await q('SELECT count(*)::int AS n FROM alert_events WHERE workspace_id = $1'),
    people: await q(
      'SELECT id, external_id, name, role, manager_id FROM people WHERE workspace_id = $1 ORDER BY id',
    ),
    customers: await q(
      'SELECT id, external_id, name, tier, csm_id FROM customers WHERE workspace_id = $1 ORDER BY id',
    ),
    usage: await q('SELECT count(*)::int AS n FROM usage_readings WHERE workspace_id = $1'),
    invoices: await q('SELECT count(*)::int AS n FROM invoices WHERE workspace_id = $1'),
    settings: await q('SELECT settings, timezone FROM workspaces WHERE id = $1'),
    connectors: await q('SELECT id, status, name FROM connectors WHERE workspace_id = $1 ORDER BY id'),
    tickets: await q('SELECT id FROM tickets WHERE workspace_id = $1 ORDER BY id'),
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  a = await seedTeam(app);
  b = await seedTeam(app);
  // Rows only B has, with names that must never appear in A's answers.
  expect(
    (
      await b.api.post('/api/v1/people', {
        externalId: 'b-only-csm',
        name: 'Bravo Secret Person',
        role: 'csm',
      })
    ).status,
  ).toBe(200);
  const cust = await b.api.post('/api/v1/customers', {
    externalId: 'b-only-cust',
    name: 'Bravo Secret Corp',
    tier: 'critical',
    csmExternalId: 'b-only-csm',
    arr: 424242,
  });
  B.customer = cust.body.id;
  expect(
    (await b.api.post('/api/v1/usage', { customerExternalId: 'b-only-cust', used: 99, limit: 100 })).status,
  ).toBe(202);
  B.alert = (await b.api.get('/api/v1/alerts')).body.alerts[0].id;
  const c = await b.api.post('/api/v1/connectors', { platform: 'webhook', name: 'Bravo Secret Desk' });
  expect(c.status).toBe(201);
  B.connector = (c.body.connector ?? c.body).id;
  const raw = JSON.stringify({
    tickets: [{ id: 'b-t-1', subject: 'Bravo Secret Ticket', updatedAt: '2026-11-20T10:00:00Z' }],
  });
  const t = await fetch(`${app.url}/api/webhooks/tickets?connectorId=${B.connector}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signGenericWebhook(c.body.webhookSecret, raw, Math.floor(Date.now() / 1000)),
    },
    body: raw,
  });
  expect(t.status).toBe(200);
  B.ticket = (
    await app.database.pool.query('SELECT id FROM tickets WHERE workspace_id = $1', [b.workspaceId])
  ).rows[0].id;
  B.people = (await b.api.get('/api/v1/people?limit=500')).body.people.map((p: { id: string }) => p.id);
  // A has an alert and a connector of its own, so A's lists are not trivially empty.
  await a.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 99, limit: 100 });
  await a.api.post('/api/v1/connectors', { platform: 'webhook', name: 'Alpha Desk' });
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

/** Text that identifies B's rows: ids, and names only B has. */
const markersOfB = () => [
  B.alert,
  B.connector,
  B.customer,
  B.ticket,
  ...B.people,
  'Bravo Secret',
  b.workspaceId,
];

function expectNoneOfB(route: string, body: unknown) {
  const text = JSON.stringify(body);
  for (const m of markersOfB()) expect([route, text.includes(m) ? m : null]).toEqual([route, null]);
}

/** Bodies that point at B's rows through references a request can carry. */
const WRITE_CASES: Record<string, { body: unknown; status: number[] }[]> = {
  'POST /api/v1/people': [
    { body: { externalId: 'a-new', name: 'N', role: 'csm', managerExternalId: 'b-only-csm' }, status: [400] },
  ],
  'POST /api/v1/customers': [
    {
      body: { externalId: 'b-only-cust', name: 'Hijack', tier: 'good', csmExternalId: 'b-only-csm' },
      status: [400],
    },
  ],
  'POST /api/v1/usage': [{ body: { customerExternalId: 'b-only-cust', used: 1, limit: 10 }, status: [404] }],
  'POST /api/v1/invoices': [
    {
      body: {
        customerExternalId: 'b-only-cust',
        externalId: 'inv-x',
        amount: 5,
        currency: 'USD',
        dueDate: '2026-01-01',
        status: 'open',
      },
      status: [404],
    },
  ],
  'PATCH /api/v1/settings': [{ body: { cooldown: '1h' }, status: [200] }],
  'POST /api/v1/connectors': [{ body: { platform: 'webhook', name: 'A second desk' }, status: [201] }],
  // A dry run reads the chain for a customer: B's customer is not A's to plan for.
  'POST /api/v1/escalation/dry-run': [
    { body: { customerExternalId: 'b-only-cust', type: 'usage_threshold' }, status: [404] },
  ],
  // Bulk actions: B's customer is unknown to A, and B's person cannot act with A's key.
  'POST /api/v1/alerts/actions': [
    {
      body: { action: 'resolve', actorExternalId: 'admin-1', customerExternalId: 'b-only-cust' },
      status: [404],
    },
    {
      body: { action: 'resolve', actorExternalId: 'b-only-csm', customerExternalId: 'cust-1' },
      status: [400],
    },
  ],
};

/** The body each B-id route is tried with (a valid one, so only the id can make it fail). */
const ID_BODIES: Record<string, unknown> = {
  'POST /api/v1/alerts/:id/actions': { action: 'resolve', actorExternalId: 'admin-1' },
};

function fill(path: string, id: string) {
  return path.replace(/:(\w+)/g, () => id);
}

describe('tenant isolation: every API v1 route', () => {
  let routes: RouteEntry[];
  beforeAll(() => {
    routes = routeTable(app.http.router).filter(
      (r) => r.path.startsWith('/api/v1/') && r.path !== '/api/v1/openapi.json',
    );
  });

  it('finds the routes in the Express table', () => {
    expect(routes.length).toBeGreaterThan(15);
    expect(routes).toEqual(expect.arrayContaining([{ method: 'GET', path: '/api/v1/alerts/:id' }]));
  });

  it('A’s key never reads B’s rows and never changes them', async () => {
    const before = await snapshotOfB();
    const idsOfB = [B.alert, B.connector, B.customer, B.ticket, B.people[0]!];
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(app.url + path, {
        method,
        headers: {
          authorization: `Bearer ${a.apiKey}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    for (const r of routes) {
      const name = `${r.method} ${r.path}`;
      if (r.path.includes(':')) {
        // Every B id in the path: not found in A's workspace (whatever kind of row the route takes).
        // A route keyed by externalId is tried with B's externalIds too (ones A does not have).
        const keys = r.path.includes(':externalId') ? [...idsOfB, 'b-only-csm', 'b-only-cust'] : idsOfB;
        for (const id of keys) {
          const res = await call(
            r.method,
            fill(r.path, id),
            ID_BODIES[name] ?? (r.method === 'GET' ? undefined : {}),
          );
          expect([name, id, res.status]).toEqual([name, id, 404]);
          expectNoneOfB(name, res.body);
        }
      } else if (r.method === 'GET') {
        const res = await call('GET', r.path);
        expect([name, res.status]).toEqual([name, 200]);
        expectNoneOfB(name, res.body);
        // B's ids as filters find nothing either.
        for (const param of ['connectorId', 'customerId']) {
          const filtered = await call(
            'GET',
            `${r.path}?${param}=${param === 'connectorId' ? B.connector : B.customer}`,
          );
          if (filtered.status === 200) expectNoneOfB(`${name}?${param}`, filtered.body);
        }
      } else {
        const cases = WRITE_CASES[name];
        // A new write route must say how it could reach B's rows: add it to WRITE_CASES.
        expect([name, cases ? 'covered' : 'add a WRITE_CASES entry']).toEqual([name, 'covered']);
        for (const c of cases!) {
          const res = await call(r.method, r.path, c.body);
          expect([name, c.status.includes(res.status) ? 'as expected' : res.status]).toEqual([
            name,
            'as expected',
          ]);
          expectNoneOfB(name, res.body);
        }
      }
    }
    expect(await snapshotOfB()).toEqual(before);
  });
});
