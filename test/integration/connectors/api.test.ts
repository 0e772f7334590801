/**
 * Connectors over HTTP API v1 against the fake Zendesk, with the real product (role all): Test &
 * Connect (400 naming the field, nothing stored), webhook registered on the platform, the first
 * sync started at once by the worker, masked credentials, tickets listed with their analysis and
 * customer match, Sync now, the minute tick, the admin told in chat, workspace scoping, removal.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createWorkspace } from '../../../src/store/workspaces.js';
import { TICK_JOB } from '../../../src/connectors/feature.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { apiClient, eventually, seedTeam, startTestApp } from '../../helpers/app.js';
import { FakeZendesk } from '../../fakes/helpdesks/zendesk.js';
import { seedTickets } from '../../fakes/helpdesks/common.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
const zd = new FakeZendesk();

beforeAll(async () => {
  await zd.start();
  zd.pageSize = 10;
  const seeds = seedTickets(25);
  // An organisation whose name matches no customer, mapped to Hooli by its external id.
  Object.assign(seeds[0]!, { organization: 'Hooli Holdings GmbH', organizationExternalId: 'cust-3' });
  zd.upsert(seeds);
  db = await createTestDatabase();
  app = await startTestApp(db);
  team = await seedTeam(app);
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
  await zd.stop();
});

describe('POST /api/v1/connectors: Test & Connect', () => {
  const count = async () =>
    (await app.database.pool.query('SELECT count(*)::int AS n FROM connectors')).rows[0].n;

  it.each([
    [{ platform: 'nope', credentials: {} }, 'platform'],
    [
      { platform: 'zendesk', credentials: { email: 'admin@acme.example', apiToken: 'x' } },
      'credentials.subdomain',
    ],
    [
      {
        platform: 'zendesk',
        credentials: { subdomain: 'acme', email: 'admin@acme.example', apiToken: 'wrong' },
      },
      'credentials.apiToken',
    ],
    [
      { platform: 'zendesk', credentials: { subdomain: 'acme', email: 'admin@acme.example' } },
      'credentials.apiToken',
    ],
    [
      {
        platform: 'zendesk',
        credentials: {
          subdomain: 'acme',
          email: 'admin@acme.example',
          apiToken: 'zd-token-0123456789abcdef',
        },
        baseUrl: 'not a url',
      },
      'baseUrl',
    ],
  ])('%j → 400 naming %s, nothing stored', async (body, field) => {
    const r = await team.api.post('/api/v1/connectors', { baseUrl: zd.url, syncMode: 'poll', ...body });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.details)).toContain(field);
    expect(await count()).toBe(0);
  });

  it('refuses a non-admin Zendesk user, naming the email', async () => {
    zd.role = 'agent';
    try {
      const r = await team.api.post('/api/v1/connectors', {
        platform: 'zendesk',
        credentials: zd.credentials(),
        baseUrl: zd.url,
        syncMode: 'poll',
      });
      expect(r.status).toBe(400);
      expect(r.body.details).toHaveProperty(['credentials.email']);
      expect(r.body.error).toMatch(/not an admin/);
    } finally {
      zd.role = 'admin';
    }
  });
});

describe('a connected Zendesk', () => {
  let id: string;
  let webhookUrl: string;

  it('connects, registers its webhook on Zendesk, and starts the first sync at once', async () => {
    const r = await team.api.post('/api/v1/connectors', {
      platform: 'zendesk',
      credentials: zd.credentials(),
      baseUrl: zd.url,
      syncMode: 'both',
      options: { pollMinutes: 30 },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'connected', webhookRegistered: true, warnings: [] });
    expect(r.body.webhookSecret).toBeUndefined(); // Zendesk's own signing secret is stored, not shown
    ({ id, webhookUrl } = r.body);
    expect(webhookUrl).toBe(`${app.url}/api/webhooks/tickets?connectorId=${id}`);
    expect([...zd.webhooks.values()].map((w) => w.endpoint)).toEqual([webhookUrl]);
    const c = await eventually(async () => {
      const g = await team.api.get(`/api/v1/connectors/${id}`);
      return g.body.connector.lastSyncAt && g.body.connector.status === 'connected' ? g.body.connector : null;
    });
    expect(c).toMatchObject({ status: 'connected', ticketsSeen: 25, lastError: null, syncMode: 'both' });
    expect(c.options).toEqual({ pollMinutes: 30, backfillDays: 90 });
    expect(Date.parse(c.nextRunAt) - Date.parse(c.lastSyncAt)).toBe(30 * 60_000);
  });

  it('shows credentials only masked, and stores them encrypted', async () => {
    const list = await team.api.get('/api/v1/connectors');
    expect(list.status).toBe(200);
    expect(list.body.connectors).toHaveLength(1);
    expect(list.body.connectors[0].credentials).toEqual({
      subdomain: 'acme',
      email: 'admin@acme.example',
      apiToken: '••••cdef',
    });
    expect(JSON.stringify(list.body)).not.toContain(zd.token);
    const row = (await app.database.pool.query('SELECT * FROM connectors WHERE id = $1', [id])).rows[0];
    expect(JSON.stringify(row)).not.toContain(zd.token);
    expect(JSON.stringify(row)).not.toContain('zd-sign-');
  });

  it('lists the tickets: normalised, matched to customers, unmatched ones kept', async () => {
    const all = await team.api.get(`/api/v1/tickets?connectorId=${id}&limit=1000`);
    expect(all.status).toBe(200);
    expect(all.body.tickets).toHaveLength(25);
    const t2 = all.body.tickets.find((t: { externalId: string }) => t.externalId === '2');
    expect(t2).toMatchObject({
      subject: 'Ticket 2',
      body: 'Problem number 2',
      status: 'open',
      priority: 'normal',
      requesterEmail: 'user2@hooli.example',
      organization: 'Hooli',
      customerName: 'Hooli',
      url: `${zd.url}/agent/tickets/2`,
    });
    const t1 = all.body.tickets.find((t: { externalId: string }) => t.externalId === '1');
    expect(t1.customerName).toBe('Hooli'); // by the organisation's external id
    const unmatched = await team.api.get(`/api/v1/tickets?connectorId=${id}&unmatched=true&limit=1000`);
    expect(unmatched.body.tickets.length).toBeGreaterThan(0);
    for (const t of unmatched.body.tickets) {
      expect(t.customerId).toBeNull();
      expect(t.organization).toBe('Unknown Ltd');
    }
    const northwind = t2.customerId
      ? await team.api.get(`/api/v1/tickets?customerId=${t2.customerId}&limit=1000`)
      : null;
    expect(northwind?.body.tickets.every((t: { customerName: string }) => t.customerName === 'Hooli')).toBe(
      true,
    );
    expect((await team.api.get('/api/v1/tickets?unmatched=maybe')).status).toBe(400);
  });

  it('returns a ticket with its analysis when one exists (the analysis step writes it; here a known one)', async () => {
    const t = (
      await app.database.pool.query(
        `SELECT id, workspace_id FROM tickets WHERE connector_id = $1 AND external_id = '2'`,
        [id],
      )
    ).rows[0];
    await app.database.pool.query(
      `INSERT INTO ticket_analyses (ticket_id, workspace_id, analyzer, analyzer_version, sentiment_label, sentiment_score,
                                    category_primary, category_confidence, categories, flags)
       VALUES ($1,$2,'test','1','negative',-3,'billing',0.8,'["billing"]','["churn_risk"]')
       ON CONFLICT (ticket_id) DO UPDATE SET analyzer = EXCLUDED.analyzer, sentiment_label = EXCLUDED.sentiment_label,
         category_primary = EXCLUDED.category_primary, flags = EXCLUDED.flags`,
      [t.id, t.workspace_id],
    );
    const all = await team.api.get(`/api/v1/tickets?connectorId=${id}&limit=1000`);
    const t2 = all.body.tickets.find((x: { externalId: string }) => x.externalId === '2');
    expect(t2.analysis).toMatchObject({
      sentiment: { label: 'negative' },
      category: { primary: 'billing' },
      flags: ['churn_risk'],
    });
  });

  it('takes Zendesk webhooks signed with the secret Zendesk issued', async () => {
    zd.upsert(seedTickets(1, { startId: 500 }));
    const secret = [...zd.webhooks.values()][0]!.secret;
    const body = JSON.stringify({
      type: 'zen:event-type:ticket.created',
      id: 'evt-500',
      // Zendesk's event envelope names the changed object in `subject` (zen:ticket:<id>).
      subject: 'zen:ticket:500',
      detail: { id: '500' },
    });
    const r = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...FakeZendesk.sign(secret, body, new Date()) },
      body,
    });
    expect(r.status).toBe(200);
    const t = await team.api.get(`/api/v1/tickets?connectorId=${id}&limit=1000`);
    expect(t.body.tickets).toHaveLength(26);
  });

  it('Sync now picks up changes; the minute tick syncs connectors that are due', async () => {
    zd.change([4], new Date(Date.now() - 3 * 60_000));
    const r = await team.api.post(`/api/v1/connectors/${id}/sync`);
    expect(r.status).toBe(202);
    const state = async () =>
      JSON.stringify(
        (
          await app.database.pool.query(
            'SELECT status, progress, last_error, next_run_at FROM connectors WHERE id = $1',
            [id],
          )
        ).rows[0],
      );
    await eventually(async () => {
      const t = await team.api.get(`/api/v1/tickets?connectorId=${id}&limit=1000`);
      return t.body.tickets
        .find((x: { externalId: string; subject: string }) => x.externalId === '4')
        ?.subject.includes('changed');
    }, 60_000).catch(async (err) => {
      throw new Error(`${(err as Error).message}; connector ${await state()}`);
    });
    // The tick leaves a connector alone while its sync holds the lease: wait for the run to end.
    await eventually(
      async () =>
        (await app.database.pool.query('SELECT status FROM connectors WHERE id = $1', [id])).rows[0]
          .status === 'connected',
    );
    zd.change([6], new Date(Date.now() - 2 * 60_000));
    await app.database.pool.query(
      `UPDATE connectors SET next_run_at = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    // The real minute-tick job (as its Agenda schedule runs it), kicked rather than waited for.
    await app.jobs.scheduler.kick(TICK_JOB);
    await eventually(async () => {
      const t = await team.api.get(`/api/v1/tickets?connectorId=${id}&limit=1000`);
      return t.body.tickets
        .find((x: { externalId: string; subject: string }) => x.externalId === '6')
        ?.subject.includes('changed');
    }, 60_000).catch(async (err) => {
      throw new Error(`${(err as Error).message}; connector ${await state()}`);
    });
  }, 150_000);

  it('tells the workspace admin in chat when the first sync finished', async () => {
    const notices = await eventually(async () => {
      const r = await app.database.pool.query(
        `SELECT payload FROM deliveries WHERE kind = 'notice' AND person_id = $1`,
        [team.personIds['admin-1']],
      );
      return r.rows.length ? r.rows : null;
    });
    expect(notices.map((n) => n.payload.text).join('\n')).toMatch(/first sync finished — 25 tickets stored/);
  });

  it('is invisible to another workspace', async () => {
    const other = await createWorkspace(app.database.db, { name: 'Other' });
    const api = apiClient(app.url, other.apiKey);
    expect((await api.get(`/api/v1/connectors/${id}`)).status).toBe(404);
    expect((await api.post(`/api/v1/connectors/${id}/sync`)).status).toBe(404);
    expect((await api.del(`/api/v1/connectors/${id}`)).status).toBe(404);
    expect((await api.get('/api/v1/connectors')).body.connectors).toEqual([]);
    expect((await api.get(`/api/v1/tickets?connectorId=${id}`)).body.tickets).toEqual([]);
  });

  it('re-tests stored credentials', async () => {
    const r = await team.api.post(`/api/v1/connectors/${id}/test`);
    expect(r.body).toMatchObject({ ok: true });
  });

  it('removal deletes the Zendesk webhook; the tickets stay', async () => {
    const r = await team.api.del(`/api/v1/connectors/${id}`);
    expect(r.status).toBe(200);
    expect(zd.webhooks.size).toBe(0);
    expect((await team.api.get(`/api/v1/connectors/${id}`)).status).toBe(404);
    const left = await app.database.pool.query(
      `SELECT count(*)::int AS n FROM tickets WHERE source_key = $1`,
      [id],
    );
    expect(left.rows[0].n).toBe(26);
    const hook = await fetch(webhookUrl, { method: 'POST', body: '{}' });
    expect(hook.status).toBe(404);
  });
});
