/**
 * Helpdesk webhook bodies of the real-world corpus (helpdesk/*.json, PROVENANCE.md), replayed
 * through the signed ticket webhook endpoint of the running product against the local Zendesk and
 * Freshdesk fakes. Zendesk bodies are sent as found, signed at send time with the secret Zendesk
 * issued (HMAC-SHA256 of timestamp + body); the fake's tickets are numbered from 35436 so the
 * prismatic delivery needs no change, the messaging event's ticket 141 → 35437. Freshdesk bodies
 * go as found with the connector's X-Fincelo-Webhook-Secret header.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../../helpers/app.js';
import { FakeZendesk } from '../../fakes/helpdesks/zendesk.js';
import { FakeFreshdesk } from '../../fakes/helpdesks/freshdesk.js';
import { seedTickets } from '../../fakes/helpdesks/common.js';
import { corpusFiles, corpusText, describeCorpus } from './corpus.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
const zd = new FakeZendesk();
const fd = new FakeFreshdesk();

describeCorpus('real-world helpdesk webhooks', () => {
  let zdHook: string;
  let zdId: string;
  let fdHook: string;
  let fdId: string;
  let fdSecret: string;

  beforeAll(async () => {
    await zd.start();
    await fd.start();
    db = await createTestDatabase();
    app = await startTestApp(db);
    team = await seedTeam(app);
    const connect = async (platform: string, credentials: Record<string, string>, baseUrl: string) => {
      const r = await team.api.post('/api/v1/connectors', {
        platform,
        credentials,
        baseUrl,
        syncMode: 'both',
      });
      expect(r.status).toBe(201);
      // The first sync (of an empty helpdesk) ends before any webhook is sent.
      await eventually(
        async () => (await team.api.get(`/api/v1/connectors/${r.body.id}`)).body.connector.lastSyncAt,
      );
      return r.body as { id: string; webhookUrl: string; webhookSecret?: string };
    };
    ({ id: zdId, webhookUrl: zdHook } = await connect('zendesk', zd.credentials(), zd.url));
    const f = await connect('freshdesk', fd.credentials(), fd.url);
    ({ id: fdId, webhookUrl: fdHook } = f);
    fdSecret = f.webhookSecret!;
    zd.upsert(seedTickets(2, { startId: 35436 }));
    fd.upsert(seedTickets(1, { startId: 11 }));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await zd.stop();
    await fd.stop();
  });

  const zdSecret = () => [...zd.webhooks.values()][0]!.secret;
  const sendZendesk = (body: string) =>
    fetch(zdHook, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...FakeZendesk.sign(zdSecret(), body, new Date()) },
      body,
    });
  const stored = async (connectorId: string) =>
    (
      (await team.api.get(`/api/v1/tickets?connectorId=${connectorId}&limit=1000`)).body.tickets as {
        externalId: string;
        subject: string;
      }[]
    ).map((t) => t.externalId);
  const ticketFetches = (ids: string) =>
    zd.server.calls.filter((c) => c.path === '/api/v2/tickets/show_many.json' && c.query.ids === ids).length;

  it('the corpus holds the six helpdesk bodies this suite replays', () => {
    expect(corpusFiles('helpdesk')).toEqual([
      'freshdesk-zulip-public_note.json',
      'freshdesk-zulip-status_changed.json',
      'freshdesk-zulip-ticket_created.json',
      'zendesk-event-messaging-message-added-docs.json',
      'zendesk-event-ticket-created-prismatic.json',
      'zendesk-event-user-active-changed-docs.json',
    ]);
  });

  it('zendesk ticket.created (prismatic capture, as found): ticket 35436 fetched and stored', async () => {
    const r = await sendZendesk(corpusText('helpdesk/zendesk-event-ticket-created-prismatic.json'));
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ ok: true, inserted: 1 });
    expect(await stored(zdId)).toEqual(['35436']);
  });

  it('zendesk user.active_changed (docs example): acknowledged, ignored, no ticket fetched', async () => {
    const before = zd.server.calls.length;
    const r = await sendZendesk(corpusText('helpdesk/zendesk-event-user-active-changed-docs.json'));
    expect(r.status).toBe(200);
    expect((await r.json()).ignored).toContain('zen:event-type:user.active_changed');
    // Not a request for ticket 6596848315901 (the user's id): no call to Zendesk at all.
    expect(ticketFetches('6596848315901')).toBe(0);
    expect(zd.server.calls.length).toBe(before);
    expect(await stored(zdId)).toEqual(['35436']);
  });

  it('zendesk messaging_ticket.message_added (docs, ticket 141 → 35437): the ticket is stored', async () => {
    const body = corpusText('helpdesk/zendesk-event-messaging-message-added-docs.json')
      .replace('"id": "141"', '"id": "35437"')
      .replace('zen:ticket:141', 'zen:ticket:35437');
    const r = await sendZendesk(body);
    expect(r.status).toBe(200);
    expect(ticketFetches('35437')).toBe(1);
    expect((await stored(zdId)).sort()).toEqual(['35436', '35437']);
  });

  it('freshdesk automation bodies (zulip fixtures, as found): ticket 11 stored once, then unchanged', async () => {
    const outcomes: Record<string, unknown>[] = [];
    for (const f of [
      'freshdesk-zulip-ticket_created.json',
      'freshdesk-zulip-status_changed.json',
      'freshdesk-zulip-public_note.json',
    ]) {
      const r = await fetch(fdHook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fincelo-webhook-secret': fdSecret },
        body: corpusText(`helpdesk/${f}`),
      });
      expect(r.status).toBe(200);
      outcomes.push((await r.json()) as Record<string, unknown>);
    }
    expect(outcomes.map((o) => [o.inserted, o.unchanged])).toEqual([
      [1, 0],
      [0, 1],
      [0, 1],
    ]);
    expect(await stored(fdId)).toEqual(['11']);
    // Without the secret header the same body is refused and nothing more is stored.
    const refused = await fetch(fdHook, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: corpusText('helpdesk/freshdesk-zulip-ticket_created.json'),
    });
    expect(refused.status).toBe(401);
  });
});
