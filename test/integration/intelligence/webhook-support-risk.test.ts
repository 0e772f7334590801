/**
 * Issue 7's acceptance path end to end: a hostile legal-threat ticket arriving by the signed ticket
 * webhook (POST /api/webhooks/tickets) becomes a support-risk alert card in the CSM's thread; a
 * polite feature request through the same webhook is scored and alerts nobody.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { signGenericWebhook } from '../../../src/connectors/webhook/index.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let connectorId: string;
const SECRET = 'whsec-test-0123456789abcdef';

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app);
  const r = await team.api.post('/api/v1/connectors', {
    platform: 'webhook',
    credentials: {},
    syncMode: 'webhook',
    webhookSecret: SECRET,
  });
  expect(r.status).toBe(201);
  connectorId = r.body.id;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await db?.drop();
});

async function send(body: unknown) {
  const raw = JSON.stringify(body);
  const res = await fetch(`${app.url}/api/webhooks/tickets?connectorId=${connectorId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signGenericWebhook(SECRET, raw, Math.floor(Date.now() / 1000)),
    },
    body: raw,
  });
  return res.status;
}

interface PgMessage {
  threadRootId: number | null;
  card: Record<string, unknown> | null;
}
const roots = async (ext: string) => {
  const res = await fetch(`${app.url}/playground/api/messages?personId=${team.personIds[ext]}`);
  return ((await res.json()) as { messages: PgMessage[] }).messages.filter(
    (m) => m.threadRootId === null && m.card,
  );
};

describe('ticket webhook → analysis → support-risk alert', () => {
  it('a hostile legal-threat ticket alerts the customer’s CSM in their thread', async () => {
    const now = new Date().toISOString();
    const status = await send({
      deliveryId: 'd-1',
      tickets: [
        {
          id: 'WH-1',
          subject: 'Formal notice',
          body: 'This is unacceptable. Your outage cost us a week of revenue and our legal team is preparing a claim for breach of the SLA. Fix it or we sue.',
          organizationId: 'cust-1',
          createdAt: now,
          updatedAt: now,
        },
      ],
    });
    expect(status).toBeLessThan(300);
    const [card] = await eventually(
      async () => ((await roots('csm-1')).length ? roots('csm-1') : null),
      30_000,
    );
    const text = JSON.stringify(card!.card);
    expect(text).toContain('Northwind');
    expect(text).toContain('Formal notice');
    expect(text).toMatch(/Legal threat/);
    // The card says why, in the ticket's own words (issue 17), and the API keeps the same phrases.
    const facts: { title?: string; value?: string }[] = [];
    JSON.stringify(card!.card, (_k, v: unknown) => {
      if (v && typeof v === 'object' && 'title' in v && 'value' in v)
        facts.push(v as { title: string; value: string });
      return v;
    });
    const why = facts.find((x) => x.title === 'Why')?.value ?? '';
    expect(why).toMatch(/'[^']*\bsue\b[^']*'/); // the phrase that decided, e.g. 'sue' or 'or we sue'
    expect(why).toContain("'unacceptable'");
    const listed = (await team.api.get(`/api/v1/tickets?connectorId=${connectorId}`)).body.tickets as {
      externalId: string;
      analysis: { explanation: { sentiment: string[]; category: string[] } };
    }[];
    const stored = listed.find((t) => t.externalId === 'WH-1')!.analysis.explanation;
    expect(stored.category).toEqual(expect.arrayContaining(['sue', 'breach of the sla']));
    expect(stored.sentiment).toContain('unacceptable');
    const open = (await team.api.get('/api/v1/alerts?status=open')).body.alerts as { type: string }[];
    expect(open.map((a) => a.type)).toEqual(['support_risk']);
  });

  it('a polite feature request by the same webhook is scored and alerts nobody', async () => {
    const now = new Date().toISOString();
    expect(
      await send({
        deliveryId: 'd-2',
        tickets: [
          {
            id: 'WH-2',
            subject: 'Idea: dark mode',
            body: 'Hi team, would you consider a dark mode for the dashboard? No rush at all — thanks, we really enjoy using the product.',
            organizationId: 'cust-3',
            createdAt: now,
            updatedAt: now,
          },
        ],
      }),
    ).toBeLessThan(300);
    const analysed = await eventually(async () => {
      const r = await team.api.get(`/api/v1/tickets?connectorId=${connectorId}`);
      const t = (r.body.tickets as { externalId: string; analysis: unknown }[]).find(
        (x) => x.externalId === 'WH-2',
      );
      return t?.analysis ? t : null;
    });
    expect(analysed.analysis).toMatchObject({ sentiment: { label: 'positive' } });
    expect(await roots('csm-2')).toHaveLength(0);
    const open = (await team.api.get('/api/v1/alerts?status=open')).body.alerts as unknown[];
    expect(open).toHaveLength(1);
  });
});
