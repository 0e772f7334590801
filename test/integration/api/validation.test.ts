/**
 * Bad input through the real endpoints (issue 15 item 6, issue 19 items 5–6): every case answers
 * a 4xx naming the field in `details`, and nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { signGenericWebhook } from '../../../src/connectors/webhook/index.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedTeam, startTestApp } from '../../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

const count = async (table: string) =>
  (await app.database.pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('API v1 validation', () => {
  it('refuses a NUL byte (or any control character) in any string with 400 naming the field', async () => {
    const before = await count('customers');
    const r = await team.api.post('/api/v1/customers', {
      externalId: 'c-nul',
      name: 'Evil\u0000Corp',
      tier: 'good',
    });
    expect(r.status).toBe(400);
    expect(r.body.details.name).toMatch(/control characters/);
    const person = await team.api.post('/api/v1/people', [
      { externalId: 'p\u0007', name: 'Bell', role: 'csm' },
    ]);
    expect(person.status).toBe(400);
    expect(person.body.details['0.externalId']).toMatch(/control characters/);
    const note = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 1,
      limit: 100,
      metric: 'seats\u0000',
    });
    expect(note.status).toBe(400);
    expect(note.body.details.metric).toMatch(/control characters/);
    expect(await count('customers')).toBe(before);
  });

  it('answers 400 (not 500) for a 36-character id that is not a UUID', async () => {
    const id = 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz';
    const hexish = 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaaa'.slice(0, 36).replace(/-/g, 'a');
    for (const path of [
      `/api/v1/alerts/${id}`,
      `/api/v1/alerts/${hexish}`,
      `/api/v1/connectors/${id}`,
      `/api/v1/connectors/${hexish}`,
    ]) {
      const r = await team.api.get(path);
      expect([path, r.status]).toEqual([path, 400]);
      expect(r.body.details.id).toMatch(/UUID/);
    }
    const act = await team.api.post(`/api/v1/alerts/${hexish}/actions`, {
      action: 'acknowledge',
      actorExternalId: 'csm-1',
    });
    expect(act.status).toBe(400);
    expect(act.body.details.id).toMatch(/UUID/);
    const tickets = await team.api.get(`/api/v1/tickets?customerId=${hexish}`);
    expect(tickets.status).toBe(400);
    expect(tickets.body.details.customerId).toMatch(/UUID/);
  });

  it('refuses impossible dates', async () => {
    const before = await count('invoices');
    const r = await team.api.post('/api/v1/invoices', {
      customerExternalId: 'cust-1',
      externalId: 'inv-bad-date',
      amount: 100,
      currency: 'USD',
      dueDate: '2026-13-45',
      status: 'open',
    });
    expect(r.status).toBe(400);
    expect(r.body.details.dueDate).toMatch(/real date/);
    const feb = await team.api.post('/api/v1/invoices', {
      customerExternalId: 'cust-1',
      externalId: 'inv-feb',
      amount: 100,
      currency: 'USD',
      dueDate: '2026-02-30',
      status: 'open',
    });
    expect(feb.status).toBe(400);
    const at = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 1,
      limit: 100,
      at: '2026-13-45T10:00:00Z',
    });
    expect(at.status).toBe(400);
    expect(at.body.details.at).toMatch(/ISO 8601/);
    expect(await count('invoices')).toBe(before);
  });

  it('refuses limit=0 and absurd page limits, naming `limit`', async () => {
    for (const q of ['limit=0', 'limit=100000', 'limit=-1', 'limit=abc', 'limit=1.5']) {
      const r = await team.api.get(`/api/v1/alerts?${q}`);
      expect([q, r.status]).toEqual([q, 400]);
      expect(r.body.details.limit).toMatch(/between 1 and 500/);
    }
    const status = await team.api.get('/api/v1/alerts?status=closed');
    expect(status.status).toBe(400);
    expect(status.body.details.status).toMatch(/open, acknowledged, snoozed, resolved/);
    expect((await team.api.get('/api/v1/alerts?limit=1')).status).toBe(200);
  });

  it('refuses a usage limit of 5e-324 and other absurd numbers', async () => {
    const before = await count('usage_readings');
    const tiny = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 1,
      limit: 5e-324,
    });
    expect(tiny.status).toBe(400);
    expect(tiny.body.details.limit).toMatch(/at least 0.01/);
    const huge = await team.api.post('/api/v1/usage', {
      customerExternalId: 'cust-1',
      used: 1e300,
      limit: 10,
    });
    expect(huge.status).toBe(400);
    expect(huge.body.details.used).toMatch(/at most/);
    const arr = await team.api.post('/api/v1/customers', {
      externalId: 'c-rich',
      name: 'Rich',
      tier: 'good',
      arr: 1e14,
    });
    expect(arr.status).toBe(400);
    expect(arr.body.details.arr).toMatch(/at most/);
    expect(await count('usage_readings')).toBe(before);
    expect((await team.api.get('/api/v1/alerts')).body.alerts).toHaveLength(0);
  });

  it('bounds settings: 100 KB values, 100000000d delays and cooldowns, a 0.5 % threshold', async () => {
    const before = (await team.api.get('/api/v1/settings')).body;
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [
        { framing: { good: { emoji: 'x'.repeat(100_000), label: 'Big' } } },
        'framing.good.emoji',
        /at most 16/,
      ],
      [
        { framing: { good: { emoji: '🚀', label: 'y'.repeat(100_000) } } },
        'framing.good.label',
        /at most 60/,
      ],
      [{ cooldown: '100000000d' }, 'cooldown', /at most 365d/],
      [{ snooze: '366d' }, 'snooze', /at most 365d/],
      [
        {
          escalation: [
            { role: 'csm', after: '0s' },
            { role: 'csm_manager', after: '100000000d' },
          ],
        },
        'escalation.1.after',
        /at most 365d/,
      ],
      [{ usageThresholds: { good: 0.5 } }, 'usageThresholds.good', /between 1 and 1000/],
      [{ playbooks: { legal_threat: ['z'.repeat(100_000)] } }, 'playbooks.legal_threat.0', /at most 200/],
      [{ nonsense: 1 }, 'nonsense', /not a setting/],
    ];
    for (const [patch, field, message] of cases) {
      const r = await team.api.patch('/api/v1/settings', patch);
      expect([field, r.status]).toEqual([field, 400]);
      expect([field, r.body.details[field]]).toEqual([field, expect.stringMatching(message)]);
    }
    expect((await team.api.get('/api/v1/settings')).body).toEqual(before);
    const ok = await team.api.patch('/api/v1/settings', { usageThresholds: { good: 1 }, cooldown: '365d' });
    expect(ok.status).toBe(200);
    expect(ok.body.usageThresholds.good).toBe(1);
  });

  it('names every action parameter in its errors', async () => {
    await team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 95, limit: 100 });
    const alertId = (await team.api.get('/api/v1/alerts')).body.alerts[0].id as string;
    const post = (body: unknown) => team.api.post(`/api/v1/alerts/${alertId}/actions`, body);
    const cases: [Record<string, unknown>, string][] = [
      [{ action: 'dance', actorExternalId: 'csm-1' }, 'action'],
      [{ action: 'log_call', actorExternalId: 'csm-1' }, 'outcome'],
      [{ action: 'log_call', actorExternalId: 'csm-1', outcome: 'shouted' }, 'outcome'],
      [{ action: 'reassign', actorExternalId: 'csm-1' }, 'toPersonExternalId'],
      [{ action: 'schedule_follow_up', actorExternalId: 'csm-1', dueAt: '2026-13-45T10:00:00Z' }, 'dueAt'],
      [{ action: 'snooze', actorExternalId: 'csm-1', duration: '100000000d' }, 'duration'],
      [{ action: 'acknowledge' }, 'actorExternalId'],
    ];
    for (const [body, field] of cases) {
      const r = await post(body);
      expect([field, r.status]).toEqual([field, 400]);
      expect(Object.keys(r.body.details)).toContain(field);
    }
    expect((await team.api.get(`/api/v1/alerts/${alertId}`)).body.status).toBe('open');
  });
});

describe('API v1 routes', () => {
  it('answers unknown routes with the JSON error shape, never HTML', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nope'],
      ['POST', '/api/v1/alerts/x/y/z'],
      ['DELETE', '/api/v1/people'],
    ] as const) {
      const res = await fetch(app.url + path, {
        method,
        headers: { authorization: `Bearer ${team.apiKey}` },
      });
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const body = (await res.json()) as { error: string; details: Record<string, string> };
      expect(body.error).toMatch(/No such API route/);
      expect(body.details).toEqual({ path: 'not a route of API v1' });
    }
  });

  it('lists people and customers of the workspace, paged', async () => {
    const people = await team.api.get('/api/v1/people?limit=3');
    expect(people.status).toBe(200);
    expect(people.body.people).toHaveLength(3);
    const all = await team.api.get('/api/v1/people?limit=500');
    expect(all.body.people.map((p: { externalId: string }) => p.externalId).sort()).toEqual(
      ['admin-1', 'cfo-1', 'csm-1', 'csm-2', 'mgr-1', 'outsider', 'vp-1'].sort(),
    );
    const sam = all.body.people.find((p: { externalId: string }) => p.externalId === 'csm-1');
    expect(sam).toMatchObject({
      name: 'Sam CSM',
      role: 'csm',
      managerExternalId: 'mgr-1',
      timezone: 'Europe/London',
    });
    const page2 = await team.api.get('/api/v1/people?limit=3&offset=3');
    expect(page2.body.people.map((p: { id: string }) => p.id)).toEqual(
      all.body.people.slice(3, 6).map((p: { id: string }) => p.id),
    );
    const customers = await team.api.get('/api/v1/customers');
    expect(customers.status).toBe(200);
    expect(
      customers.body.customers.find((c: { externalId: string }) => c.externalId === 'cust-1'),
    ).toMatchObject({
      name: 'Northwind',
      tier: 'platinum',
      csmExternalId: 'csm-1',
      arr: 100000,
    });
    expect((await team.api.get('/api/v1/customers?offset=-1')).body.details.offset).toBeDefined();
  });

  it('counts HTTP requests by method, route pattern and status, and alerts raised by type', async () => {
    const scrape = async () => (await (await fetch(`${app.url}/metrics`)).text()).split('\n');
    const value = (lines: string[], prefix: string) => {
      const line = lines.find((l) => l.startsWith(prefix));
      return line ? Number(line.slice(prefix.length).trim()) : 0;
    };
    const alertRoute = 'fincelo_http_requests_total{method="GET",route="/api/v1/alerts/:id",status="400"}';
    const unmatched = 'fincelo_http_requests_total{method="GET",route="unmatched",status="404"}';
    const first = await scrape();
    const before = value(first, alertRoute);
    const unmatchedBefore = value(first, unmatched);
    await team.api.get('/api/v1/no-such-route/123');
    await team.api.get('/api/v1/alerts/not-a-uuid');
    await team.api.get('/api/v1/alerts/not-a-uuid-either');
    const after = await scrape();
    expect(value(after, alertRoute)).toBe(before + 2);
    // Ids never become labels: one series per route pattern.
    expect(after.some((l) => l.includes('not-a-uuid'))).toBe(false);
    expect(value(after, unmatched)).toBe(unmatchedBefore + 1);
    expect(after.some((l) => l.includes('no-such-route'))).toBe(false);

    const raised = (
      await app.database.pool.query("SELECT count(*)::int AS n FROM alerts WHERE type = 'usage_threshold'")
    ).rows[0].n as number;
    expect(raised).toBeGreaterThan(0);
    expect(value(after, 'fincelo_alerts_raised_total{type="usage_threshold"}')).toBe(raised);
    await team.api.post('/api/v1/usage', { customerExternalId: 'cust-3', used: 99, limit: 100 });
    expect(value(await scrape(), 'fincelo_alerts_raised_total{type="usage_threshold"}')).toBe(raised + 1);
  });
});

describe('signed ticket webhook validation', () => {
  it('refuses a ticket without subject, with updatedAt "last tuesday" or a NUL byte, naming the field', async () => {
    const c = await team.api.post('/api/v1/connectors', { platform: 'webhook', name: 'Any' });
    expect(c.status).toBe(201);
    const { id } = c.body.connector ?? c.body;
    const secret = c.body.webhookSecret as string;
    expect(typeof secret).toBe('string');
    const send = async (tickets: unknown[]) => {
      const raw = JSON.stringify({ tickets });
      const res = await fetch(`${app.url}/api/webhooks/tickets?connectorId=${id}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signGenericWebhook(secret, raw, Math.floor(Date.now() / 1000)),
        },
        body: raw,
      });
      return {
        status: res.status,
        body: (await res.json()) as { error: string; details?: Record<string, string> },
      };
    };
    const before = await count('tickets');
    const noSubject = await send([{ id: 't-1', body: 'hello' }]);
    expect(noSubject.status).toBe(400);
    expect(noSubject.body.details?.['tickets.0.subject']).toBeDefined();
    const blank = await send([{ id: 't-1', subject: '   ' }]);
    expect(blank.body.details?.['tickets.0.subject']).toMatch(/required/);
    const tuesday = await send([{ id: 't-2', subject: 'Hi', updatedAt: 'last tuesday' }]);
    expect(tuesday.status).toBe(400);
    expect(tuesday.body.details?.['tickets.0.updatedAt']).toMatch(/ISO 8601/);
    const nul = await send([{ id: 't-3', subject: 'Bad\u0000byte' }]);
    expect(nul.status).toBe(400);
    expect(nul.body.details?.['tickets.0.subject']).toMatch(/control characters/);
    expect(await count('tickets')).toBe(before);
    const good = await send([{ id: 't-4', subject: 'Fine', updatedAt: '2026-11-20T10:00:00Z' }]);
    expect(good.status).toBe(200);
    expect(await count('tickets')).toBe(before + 1);
    const notUuid = await fetch(
      `${app.url}/api/webhooks/tickets?connectorId=zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz`,
      {
        method: 'POST',
        body: '{}',
      },
    );
    expect(notUuid.status).toBe(404);
  });
});
