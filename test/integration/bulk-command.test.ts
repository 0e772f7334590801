/**
 * "Acknowledge all / resolve all for this customer" from chat (issue 21 item 5, the chat half of
 * POST /api/v1/alerts/actions): `alerts` offers it, `resolve all <customer>` applies the action to
 * each open alert of that customer once — twice at once changes nothing more — with the same
 * permission rules as one click. Driven through the playground's command endpoint (the same
 * ChatServices.command every channel calls).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { seedTeam, startTestApp } from '../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

const say = async (personExt: string, text: string) => {
  const res = await fetch(`${app.url}/playground/api/command`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ personId: team.personIds[personExt], text }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { kind: string; text: string }).text;
};
const alertsOf = async (customerExternalId: string) =>
  (await team.api.get('/api/v1/alerts')).body.alerts.filter(
    (a: { customerExternalId: string }) => a.customerExternalId === customerExternalId,
  ) as { id: string; status: string }[];
const kinds = async (id: string) =>
  ((await team.api.get(`/api/v1/alerts/${id}`)).body.timeline as { kind: string; channel: string }[]).map(
    (e) => `${e.kind}:${e.channel}`,
  );

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app, { collectionsOverdueDays: 1 });
  // Northwind (Sam's): a usage alert and a collections alert; Globex (Sam's): a usage alert.
  for (const c of ['cust-1', 'cust-2'])
    expect(
      (await team.api.post('/api/v1/usage', { customerExternalId: c, used: 95, limit: 100 })).status,
    ).toBe(202);
  const inv = await team.api.post('/api/v1/invoices', {
    customerExternalId: 'cust-1',
    externalId: 'INV-9',
    amount: 900,
    currency: 'USD',
    dueDate: '2020-01-01',
    status: 'open',
  });
  expect(inv.status).toBeLessThan(300);
  expect(await alertsOf('cust-1')).toHaveLength(2);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

describe('bulk actions from chat', () => {
  it('`alerts` lists the open alerts and offers the bulk commands', async () => {
    const text = await say('csm-1', 'alerts');
    expect(text).toContain('Northwind');
    expect(text).toMatch(/`ack all \w+` or `resolve all \w+`/);
  });

  it('refuses someone who may not act on them, and changes nothing', async () => {
    const text = await say('csm-2', 'resolve all Northwind');
    expect(text).toMatch(/not changed/);
    for (const a of await alertsOf('cust-1')) expect(a.status).toBe('open');
  });

  it('acknowledges every open alert of the customer once, recorded as from the chat channel', async () => {
    const text = await say('csm-1', 'ack all northwind');
    expect(text).toBe('Acknowledged 2 alerts of Northwind.');
    for (const a of await alertsOf('cust-1')) {
      expect(a.status).toBe('acknowledged');
      expect(await kinds(a.id)).toContain('acknowledged:playground');
    }
    // Globex was not touched.
    expect((await alertsOf('cust-2'))[0]!.status).toBe('open');
  });

  it('resolves them once under a double send, the second answer saying so', async () => {
    const [a, b] = await Promise.all([
      say('csm-1', 'resolve all Northwind'),
      say('csm-1', 'resolve all Northwind'),
    ]);
    expect([a, b].join(' ')).toMatch(/Resolved 2 alerts of Northwind/);
    for (const alert of await alertsOf('cust-1')) {
      expect(alert.status).toBe('resolved');
      expect((await kinds(alert.id)).filter((k) => k.startsWith('resolved:'))).toHaveLength(1);
    }
    expect(await say('csm-1', 'resolve all Northwind')).toBe('Northwind has no open alert.');
  });

  it('explains itself when the customer is missing or unknown', async () => {
    expect(await say('csm-1', 'resolve all')).toMatch(/`resolve all <customer>`/);
    expect(await say('csm-1', 'ack all Nobody Ltd')).toBe('No customer matches "Nobody Ltd".');
  });
});
