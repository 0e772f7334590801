import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { intercom, INTERCOM_PAGE_SIZE } from '../../../../src/connectors/intercom/index.js';
import { mapConversation } from '../../../../src/connectors/intercom/map.js';
import { contextFor } from '../../../../src/connectors/runtime/sync.js';
import { ConnectorError } from '../../../../src/connectors/runtime/errors.js';
import { WebhookParseError, type Cursor, type WebhookRequest } from '../../../../src/connectors/types.js';
import {
  FAKE_INTERCOM_APP_ID,
  startFakeIntercom,
  type FakeIntercom,
} from '../../../fakes/helpdesks/intercom.js';
import { configureEgress } from '../../../../src/connectors/runtime/egress.js';

// The fake API listens on loopback, which connectors refuse unless allowed (as FINCELO_CONNECTOR_ALLOW_HOSTS does).
configureEgress({ allowHosts: ['127.0.0.1', 'localhost'] });

const req = (body: string, headers: Record<string, string>): WebhookRequest => ({
  headers,
  rawBody: Buffer.from(body),
  url: 'https://fincelo.example/api/webhooks/tickets?connectorId=x',
  method: 'POST',
  now: new Date(),
});
const sig = (secret: string, body: string) => `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;

describe('Intercom mapping', () => {
  it('maps a conversation: HTML body to text, title fallbacks, priority, requester, inbox link', () => {
    const t = mapConversation(
      {
        id: '215000123',
        title: null,
        created_at: 1767225600,
        updated_at: 1767229200,
        state: 'snoozed',
        priority: 'priority',
        source: {
          subject: '',
          body: '<p>Hi team,</p><p>We were <b>charged twice</b> — see <a href="https://billing.example/inv/9">invoice</a>.<br>Thanks</p><img src="x.png">',
          author: { type: 'user', email: 'ana@customer.test', name: 'Ana' },
        },
      },
      'abc123',
    );
    expect(t).toMatchObject({
      externalId: '215000123',
      subject: 'Hi team,',
      status: 'snoozed',
      priority: 'high',
      requesterEmail: 'ana@customer.test',
      url: 'https://app.intercom.com/a/inbox/abc123/inbox/conversation/215000123',
    });
    expect(t.body).toBe(
      'Hi team,\n\nWe were charged twice — see invoice [https://billing.example/inv/9].\nThanks',
    );
    expect(t.createdAt!.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(t.updatedAt!.toISOString()).toBe('2026-01-01T01:00:00.000Z');
  });

  it('prefers the title, then the email subject; an admin-started conversation has no requester', () => {
    const base = {
      id: 1,
      source: {
        subject: '<p>Renewal question</p>',
        body: '<p>x</p>',
        author: { type: 'admin', email: 'csm@us.test' },
      },
    };
    expect(mapConversation({ ...base, title: 'Seats for 2027' }, null).subject).toBe('Seats for 2027');
    const t = mapConversation(base, null);
    expect(t).toMatchObject({ subject: 'Renewal question', requesterEmail: null, url: null, priority: null });
    expect(mapConversation({ id: 7, source: null }, null).subject).toBe('Conversation 7');
  });
});

describe('Intercom webhooks', () => {
  const envelope = (topic: string, item?: unknown) => ({
    type: 'notification_event',
    app_id: 'abc123',
    id: 'notif_1',
    topic,
    created_at: 1767225600,
    data: { type: 'notification_event_data', ...(item ? { item } : {}) },
  });

  it('accepts sha1=<hex HMAC of the raw body under the client secret> and refuses anything else', () => {
    const body = JSON.stringify(envelope('ping'));
    expect(intercom.verifyWebhook(req(body, { 'x-hub-signature': sig('cs', body) }), 'cs')).toEqual({
      ok: true,
    });
    expect(intercom.verifyWebhook(req(body, { 'x-hub-signature': sig('other', body) }), 'cs').ok).toBe(false);
    expect(
      intercom.verifyWebhook(
        req(body, { 'x-hub-signature': sig('cs', body).replace('sha1', 'sha256') }),
        'cs',
      ).ok,
    ).toBe(false);
    expect(intercom.verifyWebhook(req(body, {}), 'cs').ok).toBe(false);
    expect(intercom.verifyWebhook(req(body, { 'x-hub-signature': sig('cs', body) }), null).ok).toBe(false);
  });

  it('maps the conversation a conversation topic carries, keyed by the notification id', () => {
    const item = {
      type: 'conversation',
      id: '42',
      title: 'Help',
      updated_at: 1767225600,
      source: { body: '<p>Hello</p>', author: { type: 'lead', email: 'l@x.test' } },
    };
    const out = intercom.parseWebhook(envelope('conversation.user.created', item), req('', {}));
    expect(out.deliveryId).toBe('intercom:notif_1');
    expect(out.tickets).toHaveLength(1);
    expect(out.tickets[0]).toMatchObject({
      externalId: '42',
      subject: 'Help',
      body: 'Hello',
      requesterEmail: 'l@x.test',
    });
    expect(out.tickets[0]!.url).toContain('/a/inbox/abc123/');
    expect(
      intercom.parseWebhook(envelope('conversation.admin.closed', item), req('', {})).tickets,
    ).toHaveLength(1);
  });

  it('answers ping and other topics with nothing to store; rejects malformed notifications', () => {
    expect(intercom.parseWebhook(envelope('ping'), req('', {})).tickets).toEqual([]);
    expect(intercom.parseWebhook(envelope('contact.user.created', { id: 'c' }), req('', {})).tickets).toEqual(
      [],
    );
    expect(() => intercom.parseWebhook(envelope('conversation.user.replied'), req('', {}))).toThrow(
      WebhookParseError,
    );
    expect(() => intercom.parseWebhook({ topic: 'conversation.user.created' }, req('', {}))).toThrow(
      WebhookParseError,
    );
    expect(() => intercom.parseWebhook('x', req('', {}))).toThrow(WebhookParseError);
  });
});

describe('Intercom against the fake API', () => {
  let fake: FakeIntercom;
  const ctx = (over: Record<string, string> = {}) =>
    contextFor(intercom, { ...fake.credentials(), ...over }, fake.url, new Date(), { baseDelayMs: 5 });

  beforeAll(async () => {
    fake = await startFakeIntercom();
  });
  afterAll(() => fake.close());

  it('derives the regional API host', () => {
    expect(intercom.baseUrl({ accessToken: 'x' })).toBe('https://api.intercom.io');
    expect(intercom.baseUrl({ accessToken: 'x', region: 'EU' })).toBe('https://api.eu.intercom.io');
    expect(intercom.baseUrl({ accessToken: 'x', region: 'au' })).toBe('https://api.au.intercom.io');
  });

  it('Test & Connect: names the workspace, or the token and what it lacks', async () => {
    expect(await intercom.test(ctx())).toEqual({ ok: true, account: 'Acme' });
    expect(fake.calls.at(-1)!.version).toBe('2.11');
    expect(await intercom.test(ctx({ accessToken: 'wrong' }))).toMatchObject({
      ok: false,
      field: 'accessToken',
    });
    fake.denyConversations();
    try {
      expect(await intercom.test(ctx())).toMatchObject({
        ok: false,
        field: 'accessToken',
        message: expect.stringContaining('Read conversations'),
      });
    } finally {
      fake.denyConversations(false);
    }
  });

  it('pages with starting_after on updated_at > since, ascending, at most 150 per page', async () => {
    const seeded = fake.seed(500, 320);
    fake.touchSameSecond(['510', '511']);
    const since = new Date((seeded[0]!.updatedAt - 1) * 1000 + 400);
    const ids: string[] = [];
    let cursor: Cursor | null = null;
    let pages = 0;
    for (;;) {
      const p = await intercom.fetchPage(ctx(), cursor, { since });
      ids.push(...p.tickets.map((t) => t.externalId));
      pages++;
      cursor = p.cursor;
      if (p.done) break;
    }
    expect(pages).toBe(3);
    expect(new Set(ids).size).toBe(320);
    expect(ids.slice(-2)).toEqual(['510', '511']);
    const searches = fake.calls.filter((c) => c.path === '/conversations/search').slice(-3);
    const first = searches[0]!.body as {
      query: unknown;
      sort: unknown;
      pagination: { per_page: number; starting_after?: string };
    };
    expect(first.query).toEqual({
      operator: 'AND',
      value: [{ field: 'updated_at', operator: '>', value: seeded[0]!.updatedAt - 2 }],
    });
    expect(first.sort).toEqual({ field: 'updated_at', order: 'ascending' });
    expect(first.pagination).toEqual({ per_page: INTERCOM_PAGE_SIZE });
    expect((searches[1]!.body as typeof first).pagination.starting_after).toBeTruthy();
    const tickets = await intercom.fetchPage(ctx(), null, { since });
    expect(tickets.tickets[0]!.url).toContain(`/a/inbox/${FAKE_INTERCOM_APP_ID}/`);
  });

  it('re-reads conversations by id, skipping deleted ones', async () => {
    const t = await intercom.fetchTickets!(ctx(), ['500', '999999']);
    expect(t.map((x) => x.externalId)).toEqual(['500']);
  });

  it('an expired token is a ConnectorError naming accessToken', async () => {
    fake.setExpired(true);
    try {
      const err = await intercom.fetchPage(ctx(), null, { since: new Date(0) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectorError);
      expect(err).toMatchObject({ code: 'auth', field: 'accessToken' });
    } finally {
      fake.setExpired(false);
    }
  });
});
