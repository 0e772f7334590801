import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hubspot, HUBSPOT_SEARCH_CAP } from '../../../../src/connectors/hubspot/index.js';
import { mapTicket } from '../../../../src/connectors/hubspot/map.js';
import { signedUri } from '../../../../src/connectors/hubspot/webhook.js';
import { contextFor } from '../../../../src/connectors/runtime/sync.js';
import { ConnectorError } from '../../../../src/connectors/runtime/errors.js';
import {
  WebhookParseError,
  type Cursor,
  type PlatformContext,
  type WebhookRequest,
} from '../../../../src/connectors/types.js';
import {
  ALL_SCOPES,
  FAKE_PORTAL_ID,
  signHubSpotV3,
  startFakeHubSpot,
  type FakeHubSpot,
} from '../../../fakes/helpdesks/hubspot.js';
import { configureEgress } from '../../../../src/connectors/runtime/egress.js';

// The fake API listens on loopback, which connectors refuse unless allowed (as FINCELO_CONNECTOR_ALLOW_HOSTS does).
configureEgress({ allowHosts: ['127.0.0.1', 'localhost'] });

const URL_ = 'https://fincelo.example/api/webhooks/tickets?connectorId=3f0c%3A1';
const now = new Date('2026-03-01T12:00:00Z');
const req = (
  body: string,
  headers: Record<string, string>,
  over: Partial<WebhookRequest> = {},
): WebhookRequest => ({
  headers,
  rawBody: Buffer.from(body),
  url: URL_,
  method: 'POST',
  now,
  ...over,
});

describe('HubSpot mapping', () => {
  it('maps a ticket: stage label as status, priority, requester and company from associations, record link', () => {
    const t = mapTicket(
      {
        id: '1234',
        properties: {
          subject: 'Data import stuck',
          content: 'Our nightly import has not run since Monday.',
          hs_pipeline: '0',
          hs_pipeline_stage: '3',
          hs_ticket_priority: 'HIGH',
          createdate: '2026-02-27T08:00:00.000Z',
          hs_lastmodifieddate: '2026-02-28T09:15:00.123Z',
        },
      },
      {
        stages: { '3': 'Waiting on us' },
        portalId: '24681357',
        uiDomain: 'app-eu1.hubspot.com',
        parties: { email: 'ops@customer.test', company: { id: '901', name: 'Customer Co' } },
      },
    );
    expect(t).toMatchObject({
      externalId: '1234',
      subject: 'Data import stuck',
      body: 'Our nightly import has not run since Monday.',
      status: 'Waiting on us',
      priority: 'high',
      requesterEmail: 'ops@customer.test',
      organization: 'Customer Co',
      organizationExternalId: '901',
      url: 'https://app-eu1.hubspot.com/contacts/24681357/record/0-5/1234',
    });
    expect(t.updatedAt!.toISOString()).toBe('2026-02-28T09:15:00.123Z');
  });

  it('falls back to the default pipeline labels and an id-based subject', () => {
    const t = mapTicket(
      { id: '9', properties: { hs_pipeline_stage: '4', subject: ' ' } },
      { stages: {}, portalId: null, uiDomain: null },
    );
    expect(t).toMatchObject({
      subject: 'Ticket 9',
      status: 'Closed',
      url: null,
      requesterEmail: null,
      organization: null,
    });
  });
});

describe('HubSpot v3 webhook signatures', () => {
  const body = JSON.stringify([
    { eventId: 1, subscriptionType: 'ticket.creation', objectId: 77, occurredAt: now.getTime() },
  ]);

  it('accepts base64 HMAC-SHA256 of method + URI + body + timestamp within 5 minutes', () => {
    const h = signHubSpotV3('app-secret', 'POST', URL_, body, now.getTime() - 60_000);
    expect(hubspot.verifyWebhook(req(body, h), 'app-secret')).toEqual({ ok: true });
  });

  it('decodes the documented percent-encodings of the URI before signing', () => {
    expect(signedUri('https://x.test/p%3Fa?b=%3A%2F%40%21%24%27%28%29%2A%2C%3B%20')).toBe(
      "https://x.test/p?a?b=:/@!$'()*,;%20",
    );
  });

  it('refuses a stale or far-future timestamp, a wrong secret, another URL or method, a changed body', () => {
    const stale = signHubSpotV3('app-secret', 'POST', URL_, body, now.getTime() - 5 * 60_000 - 1);
    expect(hubspot.verifyWebhook(req(body, stale), 'app-secret')).toEqual({
      ok: false,
      reason: expect.stringContaining('5-minute'),
    });
    const future = signHubSpotV3('app-secret', 'POST', URL_, body, now.getTime() + 10 * 60_000);
    expect(hubspot.verifyWebhook(req(body, future), 'app-secret').ok).toBe(false);
    const good = signHubSpotV3('app-secret', 'POST', URL_, body, now.getTime());
    expect(hubspot.verifyWebhook(req(body, good), 'other-secret').ok).toBe(false);
    expect(
      hubspot.verifyWebhook(req(body, good, { url: URL_.replace('3f0c', '3f0d') }), 'app-secret').ok,
    ).toBe(false);
    expect(hubspot.verifyWebhook(req(body, good, { method: 'PUT' }), 'app-secret').ok).toBe(false);
    expect(hubspot.verifyWebhook(req(body.replace('77', '78'), good), 'app-secret').ok).toBe(false);
    expect(
      hubspot.verifyWebhook(
        req(body, { 'x-hubspot-signature-v3': good['x-hubspot-signature-v3'] }),
        'app-secret',
      ).ok,
    ).toBe(false);
    expect(hubspot.verifyWebhook(req(body, good), null).ok).toBe(false);
  });

  it('asks for the tickets of ticket events to be re-read; a batch keeps one delivery id', () => {
    const events = [
      { eventId: 11, subscriptionType: 'ticket.creation', objectId: 5 },
      { eventId: 12, subscriptionType: 'ticket.propertyChange', objectId: 5, propertyName: 'subject' },
      { eventId: 13, subscriptionType: 'object.propertyChange', objectTypeId: '0-5', objectId: 6 },
      { eventId: 14, subscriptionType: 'ticket.deletion', objectId: 7 },
      { eventId: 15, subscriptionType: 'contact.creation', objectId: 8 },
    ];
    const out = hubspot.parseWebhook(events, req('', {}));
    expect(out.fetchIds).toEqual(['5', '6']);
    expect(out.deliveryId).toMatch(/^hubspot:[0-9a-f]{32}$/);
    expect(hubspot.parseWebhook([...events].reverse(), req('', {})).deliveryId).toBe(out.deliveryId);
    expect(() => hubspot.parseWebhook({ eventId: 1 }, req('', {}))).toThrow(WebhookParseError);
    expect(() =>
      hubspot.parseWebhook([{ eventId: 1, subscriptionType: 'ticket.creation' }], req('', {})),
    ).toThrow(WebhookParseError);
  });
});

describe('HubSpot against the fake CRM API', () => {
  let fake: FakeHubSpot;
  const ctx = (over: Record<string, string> = {}): PlatformContext =>
    contextFor(hubspot, { ...fake.credentials(), ...over }, fake.url, new Date(), { baseDelayMs: 5 });
  async function drain(since: Date, max = 200) {
    const ids: string[] = [];
    let cursor: Cursor | null = null;
    let pages = 0;
    for (; pages < max;) {
      const p = await hubspot.fetchPage(ctx(), cursor, { since });
      pages++;
      ids.push(...p.tickets.map((t) => t.externalId));
      if (JSON.stringify(p.cursor) === JSON.stringify(cursor)) throw new Error('cursor did not move');
      cursor = p.cursor;
      if (p.done) break;
    }
    return { ids, pages };
  }

  beforeAll(async () => {
    fake = await startFakeHubSpot();
  });
  afterAll(() => fake.close());

  it('Test & Connect: proves the token and the tickets scope, naming the field', async () => {
    expect(await hubspot.test(ctx())).toEqual({ ok: true, account: `HubSpot account ${FAKE_PORTAL_ID}` });
    expect(await hubspot.test(ctx({ accessToken: 'pat-na1-wrong' }))).toMatchObject({
      ok: false,
      field: 'accessToken',
      message: expect.stringContaining('rejected'),
    });
    fake.setScopes(['crm.objects.contacts.read']);
    try {
      expect(await hubspot.test(ctx())).toMatchObject({
        ok: false,
        field: 'accessToken',
        message: expect.stringContaining('"tickets" scope'),
      });
    } finally {
      fake.setScopes(ALL_SCOPES);
    }
  });

  it('searches hs_lastmodifieddate ≥ since ascending, with stage labels, requester and company', async () => {
    const seeded = fake.seed(1, 5, { stage: '88' });
    fake.seed(6, 1, { contactId: null, companyId: null });
    const p = await hubspot.fetchPage(ctx(), null, { since: new Date(seeded[0]!.modified) });
    expect(p.done).toBe(true);
    expect(p.tickets.map((t) => t.externalId)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(p.tickets[0]).toMatchObject({
      status: 'Escalated to engineering',
      requesterEmail: 'jane@customer.test',
      organization: 'Customer Co',
      organizationExternalId: '901',
    });
    expect(p.tickets[5]).toMatchObject({ requesterEmail: null, organization: null });
    const search = fake.calls.find((c) => c.path === '/crm/v3/objects/tickets/search')!;
    expect(search.body).toMatchObject({
      filterGroups: [
        {
          filters: [
            { propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(seeded[0]!.modified) },
          ],
        },
      ],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
      limit: 200,
    });
  });

  it('without associations scopes, tickets are still stored, just without requester and company', async () => {
    fake.setScopes(['tickets']);
    try {
      const p = await hubspot.fetchPage(ctx(), null, { since: new Date(0) });
      expect(p.tickets.length).toBeGreaterThan(0);
      expect(p.tickets[0]).toMatchObject({ requesterEmail: null, organization: null });
    } finally {
      fake.setScopes(ALL_SCOPES);
    }
  });

  it('restarts the search from the last modified date before the 10,000-result cap: no gap', async () => {
    fake.tickets.clear();
    fake.seed(100_000, HUBSPOT_SEARCH_CAP + 450, { stepMs: 1, contactId: null, companyId: null });
    const { ids } = await drain(new Date(0));
    const unique = new Set(ids);
    expect(unique.size).toBe(HUBSPOT_SEARCH_CAP + 450);
    // The restart re-reads the boundary instant (an upsert makes that harmless), never skips.
    expect(ids.length - unique.size).toBeLessThan(5);
    expect(fake.calls.some((c) => c.status === 400)).toBe(false);
  });

  it('walks 10,000+ tickets modified in the same millisecond by id, then carries on after it', async () => {
    fake.tickets.clear();
    fake.seed(200_000, HUBSPOT_SEARCH_CAP + 250, { stepMs: 0, contactId: null, companyId: null });
    fake.seed(300_000, 3, { stepMs: 1000, contactId: null, companyId: null });
    const { ids } = await drain(new Date(0));
    expect(new Set(ids).size).toBe(HUBSPOT_SEARCH_CAP + 253);
    expect(ids.slice(-3)).toEqual(['300000', '300001', '300002']);
    expect(fake.calls.some((c) => c.status === 400)).toBe(false);
    expect(
      fake.calls.some((c) => JSON.stringify(c.body ?? '').includes('"hs_object_id","operator":"GT"')),
    ).toBe(true);
  }, 120_000);

  it('re-reads webhook tickets by batch, skipping deleted ones (207)', async () => {
    const t = await hubspot.fetchTickets!(ctx(), ['300000', '424242', 'x']);
    expect(t.map((x) => x.externalId)).toEqual(['300000']);
  });

  it('retries a 429 without Retry-After by backoff; an expired token is a ConnectorError naming accessToken', async () => {
    fake.rateLimit(2, null);
    const p = await hubspot.fetchPage(ctx(), null, { since: new Date(Date.now() - 60_000) });
    expect(p.done).toBe(true);
    expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(2);
    fake.setExpired(true);
    try {
      const err = await hubspot.fetchPage(ctx(), null, { since: new Date(0) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectorError);
      expect(err).toMatchObject({ code: 'auth', field: 'accessToken' });
    } finally {
      fake.setExpired(false);
    }
  });
});
