/**
 * A local fake of the Zendesk Support API, as documented (see src/connectors/zendesk/QUIRKS.md):
 * Basic auth `{email}/token:{token}`; `users/me` answering anonymous callers with id null; the
 * cursor-based incremental ticket export (`start_time` then `cursor`, `after_cursor`,
 * `end_of_stream`, at most 1000 per page, changes from the last minute withheld, sideloaded
 * users and organizations); `tickets/show_many`; the webhooks API with its signing secret;
 * account rate-limit headers and 429 + Retry-After when told to.
 */
import { createHmac } from 'node:crypto';
import { basicAuth, FakeHelpdeskServer, type FakeTicketSeed } from './common.js';

export const ZENDESK_MAX_PAGE = 1000;

export class FakeZendesk {
  readonly email = 'admin@acme.example';
  token = 'zd-token-0123456789abcdef';
  role = 'admin';
  tickets = new Map<number, FakeTicketSeed>();
  /** Page size the fake serves (≤ 1000), to exercise paging with few tickets. */
  pageSize = ZENDESK_MAX_PAGE;
  webhooks = new Map<string, { endpoint: string; secret: string; subscriptions: string[] }>();
  now = () => Date.now();
  readonly server: FakeHelpdeskServer;
  private nextWebhook = 1;

  constructor() {
    this.server = new FakeHelpdeskServer((req, url) => this.handle(req, url));
  }

  get url() {
    return this.server.url;
  }
  async start() {
    await this.server.start();
    return this;
  }
  stop() {
    return this.server.stop();
  }
  credentials() {
    return { subdomain: 'acme', email: this.email, apiToken: this.token };
  }
  upsert(list: FakeTicketSeed[]) {
    for (const t of list) this.tickets.set(t.id, { ...t });
  }
  /** Changes tickets as an agent would: new subject, updated_at moved to `at`. */
  change(ids: number[], at: Date) {
    for (const id of ids) {
      const t = this.tickets.get(id);
      if (t)
        this.tickets.set(id, { ...t, subject: `${t.subject} (changed)`, status: 'pending', updatedAt: at });
    }
  }

  /** Signs a webhook delivery as Zendesk does: base64(HMAC-SHA256(secret, timestamp + body)). */
  static sign(secret: string, body: string, at: Date) {
    const ts = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    return {
      'x-zendesk-webhook-signature': createHmac('sha256', secret)
        .update(ts + body)
        .digest('base64'),
      'x-zendesk-webhook-signature-timestamp': ts,
    };
  }

  private user(t: FakeTicketSeed) {
    return { id: 100_000 + t.id, email: t.requesterEmail, name: `User ${t.id}` };
  }
  private orgId(name: string) {
    return 500 + [...name].reduce((a, c) => a + c.charCodeAt(0), 0);
  }
  private render(list: FakeTicketSeed[]) {
    const orgs = new Map<number, unknown>();
    for (const t of list)
      if (t.organization)
        orgs.set(this.orgId(t.organization), {
          id: this.orgId(t.organization),
          name: t.organization,
          external_id: t.organizationExternalId ?? null,
        });
    return {
      tickets: list.map((t) => ({
        id: t.id,
        url: `${this.url}/api/v2/tickets/${t.id}.json`,
        subject: t.subject,
        // The first comment as plain text, as Zendesk sends it (html_body exists only on comments).
        description: t.body.replace(/<[^>]+>/g, ''),
        status: t.status,
        priority: t.priority,
        requester_id: 100_000 + t.id,
        organization_id: t.organization ? this.orgId(t.organization) : null,
        created_at: t.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        updated_at: t.updatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        generated_timestamp: Math.floor(t.updatedAt.getTime() / 1000),
      })),
      users: list.map((t) => this.user(t)),
      organizations: [...orgs.values()],
    };
  }

  private rateHeaders() {
    return {
      'x-rate-limit': '700',
      'x-rate-limit-remaining': '699',
      'ratelimit-limit': '700',
      'ratelimit-remaining': '699',
      'ratelimit-reset': '60',
    };
  }

  private handle(
    req: { method?: string; body: string; headers: Record<string, unknown> } & Parameters<
      typeof basicAuth
    >[0],
    url: URL,
  ) {
    const auth = basicAuth(req);
    const h = this.rateHeaders();
    const authed =
      !!auth && auth[0] === `${this.email}/token` && auth[1] === this.token && !this.server.expired;
    const p = url.pathname;
    if (p === '/api/v2/users/me.json') {
      if (!auth)
        return {
          status: 200,
          headers: h,
          body: {
            user: { id: null, name: 'Anonymous user', role: 'end-user', email: 'invalid@example.com' },
          },
        };
      if (!authed) return { status: 401, headers: h, body: { error: "Couldn't authenticate you" } };
      return {
        status: 200,
        headers: h,
        body: { user: { id: 42, name: 'Ada Admin', email: this.email, role: this.role } },
      };
    }
    if (!authed) return { status: 401, headers: h, body: { error: "Couldn't authenticate you" } };
    if (p === '/api/v2/incremental/tickets/cursor.json') {
      if (this.role !== 'admin') return { status: 403, headers: h, body: { error: 'Forbidden' } };
      const per = Math.min(
        Number(url.searchParams.get('per_page') ?? ZENDESK_MAX_PAGE),
        ZENDESK_MAX_PAGE,
        this.pageSize,
      );
      const nowSec = Math.floor(this.now() / 1000);
      let after: [number, number];
      const cursor = url.searchParams.get('cursor');
      if (cursor) {
        try {
          const c = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { u: number; id: number };
          after = [c.u, c.id];
        } catch {
          return { status: 400, headers: h, body: { error: 'InvalidCursor' } };
        }
      } else {
        const st = Number(url.searchParams.get('start_time'));
        if (!Number.isFinite(st))
          return {
            status: 400,
            headers: h,
            body: { error: 'InvalidValue', description: 'start_time is required' },
          };
        if (st > nowSec - 60)
          return {
            status: 400,
            headers: h,
            body: {
              error: 'InvalidValue',
              description: 'start_time is too recent; it must be at least one minute in the past',
            },
          };
        after = [st, -1];
      }
      // Changes from the last minute are withheld (they come on a later call).
      const eligible = [...this.tickets.values()]
        .map((t) => ({ t, u: Math.floor(t.updatedAt.getTime() / 1000) }))
        .filter(({ u }) => u <= nowSec - 60)
        .filter(({ t, u }) => u > after[0] || (u === after[0] && t.id > after[1]))
        .sort((a, b) => a.u - b.u || a.t.id - b.t.id);
      const page = eligible.slice(0, per);
      const last = page[page.length - 1];
      const afterCursor = last
        ? Buffer.from(JSON.stringify({ u: last.u, id: last.t.id })).toString('base64url')
        : Buffer.from(JSON.stringify({ u: after[0], id: after[1] })).toString('base64url');
      return {
        status: 200,
        headers: h,
        body: {
          ...this.render(page.map((x) => x.t)),
          after_cursor: afterCursor,
          after_url: `${this.url}/api/v2/incremental/tickets/cursor.json?cursor=${afterCursor}`,
          before_cursor: null,
          end_of_stream: eligible.length <= per,
        },
      };
    }
    if (p === '/api/v2/tickets/show_many.json') {
      const ids = (url.searchParams.get('ids') ?? '').split(',').map(Number);
      return {
        status: 200,
        headers: h,
        body: this.render(ids.map((i) => this.tickets.get(i)).filter((t): t is FakeTicketSeed => !!t)),
      };
    }
    if (p === '/api/v2/webhooks' && req.method === 'POST') {
      const w = (
        JSON.parse(req.body) as {
          webhook: {
            endpoint: string;
            subscriptions: string[];
            http_method: string;
            request_format: string;
            name: string;
            status: string;
          };
        }
      ).webhook;
      if (!w?.endpoint || !w.name || w.http_method !== 'POST' || w.request_format !== 'json')
        return { status: 400, headers: h, body: { errors: [{ code: 'InvalidInput' }] } };
      const id = `01HWEBHOOK${this.nextWebhook++}`;
      this.webhooks.set(id, {
        endpoint: w.endpoint,
        subscriptions: w.subscriptions,
        secret: `zd-sign-${id}-secret`,
      });
      return { status: 201, headers: h, body: { webhook: { id, ...w } } };
    }
    const m = /^\/api\/v2\/webhooks\/([^/]+)(\/signing_secret)?$/.exec(p);
    if (m) {
      const w = this.webhooks.get(decodeURIComponent(m[1]!));
      if (!w) return { status: 404, headers: h, body: { errors: [{ code: 'RecordNotFound' }] } };
      if (m[2])
        return {
          status: 200,
          headers: h,
          body: { signing_secret: { algorithm: 'SHA256', secret: w.secret } },
        };
      if (req.method === 'DELETE') {
        this.webhooks.delete(decodeURIComponent(m[1]!));
        return { status: 204, headers: h };
      }
    }
    return { status: 404, headers: h, body: { error: 'InvalidEndpoint' } };
  }
}
