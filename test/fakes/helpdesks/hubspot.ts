/**
 * A local fake of the HubSpot CRM API as the connector uses it: private-app Bearer tokens with
 * scopes (403 MISSING_SCOPES without `tickets`), `GET /crm/v3/objects/tickets?limit=`,
 * `GET /account-info/v3/details`, `GET /crm/v3/pipelines/tickets`, the CRM search
 * `POST /crm/v3/objects/tickets/search` (filterGroups of GTE/GT/EQ/LT/LTE filters, one sort,
 * `limit` ≤ 200, numeric-string `after`, and the 10,000-result cap: `after` ≥ 10000 answers 400),
 * `POST /crm/v3/objects/tickets/batch/read` (207 when some ids are missing), v4 associations batch
 * reads and contacts/companies batch reads. Search is evaluated against live data on every page.
 * Every answer carries X-HubSpot-RateLimit-* headers; `rateLimit(n)` answers the next n requests
 * 429 (RATE_LIMIT, with Retry-After only when asked: HubSpot does not always send it), and
 * `expireToken()` makes the token answer 401 EXPIRED_AUTHENTICATION.
 */
import { readRequest } from './common.js';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeHubSpotTicket {
  id: string;
  subject: string;
  content: string;
  pipeline: string;
  stage: string;
  priority: 'LOW' | 'MEDIUM' | 'HIGH' | 'URGENT' | null;
  created: number;
  modified: number;
  contactId: string | null;
  companyId: string | null;
}

export interface FakeHubSpotCall {
  method: string;
  path: string;
  /** URL parameters, plus the top-level fields of a JSON body (search is a POST). */
  query: Record<string, string>;
  body: unknown;
  status: number;
  at: number;
}

export const HUBSPOT_MAX_LIMIT = 200;
export const HUBSPOT_RESULT_CAP = 10_000;
export const FAKE_PORTAL_ID = 24681357;
export const ALL_SCOPES = ['tickets', 'crm.objects.contacts.read', 'crm.objects.companies.read'];

type Filter = { propertyName: string; operator: string; value?: string };

export async function startFakeHubSpot(o: { accessToken?: string; scopes?: string[] } = {}) {
  const token = o.accessToken ?? 'pat-na1-11111111-2222-3333-4444-555555555555';
  let expired = false;
  let pageSize = HUBSPOT_MAX_LIMIT;
  let scopes = new Set(o.scopes ?? ALL_SCOPES);
  const tickets = new Map<string, FakeHubSpotTicket>();
  const contacts = new Map<string, { email: string }>([['501', { email: 'jane@customer.test' }]]);
  const companies = new Map<string, { name: string; domain: string }>([
    ['901', { name: 'Customer Co', domain: 'customer.test' }],
  ]);
  const calls: FakeHubSpotCall[] = [];
  let rateLimited = 0;
  let retryAfterSec: number | null = 1;
  // Epoch ms; seeded and changed tickets are modified `stepMs` apart, hours in the past.
  let clock = Date.now() - 6 * 3600_000;

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function props(t: FakeHubSpotTicket) {
    return {
      subject: t.subject,
      content: t.content,
      hs_pipeline: t.pipeline,
      hs_pipeline_stage: t.stage,
      hs_ticket_priority: t.priority,
      createdate: new Date(t.created).toISOString(),
      hs_lastmodifieddate: new Date(t.modified).toISOString(),
      hs_object_id: t.id,
    };
  }
  function json(t: FakeHubSpotTicket, want?: string[]) {
    const all = props(t) as Record<string, unknown>;
    const p: Record<string, unknown> = {
      createdate: all.createdate,
      hs_lastmodifieddate: all.hs_lastmodifieddate,
      hs_object_id: t.id,
    };
    for (const k of want ?? []) p[k] = all[k] ?? null;
    return {
      id: t.id,
      properties: p,
      createdAt: all.createdate,
      updatedAt: all.hs_lastmodifieddate,
      archived: false,
    };
  }

  function value(t: FakeHubSpotTicket, name: string): number | string | null {
    if (name === 'hs_lastmodifieddate') return t.modified;
    if (name === 'createdate') return t.created;
    if (name === 'hs_object_id') return Number(t.id);
    return ((props(t) as Record<string, unknown>)[name] as string | null) ?? null;
  }
  function test(t: FakeHubSpotTicket, f: Filter): boolean {
    const v = value(t, f.propertyName);
    const w = typeof v === 'number' ? Number(f.value) : f.value;
    switch (f.operator) {
      case 'GTE':
        return v !== null && w !== undefined && v >= w;
      case 'GT':
        return v !== null && w !== undefined && v > w;
      case 'LTE':
        return v !== null && w !== undefined && v <= w;
      case 'LT':
        return v !== null && w !== undefined && v < w;
      case 'EQ':
        return v === w;
      case 'HAS_PROPERTY':
        return v !== null;
      default:
        throw new Error(`Unsupported operator ${f.operator}`);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const { u, body, query } = await readRequest(req, url);
    const call: FakeHubSpotCall = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query,
      body,
      status: 200,
      at: Date.now(),
    };
    calls.push(call);
    const reply = (status: number, b: unknown, h: Record<string, string> = {}) => {
      call.status = status;
      res.writeHead(status, {
        'content-type': 'application/json;charset=utf-8',
        'x-hubspot-ratelimit-max': '190',
        'x-hubspot-ratelimit-remaining': String(189 - (calls.length % 189)),
        'x-hubspot-ratelimit-interval-milliseconds': '10000',
        'x-hubspot-ratelimit-daily': '1000000',
        'x-hubspot-ratelimit-daily-remaining': String(1_000_000 - calls.length),
        ...h,
      });
      res.end(JSON.stringify(b));
    };
    const error = (
      status: number,
      category: string,
      message: string,
      extra: Record<string, unknown> = {},
      h?: Record<string, string>,
    ) =>
      reply(
        status,
        { status: 'error', message, correlationId: `corr-${calls.length}`, category, ...extra },
        h,
      );

    if (expired || req.headers.authorization !== `Bearer ${token}`) {
      return error(401, 'EXPIRED_AUTHENTICATION', 'The OAuth token used to make this call expired.');
    }
    if (rateLimited > 0) {
      rateLimited--;
      return reply(
        429,
        {
          status: 'error',
          message: 'You have reached your ten_secondly_rolling limit.',
          errorType: 'RATE_LIMIT',
          correlationId: `corr-${calls.length}`,
          policyName: 'TEN_SECONDLY_ROLLING',
        },
        {
          'x-hubspot-ratelimit-remaining': '0',
          ...(retryAfterSec !== null ? { 'retry-after': String(retryAfterSec) } : {}),
        },
      );
    }
    const need = (scope: string) => {
      if (scopes.has(scope)) return true;
      error(403, 'MISSING_SCOPES', "This app hasn't been granted all required scopes to make this call.", {
        errors: [
          {
            message: 'One or more of the following scopes are required.',
            context: { requiredGranularScopes: [scope] },
          },
        ],
      });
      return false;
    };
    const route = `${req.method} ${u.pathname}`;

    if (route === 'GET /account-info/v3/details') {
      return reply(200, {
        portalId: FAKE_PORTAL_ID,
        accountType: 'STANDARD',
        timeZone: 'US/Eastern',
        companyCurrency: 'USD',
        uiDomain: 'app.hubspot.com',
        dataHostingLocation: 'na1',
      });
    }
    if (route === 'GET /crm/v3/pipelines/tickets') {
      if (!need('tickets')) return;
      return reply(200, {
        results: [
          {
            id: '0',
            label: 'Support Pipeline',
            displayOrder: 0,
            stages: [
              { id: '1', label: 'New', displayOrder: 0, metadata: { ticketState: 'OPEN' } },
              { id: '2', label: 'Waiting on contact', displayOrder: 1, metadata: { ticketState: 'OPEN' } },
              { id: '3', label: 'Waiting on us', displayOrder: 2, metadata: { ticketState: 'OPEN' } },
              { id: '4', label: 'Closed', displayOrder: 3, metadata: { ticketState: 'CLOSED' } },
            ],
          },
          {
            id: '77',
            label: 'Escalations',
            displayOrder: 1,
            stages: [
              {
                id: '88',
                label: 'Escalated to engineering',
                displayOrder: 0,
                metadata: { ticketState: 'OPEN' },
              },
            ],
          },
        ],
      });
    }
    if (route === 'GET /crm/v3/objects/tickets') {
      if (!need('tickets')) return;
      const limit = Math.min(Number(u.searchParams.get('limit') ?? 10), 100);
      return reply(200, { results: [...tickets.values()].slice(0, limit).map((t) => json(t)) });
    }
    if (route === 'POST /crm/v3/objects/tickets/search') {
      if (!need('tickets')) return;
      const b = (body ?? {}) as {
        filterGroups?: { filters: Filter[] }[];
        sorts?: { propertyName: string; direction?: string }[];
        properties?: string[];
        limit?: number;
        after?: string;
      };
      const limit = b.limit ?? 10;
      if (limit > HUBSPOT_MAX_LIMIT)
        return error(400, 'VALIDATION_ERROR', `limit must be less than or equal to ${HUBSPOT_MAX_LIMIT}`);
      const after = Number(b.after ?? 0);
      if (after >= HUBSPOT_RESULT_CAP) {
        // What the search answers when paging past its cap (Airbyte source-hubspot works around it).
        return error(400, 'VALIDATION_ERROR', 'There was a problem with the request.', {
          errors: [
            { message: `Paging past ${HUBSPOT_RESULT_CAP} results is not supported.`, code: 'INVALID_PAGE' },
          ],
        });
      }
      let list = [...tickets.values()];
      const groups = b.filterGroups ?? [];
      try {
        if (groups.length) list = list.filter((t) => groups.some((g) => g.filters.every((f) => test(t, f))));
      } catch (e) {
        return error(400, 'VALIDATION_ERROR', (e as Error).message);
      }
      const sort = b.sorts?.[0];
      if (sort) {
        const dir = sort.direction === 'DESCENDING' ? -1 : 1;
        list.sort((x, y) => {
          const a = value(x, sort.propertyName);
          const c = value(y, sort.propertyName);
          return (a === c ? 0 : (a ?? 0) < (c ?? 0) ? -1 : 1) * dir;
        });
      } else {
        list.sort((x, y) => Number(x.id) - Number(y.id));
      }
      const served = Math.min(limit, pageSize);
      const page = list.slice(after, after + served);
      const next = after + served < list.length ? String(after + served) : null;
      return reply(200, {
        total: list.length,
        results: page.map((t) => json(t, b.properties)),
        ...(next ? { paging: { next: { after: next, link: `?after=${next}` } } } : {}),
      });
    }
    if (route === 'POST /crm/v3/objects/tickets/batch/read') {
      if (!need('tickets')) return;
      const b = body as { properties?: string[]; inputs: { id: string }[] };
      const found = b.inputs.map((i) => tickets.get(String(i.id))).filter((t): t is FakeHubSpotTicket => !!t);
      const missing = b.inputs.filter((i) => !tickets.has(String(i.id)));
      const startedAt = new Date().toISOString();
      return reply(missing.length ? 207 : 200, {
        status: 'COMPLETE',
        results: found.map((t) => json(t, b.properties)),
        ...(missing.length
          ? {
              numErrors: 1,
              errors: [
                {
                  status: 'error',
                  category: 'OBJECT_NOT_FOUND',
                  message: 'Could not get some TICKET objects, they may be deleted or not exist.',
                  context: { ids: missing.map((m) => String(m.id)) },
                },
              ],
            }
          : {}),
        startedAt,
        completedAt: startedAt,
      });
    }
    const assoc = /^\/crm\/v4\/associations\/tickets\/(contacts|companies)\/batch\/read$/.exec(u.pathname);
    if (req.method === 'POST' && assoc) {
      const to = assoc[1]!;
      if (
        !need('tickets') ||
        !need(to === 'contacts' ? 'crm.objects.contacts.read' : 'crm.objects.companies.read')
      )
        return;
      const b = body as { inputs: { id: string }[] };
      const results = [];
      for (const i of b.inputs) {
        const t = tickets.get(String(i.id));
        const target = t ? (to === 'contacts' ? t.contactId : t.companyId) : null;
        if (target) {
          results.push({
            from: { id: t!.id },
            to: [
              {
                toObjectId: Number(target),
                associationTypes: [
                  { category: 'HUBSPOT_DEFINED', typeId: to === 'contacts' ? 16 : 26, label: null },
                ],
              },
            ],
          });
        }
      }
      return reply(results.length === b.inputs.length ? 200 : 207, {
        status: 'COMPLETE',
        results,
        startedAt: new Date().toISOString(),
        completedAt: new Date().toISOString(),
      });
    }
    const objs = /^\/crm\/v3\/objects\/(contacts|companies)\/batch\/read$/.exec(u.pathname);
    if (req.method === 'POST' && objs) {
      const type = objs[1]!;
      if (!need(type === 'contacts' ? 'crm.objects.contacts.read' : 'crm.objects.companies.read')) return;
      const b = body as { properties?: string[]; inputs: { id: string }[] };
      const results = [];
      for (const i of b.inputs) {
        const rec = type === 'contacts' ? contacts.get(String(i.id)) : companies.get(String(i.id));
        if (rec)
          results.push({
            id: String(i.id),
            properties: { ...rec, hs_object_id: String(i.id) },
            archived: false,
          });
      }
      return reply(200, {
        status: 'COMPLETE',
        results,
        startedAt: new Date().toISOString(),
        completedAt: new Date().toISOString(),
      });
    }
    return error(404, 'OBJECT_NOT_FOUND', `No route ${route}`);
  }

  return {
    url,
    accessToken: token,
    credentials: () => ({ accessToken: token }),
    calls,
    tickets,
    contacts,
    companies,
    /** Adds tickets with ids [from, from + n), modified `stepMs` apart (0 = all in the same instant). */
    seed(
      from: number,
      n: number,
      opts: { stepMs?: number; contactId?: string | null; companyId?: string | null; stage?: string } = {},
    ) {
      const step = opts.stepMs ?? 1000;
      const out: FakeHubSpotTicket[] = [];
      for (let i = 0; i < n; i++) {
        const id = String(from + i);
        clock += step;
        const t: FakeHubSpotTicket = {
          id,
          subject: `Ticket ${id}`,
          content: `Body of ticket ${id}`,
          pipeline: '0',
          stage: opts.stage ?? '1',
          priority: 'MEDIUM',
          created: clock,
          modified: clock,
          contactId: opts.contactId === undefined ? '501' : opts.contactId,
          companyId: opts.companyId === undefined ? '901' : opts.companyId,
        };
        tickets.set(id, t);
        out.push(t);
      }
      return out;
    },
    update(id: string, change: Partial<Omit<FakeHubSpotTicket, 'id'>>) {
      const t = tickets.get(id);
      if (!t) throw new Error(`no ticket ${id}`);
      clock += 1000;
      Object.assign(t, change, { modified: clock });
      return t;
    },
    /** Agents edit these tickets: "(changed)" is appended to the subject, the modified date moves on. */
    change(ids: number[]) {
      for (const id of ids) {
        const t = tickets.get(String(id));
        if (!t) throw new Error(`no ticket ${id}`);
        clock += 1000;
        t.subject = `${t.subject} (changed)`;
        t.modified = clock;
      }
    },
    /** Caps the page size below HubSpot's 200 (so a few dozen tickets make several pages). */
    setPageSize(n: number) {
      pageSize = n;
    },
    rateLimit(n: number, retryAfter: number | null = 1) {
      rateLimited = n;
      retryAfterSec = retryAfter;
    },
    /** The token is rotated or the private app deleted: every call answers 401. */
    setExpired(v: boolean) {
      expired = v;
    },
    setScopes(s: string[]) {
      scopes = new Set(s);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export type FakeHubSpot = Awaited<ReturnType<typeof startFakeHubSpot>>;

/**
 * Signs a webhook delivery as HubSpot does (v3): base64 HMAC-SHA256 of method + URI + body +
 * timestamp under the app's client secret, with the listed percent-encodings in the URI decoded
 * (developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests).
 */
export function signHubSpotV3(
  secret: string,
  method: string,
  uri: string,
  body: string,
  timestampMs: number,
) {
  const decoded = uri
    .replace(/%3A/gi, ':')
    .replace(/%2F/gi, '/')
    .replace(/%3F/gi, '?')
    .replace(/%40/gi, '@')
    .replace(/%21/gi, '!')
    .replace(/%24/gi, '$')
    .replace(/%27/gi, "'")
    .replace(/%28/gi, '(')
    .replace(/%29/gi, ')')
    .replace(/%2A/gi, '*')
    .replace(/%2C/gi, ',')
    .replace(/%3B/gi, ';');
  const ts = String(timestampMs);
  return {
    'x-hubspot-signature-v3': createHmac('sha256', secret)
      .update(`${method}${decoded}${body}${ts}`, 'utf8')
      .digest('base64'),
    'x-hubspot-request-timestamp': ts,
  };
}
