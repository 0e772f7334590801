/**
 * A local fake of the Intercom REST API (version 2.11) as the connector uses it: Bearer token plus
 * the `Intercom-Version` header, `GET /me`, `POST /conversations/search` with the documented query
 * language (AND/OR of `field operator value`, `updated_at` in Unix seconds), ascending sort and
 * cursor pagination (`pagination.per_page` ≤ 150, `pages.next.starting_after`, opaque), and
 * `GET /conversations/{id}`. Search is evaluated against live data on every page, as Intercom does.
 * Every answer carries X-RateLimit-Limit/Remaining/Reset (Unix seconds); `rateLimit(n)` makes the
 * next n requests answer 429 `{type:"error.list", errors:[{code:"rate_limit_exceeded"}]}` with
 * Retry-After; `expireToken()` makes the token answer 401 `token_unauthorized`; `denyConversations()`
 * makes the token valid but without the "Read conversations" permission.
 */
import { readRequest } from './common.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeIntercomConversation {
  id: string;
  title: string | null;
  createdAt: number;
  updatedAt: number;
  state: 'open' | 'closed' | 'snoozed';
  priority: 'priority' | 'not_priority';
  subject: string;
  /** HTML. */
  body: string;
  author: { type: 'user' | 'lead' | 'admin'; id: string; email: string | null; name: string | null };
}

export interface FakeIntercomCall {
  method: string;
  path: string;
  /** URL parameters, plus the top-level fields of a JSON body (search is a POST). */
  query: Record<string, string>;
  body: unknown;
  version: string | undefined;
  status: number;
  at: number;
}

export const INTERCOM_MAX_PER_PAGE = 150;
export const FAKE_INTERCOM_APP_ID = 'ecahpwf5';

type Query = { field?: string; operator: string; value: unknown };

export async function startFakeIntercom(o: { accessToken?: string } = {}) {
  const token = o.accessToken ?? 'dG9rOmludGVyY29tLWZha2U=';
  let expired = false;
  let pageSize = INTERCOM_MAX_PER_PAGE;
  let canRead = true;
  const conversations = new Map<string, FakeIntercomConversation>();
  const calls: FakeIntercomCall[] = [];
  let rateLimited = 0;
  let retryAfterSec = 1;
  // Unix seconds; seeded and changed conversations are updated one second apart, hours ago.
  let clock = Math.floor(Date.now() / 1000) - 6 * 3600;

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function json(c: FakeIntercomConversation) {
    return {
      type: 'conversation',
      id: c.id,
      title: c.title,
      created_at: c.createdAt,
      updated_at: c.updatedAt,
      waiting_since: null,
      snoozed_until: null,
      open: c.state === 'open',
      state: c.state,
      read: false,
      priority: c.priority,
      admin_assignee_id: null,
      team_assignee_id: null,
      tags: { type: 'tag.list', tags: [] },
      source: {
        type: 'conversation',
        id: `src-${c.id}`,
        delivered_as: 'customer_initiated',
        subject: c.subject,
        body: c.body,
        author: { type: c.author.type, id: c.author.id, name: c.author.name, email: c.author.email },
        attachments: [],
        url: null,
        redacted: false,
      },
      contacts: { type: 'contact.list', contacts: [{ type: 'contact', id: c.author.id, external_id: null }] },
      teammates: { type: 'admin.list', admins: [] },
      custom_attributes: {},
    };
  }

  function matches(c: FakeIntercomConversation, q: Query): boolean | string {
    if (q.operator === 'AND' || q.operator === 'OR') {
      const parts = (q.value as Query[]).map((x) => matches(c, x));
      const bad = parts.find((p) => typeof p === 'string');
      if (bad !== undefined) return bad;
      return q.operator === 'AND' ? parts.every(Boolean) : parts.some(Boolean);
    }
    const v =
      q.field === 'updated_at'
        ? c.updatedAt
        : q.field === 'created_at'
          ? c.createdAt
          : q.field === 'id'
            ? c.id
            : q.field === 'state'
              ? c.state
              : undefined;
    if (v === undefined) return `unsupported field ${q.field}`;
    switch (q.operator) {
      case '>':
        return Number(v) > Number(q.value);
      case '<':
        return Number(v) < Number(q.value);
      case '=':
        return String(v) === String(q.value);
      case '!=':
        return String(v) !== String(q.value);
      case 'IN':
        return (q.value as unknown[]).map(String).includes(String(v));
      default:
        return `unsupported operator ${q.operator}`;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const { u, body, query } = await readRequest(req, url);
    const version = req.headers['intercom-version'] as string | undefined;
    const call: FakeIntercomCall = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query,
      body,
      version,
      status: 200,
      at: Date.now(),
    };
    calls.push(call);
    const reset = String(Math.floor(Date.now() / 1000) + 10);
    const reply = (status: number, b: unknown, h: Record<string, string> = {}) => {
      call.status = status;
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'x-ratelimit-limit': '1666',
        'x-ratelimit-remaining': String(1665 - (calls.length % 1665)),
        'x-ratelimit-reset': reset,
        ...h,
      });
      res.end(JSON.stringify(b));
    };
    const error = (status: number, code: string, message: string, h?: Record<string, string>) =>
      reply(
        status,
        { type: 'error.list', request_id: `req-${calls.length}`, errors: [{ code, message }] },
        h,
      );

    if (expired || req.headers.authorization !== `Bearer ${token}`)
      return error(401, 'token_unauthorized', 'Access Token Invalid');
    if (rateLimited > 0) {
      rateLimited--;
      return error(429, 'rate_limit_exceeded', 'Exceeded rate limit of 1666 in 10_seconds', {
        'retry-after': String(retryAfterSec),
        'x-ratelimit-remaining': '0',
        'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + retryAfterSec),
      });
    }
    if (req.method === 'GET' && u.pathname === '/me') {
      return reply(200, {
        type: 'admin',
        id: '991267',
        email: 'support-bot@acme.test',
        name: 'Acme Support',
        email_verified: true,
        app: {
          type: 'app',
          id_code: FAKE_INTERCOM_APP_ID,
          name: 'Acme',
          region: 'US',
          timezone: 'Europe/London',
          identity_verification: false,
        },
      });
    }
    if (!canRead && u.pathname.startsWith('/conversations')) {
      return error(
        403,
        'api_plan_restricted',
        'Active subscription needed or missing "Read conversations" permission.',
      );
    }
    if (req.method === 'POST' && u.pathname === '/conversations/search') {
      const b = (body ?? {}) as {
        query?: Query;
        sort?: { field?: string; order?: string };
        pagination?: { per_page?: number; starting_after?: string };
      };
      if (!b.query) return error(400, 'parameter_not_found', 'query parameter is required');
      const perPage = b.pagination?.per_page ?? 20;
      if (perPage > INTERCOM_MAX_PER_PAGE)
        return error(
          400,
          'parameter_invalid',
          `per_page must be less than or equal to ${INTERCOM_MAX_PER_PAGE}`,
        );
      const list: FakeIntercomConversation[] = [];
      for (const c of conversations.values()) {
        const m = matches(c, b.query);
        if (typeof m === 'string') return error(400, 'parameter_invalid', m);
        if (m) list.push(c);
      }
      const desc = b.sort?.order === 'descending';
      list.sort((x, y) => (x.updatedAt - y.updatedAt || Number(x.id) - Number(y.id)) * (desc ? -1 : 1));
      let offset = 0;
      if (b.pagination?.starting_after) {
        try {
          offset = (
            JSON.parse(Buffer.from(b.pagination.starting_after, 'base64').toString('utf8')) as { o: number }
          ).o;
        } catch {
          return error(400, 'parameter_invalid', 'starting_after is invalid');
        }
      }
      const served = Math.min(perPage, pageSize);
      const page = list.slice(offset, offset + served);
      const more = offset + served < list.length;
      return reply(200, {
        type: 'conversation.list',
        conversations: page.map(json),
        total_count: list.length,
        pages: {
          type: 'pages',
          page: Math.floor(offset / served) + 1,
          per_page: served,
          total_pages: Math.max(1, Math.ceil(list.length / served)),
          ...(more
            ? {
                next: {
                  page: Math.floor(offset / served) + 2,
                  starting_after: Buffer.from(JSON.stringify({ o: offset + served })).toString('base64'),
                },
              }
            : {}),
        },
      });
    }
    const m = /^\/conversations\/(\w+)$/.exec(u.pathname);
    if (req.method === 'GET' && m) {
      const c = conversations.get(m[1]!);
      return c ? reply(200, json(c)) : error(404, 'not_found', 'Resource Not Found');
    }
    return error(404, 'not_found', `No route ${req.method} ${u.pathname}`);
  }

  return {
    url,
    accessToken: token,
    credentials: () => ({ accessToken: token }),
    calls,
    conversations,
    /** Adds conversations with ids [from, from + n), each updated one second after the previous. */
    seed(from: number, n: number, opts: { email?: (i: number) => string | null } = {}) {
      const out: FakeIntercomConversation[] = [];
      for (let i = 0; i < n; i++) {
        const id = String(from + i);
        clock += 1;
        const c: FakeIntercomConversation = {
          id,
          title: null,
          createdAt: clock,
          updatedAt: clock,
          state: 'open',
          priority: 'not_priority',
          subject: '',
          body: `<p>Hello, conversation <b>${id}</b> needs help.</p><p>Thanks</p>`,
          author: {
            type: 'user',
            id: `contact-${id}`,
            email: opts.email ? opts.email(i) : `user${id}@customer.test`,
            name: 'A User',
          },
        };
        conversations.set(id, c);
        out.push(c);
      }
      return out;
    },
    update(id: string, change: Partial<Omit<FakeIntercomConversation, 'id'>>) {
      const c = conversations.get(id);
      if (!c) throw new Error(`no conversation ${id}`);
      clock += 1;
      Object.assign(c, change, { updatedAt: clock });
      return c;
    },
    /** A teammate renames these conversations: "(changed)" is appended, `updated_at` moves on. */
    change(ids: number[]) {
      for (const id of ids) {
        const c = conversations.get(String(id));
        if (!c) throw new Error(`no conversation ${id}`);
        clock += 1;
        c.title = `${c.title ?? `Conversation ${id}`} (changed)`;
        c.updatedAt = clock;
      }
    },
    /** Caps the page size below Intercom's 150 (so a few dozen conversations make several pages). */
    setPageSize(n: number) {
      pageSize = n;
    },
    /** Several changes in the same second (Intercom timestamps are whole seconds). */
    touchSameSecond(ids: string[]) {
      clock += 1;
      for (const id of ids) conversations.get(id)!.updatedAt = clock;
    },
    setClock(d: Date) {
      clock = Math.floor(d.getTime() / 1000);
    },
    json,
    rateLimit(n: number, retryAfter = 1) {
      rateLimited = n;
      retryAfterSec = retryAfter;
    },
    /** The access token is revoked (app uninstalled): every call answers 401. */
    setExpired(v: boolean) {
      expired = v;
    },
    denyConversations(v = true) {
      canRead = !v;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export type FakeIntercom = Awaited<ReturnType<typeof startFakeIntercom>>;
