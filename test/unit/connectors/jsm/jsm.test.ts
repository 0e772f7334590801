import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildJql, jqlDate, jsm } from '../../../../src/connectors/jsm/index.js';
import { mapIssue, parseJiraDate } from '../../../../src/connectors/jsm/map.js';
import { contextFor } from '../../../../src/connectors/runtime/sync.js';
import { ConnectorError } from '../../../../src/connectors/runtime/errors.js';
import { WebhookParseError, type Cursor, type WebhookRequest } from '../../../../src/connectors/types.js';
import { JSM_ORG_FIELD, startFakeJsm, type FakeJsm } from '../../../fakes/helpdesks/jsm.js';
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
const sig = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('JSM mapping', () => {
  it('maps an issue: ADF description, reporter, first organisation, link on the real site', () => {
    const t = mapIssue(
      {
        id: '10042',
        key: 'SUP-42',
        self: 'https://acme.atlassian.net/rest/api/3/issue/10042',
        fields: {
          summary: 'Cannot export invoices',
          description: {
            type: 'doc',
            version: 1,
            content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Export fails.' }] }],
          },
          status: { name: 'Waiting for support', statusCategory: { key: 'new' } },
          priority: { name: 'High' },
          reporter: { accountId: 'a', emailAddress: 'Jane@Customer.test' },
          created: '2026-03-01T10:00:00.000+0100',
          updated: '2026-03-02T11:30:15.250+0000',
          issuetype: { name: 'Service Request' },
          [JSM_ORG_FIELD]: [
            { id: '7', name: 'Customer Co' },
            { id: '8', name: 'Other' },
          ],
        },
      },
      JSM_ORG_FIELD,
    );
    expect(t).toMatchObject({
      externalId: '10042',
      subject: 'Cannot export invoices',
      body: 'Export fails.',
      status: 'Waiting for support',
      priority: 'High',
      requesterEmail: 'Jane@Customer.test',
      organization: 'Customer Co',
      organizationExternalId: '7',
      url: 'https://acme.atlassian.net/browse/SUP-42',
    });
    expect(t.createdAt!.toISOString()).toBe('2026-03-01T09:00:00.000Z');
    expect(t.updatedAt!.toISOString()).toBe('2026-03-02T11:30:15.250Z');
  });

  it('copes with a hidden reporter email, no organisation field and no description', () => {
    const t = mapIssue(
      { id: '1', key: 'SUP-1', fields: { summary: 'x', reporter: { accountId: 'a' }, description: null } },
      null,
    );
    expect(t).toMatchObject({ requesterEmail: null, organization: null, body: '', url: null });
  });

  it('parses Jira timestamps whose offset has no colon', () => {
    expect(parseJiraDate('2020-05-08T07:55:44.099+0000')!.toISOString()).toBe('2020-05-08T07:55:44.099Z');
    expect(parseJiraDate('2020-05-08T07:55:44.099-0530')!.toISOString()).toBe('2020-05-08T13:25:44.099Z');
    expect(parseJiraDate('nonsense')).toBeNull();
  });

  it('writes JQL in the user time zone, minute precision, rounded down, ascending', () => {
    const at = new Date('2026-01-15T08:59:59.999Z');
    expect(jqlDate(at, 'Europe/Berlin')).toBe('2026-01-15 09:59');
    expect(jqlDate(at, 'UTC')).toBe('2026-01-15 08:59');
    expect(buildJql(at, 'America/New_York', undefined)).toBe(
      'updated >= "2026-01-15 03:59" ORDER BY updated ASC',
    );
    expect(buildJql(at, 'UTC', 'sup, help, bad;key')).toBe(
      'project in (SUP, HELP) AND updated >= "2026-01-15 08:59" ORDER BY updated ASC',
    );
  });
});

describe('JSM webhooks', () => {
  const body = JSON.stringify({ webhookEvent: 'jira:issue_created', issue: { id: '10001', key: 'SUP-1' } });

  it('accepts sha256=<hex HMAC of the raw body> and refuses anything else', () => {
    expect(jsm.verifyWebhook(req(body, { 'x-hub-signature': sig('s3cret', body) }), 's3cret')).toEqual({
      ok: true,
    });
    expect(jsm.verifyWebhook(req(body, { 'x-hub-signature': sig('other', body) }), 's3cret').ok).toBe(false);
    expect(jsm.verifyWebhook(req(`${body} `, { 'x-hub-signature': sig('s3cret', body) }), 's3cret').ok).toBe(
      false,
    );
    expect(jsm.verifyWebhook(req(body, { 'x-hub-signature': 'sha1=abc' }), 's3cret').ok).toBe(false);
    expect(jsm.verifyWebhook(req(body, {}), 's3cret').ok).toBe(false);
    expect(jsm.verifyWebhook(req(body, { 'x-hub-signature': sig('', body) }), null).ok).toBe(false);
  });

  it('asks for the issue to be re-read, keyed by the delivery id; ignores other events; rejects malformed', () => {
    const r = req(body, { 'x-atlassian-webhook-identifier': 'abc-123' });
    expect(jsm.parseWebhook(JSON.parse(body), r)).toEqual({
      tickets: [],
      fetchIds: ['10001'],
      deliveryId: 'jsm:abc-123',
    });
    expect(
      jsm.parseWebhook({ webhookEvent: 'comment_created', issue: { id: 5 }, comment: {} }, r).fetchIds,
    ).toEqual(['5']);
    expect(
      jsm.parseWebhook({ webhookEvent: 'jira:issue_deleted', issue: { id: '5' } }, r).fetchIds,
    ).toBeUndefined();
    expect(() => jsm.parseWebhook({ webhookEvent: 'jira:issue_updated' }, r)).toThrow(WebhookParseError);
    expect(() => jsm.parseWebhook([1, 2], r)).toThrow(WebhookParseError);
    expect(() => jsm.parseWebhook({ issue: { id: '1' } }, r)).toThrow(WebhookParseError);
  });
});

describe('JSM against the fake Jira Cloud', () => {
  let fake: FakeJsm;
  const ctx = (over: Record<string, string> = {}) =>
    contextFor(jsm, { ...fake.credentials(), ...over }, fake.url, new Date(), { baseDelayMs: 5 });

  beforeAll(async () => {
    fake = await startFakeJsm({ timeZone: 'Asia/Kolkata' });
  });
  afterAll(() => fake.close());

  it('Test & Connect: names the account, or the field at fault', async () => {
    expect(await jsm.test(ctx())).toEqual({
      ok: true,
      account: expect.stringContaining('Acme Support Agent'),
    });
    expect(await jsm.test(ctx({ apiToken: 'nope' }))).toMatchObject({ ok: false, field: 'apiToken' });
    expect(await jsm.test(ctx({ email: 'not-an-email' }))).toMatchObject({ ok: false, field: 'email' });
    expect(await jsm.test(ctx({ subdomain: '' }))).toMatchObject({ ok: false, field: 'subdomain' });
    fake.setCanBrowse(false);
    try {
      expect(await jsm.test(ctx())).toMatchObject({
        ok: false,
        field: 'email',
        message: expect.stringContaining('Browse projects'),
      });
    } finally {
      fake.setCanBrowse(true);
    }
    const unreachable = contextFor(jsm, fake.credentials(), 'http://127.0.0.1:9', new Date(), {
      maxAttempts: 1,
    });
    expect(await jsm.test(unreachable)).toMatchObject({ ok: false, field: 'subdomain' });
  });

  it('pages with nextPageToken through the enhanced search, reading `since` in the user time zone', async () => {
    fake.setClock(new Date('2026-02-01T00:00:00Z'));
    fake.seed(100, 7, { reporter: (i) => (i === 0 ? null : `r${i}@customer.test`) });
    fake.setPageSize(3);
    // Since the 3rd issue's update (00:00:03Z), rounded down to the minute: every issue of that minute.
    const since = new Date('2026-02-01T00:00:03.500Z');
    const pages: { ids: string[]; cursor: Cursor; done: boolean }[] = [];
    let cursor: Cursor | null = null;
    for (let i = 0; i < 5; i++) {
      const p = await jsm.fetchPage(ctx(), cursor, { since });
      pages.push({ ids: p.tickets.map((t) => t.externalId), cursor: p.cursor, done: p.done });
      cursor = p.cursor;
      if (p.done) break;
    }
    expect(pages.map((p) => p.ids)).toEqual([['100', '101', '102'], ['103', '104', '105'], ['106']]);
    expect(pages.map((p) => p.done)).toEqual([false, false, true]);
    const search = fake.calls.filter((c) => c.path === '/rest/api/3/search/jql');
    // 00:00 UTC is 05:30 in Kolkata.
    expect(search[0]!.query.jql).toBe('updated >= "2026-02-01 05:30" ORDER BY updated ASC');
    expect(search[1]!.query.nextPageToken).toBeTruthy();
    expect(JSON.parse(search[0]!.query.fields!)).toContain(JSM_ORG_FIELD);
    expect(fake.calls.some((c) => c.path === '/rest/api/3/search')).toBe(false);
  });

  it('restarts from its newest ticket when a saved nextPageToken has expired', async () => {
    const first = await jsm.fetchPage(ctx(), null, { since: new Date('2026-02-01T00:00:00Z') });
    const stale = { ...first.cursor, token: 'expired-token' };
    const p = await jsm.fetchPage(ctx(), stale, { since: new Date(0) });
    expect(p.tickets.map((t) => t.externalId)).toEqual(['100', '101', '102']);
    expect(fake.calls.at(-2)!.status).toBe(400);
  });

  it('re-reads webhook issues read-after-write (reconcileIssues)', async () => {
    const t = await jsm.fetchTickets!(ctx(), ['101', '103', 'bogus']);
    expect(t.map((x) => x.externalId).sort()).toEqual(['101', '103']);
    expect(t[0]!.organization).toBe('Customer Co');
    const call = fake.calls.at(-1)!;
    expect(call.query.jql).toBe('id in (101,103)');
    expect(JSON.parse(call.query.reconcileIssues!)).toEqual([101, 103]);
  });

  it('an expired token is a ConnectorError naming apiToken', async () => {
    fake.setExpired(true);
    try {
      const err = await jsm.fetchPage(ctx(), null, { since: new Date(0) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectorError);
      expect(err).toMatchObject({ code: 'auth', field: 'apiToken' });
    } finally {
      fake.setExpired(false);
    }
  });
});
