/**
 * A local fake of the Freshdesk API v2, as documented (see src/connectors/freshdesk/QUIRKS.md):
 * Basic auth `{api_key}:X`; `agents/me`; `GET /api/v2/tickets` with `updated_since`,
 * `order_by=updated_at`, `order_type`, `per_page` (max 100) and `page` — at most 300 pages, a
 * `Link: <…>; rel="next"` header while more remain; `include=requester,description`;
 * X-RateLimit-* headers and 429 + Retry-After when told to.
 */
import { basicAuth, FakeHelpdeskServer, type FakeTicketSeed } from './common.js';

export const FRESHDESK_MAX_PER_PAGE = 100;
export const FRESHDESK_MAX_PAGES = 300;
const STATUS: Record<string, number> = { open: 2, pending: 3, resolved: 4, closed: 5 };
const PRIORITY: Record<string, number> = { low: 1, normal: 2, medium: 2, high: 3, urgent: 4 };

export class FakeFreshdesk {
  apiKey = 'fd-key-abcdef0123456789';
  tickets = new Map<number, FakeTicketSeed>();
  readonly server: FakeHelpdeskServer;
  ticketScope = 1;
  /** Page size the fake serves (≤ per_page), to exercise paging with few tickets. */
  pageSize = FRESHDESK_MAX_PER_PAGE;

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
    return { subdomain: 'acme', apiKey: this.apiKey };
  }
  upsert(list: FakeTicketSeed[]) {
    for (const t of list) this.tickets.set(t.id, { ...t });
  }
  change(ids: number[], at: Date) {
    for (const id of ids) {
      const t = this.tickets.get(id);
      if (t)
        this.tickets.set(id, { ...t, subject: `${t.subject} (changed)`, status: 'pending', updatedAt: at });
    }
  }

  private render(t: FakeTicketSeed, include: string[]) {
    return {
      id: t.id,
      subject: t.subject,
      ...(include.includes('description')
        ? { description: t.body, description_text: t.body.replace(/<[^>]+>/g, '') }
        : {}),
      status: STATUS[t.status] ?? 2,
      priority: PRIORITY[t.priority] ?? 1,
      requester_id: 200_000 + t.id,
      ...(include.includes('requester')
        ? { requester: { id: 200_000 + t.id, email: t.requesterEmail, name: `User ${t.id}` } }
        : {}),
      company_id: t.organization ? 900 + t.organization.length : null,
      ...(include.includes('company') && t.organization
        ? { company: { id: 900 + t.organization.length, name: t.organization } }
        : {}),
      created_at: t.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      updated_at: t.updatedAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
  }

  private handle(req: Parameters<typeof basicAuth>[0], url: URL) {
    const auth = basicAuth(req);
    const h = {
      'x-ratelimit-total': '400',
      'x-ratelimit-remaining': '399',
      'x-ratelimit-used-currentrequest': '1',
    };
    if (!auth || auth[0] !== this.apiKey || this.server.expired)
      return {
        status: 401,
        headers: h,
        body: { code: 'invalid_credentials', message: 'You have to be logged in to perform this action.' },
      };
    const p = url.pathname;
    if (p === '/api/v2/agents/me')
      return {
        status: 200,
        headers: h,
        body: {
          id: 7,
          ticket_scope: this.ticketScope,
          contact: { email: 'agent@acme.example', name: 'Ada Agent' },
        },
      };
    if (p === '/api/v2/tickets') {
      const asked = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      if (asked > FRESHDESK_MAX_PER_PAGE || asked < 1)
        return {
          status: 400,
          headers: h,
          body: {
            description: 'Validation failed',
            errors: [
              { field: 'per_page', message: 'Must be a number between 1 and 100', code: 'invalid_value' },
            ],
          },
        };
      if (page > FRESHDESK_MAX_PAGES)
        return {
          status: 400,
          headers: h,
          body: {
            description: 'Validation failed',
            errors: [
              {
                field: 'page',
                message: `Must be a number less than or equal to ${FRESHDESK_MAX_PAGES}`,
                code: 'invalid_value',
              },
            ],
          },
        };
      const per = Math.min(asked, this.pageSize);
      const since = url.searchParams.get('updated_since');
      // Without updated_since only the last 30 days of created tickets are listed.
      const from = since ? Date.parse(since) : Date.now() - 30 * 86_400_000;
      const asc = url.searchParams.get('order_type') === 'asc';
      const include = (url.searchParams.get('include') ?? '').split(',');
      const all = [...this.tickets.values()]
        .filter((t) => (since ? t.updatedAt.getTime() >= from : t.createdAt.getTime() >= from))
        .sort((a, b) => (asc ? 1 : -1) * (a.updatedAt.getTime() - b.updatedAt.getTime() || a.id - b.id));
      const slice = all.slice((page - 1) * per, page * per);
      const more = all.length > page * per && page < FRESHDESK_MAX_PAGES;
      const next = new URL(url.toString());
      next.searchParams.set('page', String(page + 1));
      return {
        status: 200,
        headers: {
          ...h,
          ...(more ? { link: `<${this.url}${next.pathname}${next.search}>; rel="next"` } : {}),
        },
        body: slice.map((t) => this.render(t, include)),
      };
    }
    const m = /^\/api\/v2\/tickets\/(\d+)$/.exec(p);
    if (m) {
      const t = this.tickets.get(Number(m[1]));
      if (!t) return { status: 404, headers: h, body: { code: 'not_found' } };
      return {
        status: 200,
        headers: h,
        body: this.render(t, ['description', ...(url.searchParams.get('include') ?? '').split(',')]),
      };
    }
    return { status: 404, headers: h, body: { code: 'not_found' } };
  }
}
