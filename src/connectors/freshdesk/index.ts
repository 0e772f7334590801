import type { NormalizedTicket } from '../../store/tickets.js';
import { WebhookParseError, type ConnectorPlatform, type PlatformContext } from '../types.js';
import { expectOk } from '../runtime/http.js';
import { ConnectorError } from '../runtime/errors.js';
import { header, htmlToPlain, safeEqual, toDate } from '../runtime/text.js';

const FIELDS = { auth: 'apiKey', authLabel: 'API key', host: 'subdomain' };
/** Freshdesk serves at most 300 pages of one list query (see QUIRKS.md). */
export const FRESHDESK_PAGE_LIMIT = 300;
export const FRESHDESK_PER_PAGE = 100;
/** The header the admin adds to the automation's "Trigger webhook" action (deliveries are unsigned). */
export const FRESHDESK_SECRET_HEADER = 'x-fincelo-webhook-secret';

const STATUS: Record<number, string> = { 2: 'open', 3: 'pending', 4: 'resolved', 5: 'closed' };
const PRIORITY: Record<number, string> = { 1: 'low', 2: 'medium', 3: 'high', 4: 'urgent' };

interface FTicket {
  id: number;
  subject?: string | null;
  description?: string | null;
  description_text?: string | null;
  status?: number;
  priority?: number;
  requester?: { email?: string | null } | null;
  company?: { id?: number; name?: string } | null;
  company_id?: number | null;
  created_at?: string;
  updated_at?: string;
}

function mapTicket(ctx: PlatformContext, t: FTicket): NormalizedTicket {
  return {
    externalId: String(t.id),
    subject: t.subject ?? '',
    body: t.description_text?.trim() || htmlToPlain(t.description),
    status: t.status !== undefined ? (STATUS[t.status] ?? String(t.status)) : null,
    priority: t.priority !== undefined ? (PRIORITY[t.priority] ?? String(t.priority)) : null,
    requesterEmail: t.requester?.email ?? null,
    organization: t.company?.name ?? null,
    url: `${ctx.baseUrl}/a/tickets/${t.id}`,
    createdAt: toDate(t.created_at),
    updatedAt: toDate(t.updated_at),
  };
}

/** Freshdesk (see QUIRKS.md beside this file). */
export const freshdesk: ConnectorPlatform = {
  id: 'freshdesk',
  generatesWebhookSecret: true,
  label: 'Freshdesk',
  credentialFields: [
    {
      name: 'subdomain',
      label: 'Freshdesk subdomain',
      secret: false,
      hint: 'the "acme" in acme.freshdesk.com',
    },
    {
      name: 'apiKey',
      label: 'API key',
      secret: true,
      hint: "Profile picture → Profile settings → View API key (an admin agent's key)",
    },
  ],
  baseUrl: (c) => `https://${(c.subdomain ?? '').trim().toLowerCase()}.freshdesk.com`,
  // API key as the user name and a literal X as the password.
  authHeaders: (c) => ({
    authorization: `Basic ${Buffer.from(`${(c.apiKey ?? '').trim()}:X`).toString('base64')}`,
  }),

  async test(ctx) {
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(ctx.credentials.subdomain ?? ''))
      return {
        ok: false,
        field: 'subdomain',
        message: 'Enter the subdomain only, e.g. "acme" for acme.freshdesk.com.',
      };
    let res;
    try {
      res = await ctx.http.request({ method: 'GET', url: '/api/v2/agents/me' });
    } catch (err) {
      return {
        ok: false,
        field: 'subdomain',
        message: `Could not reach Freshdesk: ${(err as Error).message}`,
      };
    }
    if (res.status === 404)
      return {
        ok: false,
        field: 'subdomain',
        message: 'No Freshdesk account answers at that subdomain; check it.',
      };
    if (res.status === 401)
      return {
        ok: false,
        field: 'apiKey',
        message: 'Freshdesk refused the API key: copy it again from Profile settings → View API key.',
      };
    if (res.status !== 200)
      return { ok: false, field: null, message: `Freshdesk answered HTTP ${res.status} to agents/me.` };
    const me = res.body as { contact?: { email?: string }; ticket_scope?: number };
    // ticket_scope 1 = global access; 2 (group) and 3 (restricted) would sync only part of the desk.
    if (me.ticket_scope !== undefined && me.ticket_scope !== 1)
      return {
        ok: false,
        field: 'apiKey',
        message:
          'That API key belongs to an agent who cannot see all tickets: use the key of an agent with global ticket access.',
      };
    return {
      ok: true,
      account: `${ctx.credentials.subdomain}.freshdesk.com (${me.contact?.email ?? 'agent'})`,
    };
  },

  async fetchPage(ctx, cursor, { since }) {
    const updatedSince =
      (cursor?.updatedSince as string | undefined) ?? since.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const page = Number(cursor?.page ?? 1);
    const res = expectOk(
      await ctx.http.request({
        method: 'GET',
        url: '/api/v2/tickets',
        query: {
          updated_since: updatedSince,
          order_by: 'updated_at',
          order_type: 'asc',
          per_page: FRESHDESK_PER_PAGE,
          page,
          include: 'requester,description',
        },
      }),
      'Freshdesk ticket list',
      FIELDS,
    );
    if (!Array.isArray(res.body))
      throw new ConnectorError('Freshdesk answered the ticket list without a list.', 'bad_response');
    const raw = res.body as FTicket[];
    const tickets = raw.map((t) => mapTicket(ctx, t));
    // Page 300 may come without a next link although more tickets match: a full last page means
    // "maybe more" (Airbyte's rule), so restart from its last updated_at below.
    const hasNext =
      /rel="?next"?/.test(res.headers.link ?? '') ||
      (page >= FRESHDESK_PAGE_LIMIT && raw.length >= FRESHDESK_PER_PAGE);
    if (!hasNext) return { tickets, cursor: { updatedSince, page }, done: true };
    if (page < FRESHDESK_PAGE_LIMIT)
      return { tickets, cursor: { updatedSince, page: page + 1 }, done: false };
    // Page 300 is the last Freshdesk serves: restart at page 1 from the last ticket's updated_at
    // (as Airbyte does). Tickets sharing that second are fetched again; the upsert ignores them.
    const last = raw[raw.length - 1]?.updated_at;
    if (!last || last === updatedSince)
      throw new ConnectorError(
        `More than ${FRESHDESK_PAGE_LIMIT * FRESHDESK_PER_PAGE} Freshdesk tickets share the update time ${updatedSince}; the list cannot page past them.`,
        'bad_response',
      );
    return { tickets, cursor: { updatedSince: last, page: 1 }, done: false };
  },

  async fetchTickets(ctx, ids) {
    const out: NormalizedTicket[] = [];
    for (const id of ids) {
      const res = await ctx.http.request({
        method: 'GET',
        url: `/api/v2/tickets/${encodeURIComponent(id)}`,
        query: { include: 'requester,company' },
      });
      if (res.status === 404) continue; // deleted since the webhook fired
      out.push(mapTicket(ctx, expectOk(res, 'Freshdesk ticket', FIELDS).body as FTicket));
    }
    return out;
  },

  verifyWebhook(req, secret) {
    if (!secret) return { ok: false, reason: 'no webhook secret is stored for this connector' };
    const got = header(req.headers, FRESHDESK_SECRET_HEADER);
    if (!got) return { ok: false, reason: `missing ${FRESHDESK_SECRET_HEADER} header` };
    return safeEqual(got, secret) ? { ok: true } : { ok: false, reason: 'wrong webhook secret' };
  },

  parseWebhook(body) {
    // The admin writes the payload in the automation rule; we document {"ticket_id": "{{ticket.id}}"}.
    const b = body as { ticket_id?: unknown; freshdesk_webhook?: { ticket_id?: unknown } } | null;
    if (!b || typeof b !== 'object' || Array.isArray(b))
      throw new WebhookParseError('expected a JSON object');
    const id = b.ticket_id ?? b.freshdesk_webhook?.ticket_id;
    if (id === undefined || id === null || !/^\d+$/.test(String(id)))
      throw new WebhookParseError('no ticket_id: set the webhook body to {"ticket_id": "{{ticket.id}}"}');
    return { tickets: [], fetchIds: [String(id)] };
  },
};
