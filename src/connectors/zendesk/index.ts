import type { NormalizedTicket } from '../../store/tickets.js';
import {
  WebhookParseError,
  type ConnectorPlatform,
  type PlatformContext,
  type WebhookRequest,
} from '../types.js';
import { expectOk } from '../runtime/http.js';
import { ConnectorError } from '../runtime/errors.js';
import { header, hmac, htmlToPlain, safeEqual, toDate, WEBHOOK_TOLERANCE_MS } from '../runtime/text.js';

const FIELDS = { auth: 'apiToken', authLabel: 'API token', host: 'subdomain' };

interface ZUser {
  id: number;
  email?: string | null;
}
interface ZOrg {
  id: number;
  name?: string;
  external_id?: string | null;
}
interface ZTicket {
  id: number;
  subject?: string | null;
  description?: string | null;
  status?: string;
  priority?: string | null;
  requester_id?: number | null;
  organization_id?: number | null;
  created_at?: string;
  updated_at?: string;
}

function mapTickets(
  ctx: PlatformContext,
  body: { tickets?: ZTicket[]; users?: ZUser[]; organizations?: ZOrg[] },
) {
  const users = new Map((body.users ?? []).map((u) => [u.id, u]));
  const orgs = new Map((body.organizations ?? []).map((o) => [o.id, o]));
  return (body.tickets ?? []).map((t): NormalizedTicket => {
    const org = t.organization_id != null ? orgs.get(t.organization_id) : undefined;
    return {
      externalId: String(t.id),
      subject: t.subject ?? '',
      // `description` is the first comment as plain text; agents' HTML mail can still leak in.
      body: htmlToPlain(t.description),
      status: t.status ?? null,
      priority: t.priority ?? null,
      requesterEmail: t.requester_id != null ? (users.get(t.requester_id)?.email ?? null) : null,
      organization: org?.name ?? null,
      organizationExternalId: org?.external_id ?? null,
      url: `${ctx.baseUrl}/agent/tickets/${t.id}`,
      createdAt: toDate(t.created_at),
      updatedAt: toDate(t.updated_at),
    };
  });
}

/** Zendesk Support (see QUIRKS.md beside this file). */
/**
 * Event-subscription types that change a ticket: `zen:event-type:ticket.*` and the messaging
 * ticket events (`zen:event-type:messaging_ticket.message_added`, whose subject is also
 * `zen:ticket:<id>`). Source: developer.zendesk.com/api-reference/webhooks/event-types/.
 */
const TICKET_EVENT = /^zen:event-type:(messaging_)?ticket\./;

export const zendesk: ConnectorPlatform = {
  id: 'zendesk',
  label: 'Zendesk',
  credentialFields: [
    {
      name: 'subdomain',
      label: 'Zendesk subdomain',
      secret: false,
      hint: 'the "acme" in acme.zendesk.com',
    },
    { name: 'email', label: 'Admin email', secret: false, hint: 'the email of a Zendesk admin' },
    {
      name: 'apiToken',
      label: 'API token',
      secret: true,
      hint: 'Admin Center → Apps and integrations → APIs → Zendesk API → Add API token',
    },
  ],
  baseUrl: (c) => `https://${(c.subdomain ?? '').trim().toLowerCase()}.zendesk.com`,
  authHeaders: (c) => ({
    authorization: `Basic ${Buffer.from(`${(c.email ?? '').trim()}/token:${(c.apiToken ?? '').trim()}`).toString('base64')}`,
  }),

  async test(ctx) {
    if (!/^[a-z0-9][a-z0-9-]*$/i.test(ctx.credentials.subdomain ?? ''))
      return {
        ok: false,
        field: 'subdomain',
        message: 'Enter the subdomain only, e.g. "acme" for acme.zendesk.com.',
      };
    let res;
    try {
      res = await ctx.http.request({ method: 'GET', url: '/api/v2/users/me.json' });
    } catch (err) {
      return { ok: false, field: 'subdomain', message: `Could not reach Zendesk: ${(err as Error).message}` };
    }
    if (res.status === 404)
      return {
        ok: false,
        field: 'subdomain',
        message: 'No Zendesk account answers at that subdomain; check it.',
      };
    if (res.status === 401)
      return {
        ok: false,
        field: 'apiToken',
        message: 'Zendesk refused the email and API token: check both (the token must be active).',
      };
    if (res.status !== 200)
      return { ok: false, field: null, message: `Zendesk answered HTTP ${res.status} to users/me.` };
    // users/me answers anonymous callers with id null: a 200 alone proves nothing.
    const user = (res.body as { user?: { id: number | null; role?: string; email?: string } }).user;
    if (!user?.id)
      return {
        ok: false,
        field: 'apiToken',
        message:
          'Zendesk did not recognise the email and API token (it answered as an anonymous user). Check the admin email and that token access is enabled.',
      };
    if (user.role !== 'admin')
      return {
        ok: false,
        field: 'email',
        message: `${user.email ?? 'That user'} is a Zendesk ${user.role ?? 'user'}, not an admin: the incremental export needs an admin's email and token.`,
      };
    return { ok: true, account: `${ctx.credentials.subdomain}.zendesk.com (${user.email ?? 'admin'})` };
  },

  async fetchPage(ctx, cursor, { since }) {
    // start_time must be at least a minute in the past (the runtime's look-back covers the gap).
    const start = Math.min(Math.floor(since.getTime() / 1000), Math.floor(ctx.now.getTime() / 1000) - 61);
    const query: Record<string, string | number> = { include: 'users,organizations', per_page: 1000 };
    if (cursor?.afterCursor) query.cursor = String(cursor.afterCursor);
    else query.start_time = Math.max(0, start);
    const res = expectOk(
      await ctx.http.request({ method: 'GET', url: '/api/v2/incremental/tickets/cursor.json', query }),
      'Zendesk incremental export',
      FIELDS,
    );
    const body = res.body as {
      tickets?: ZTicket[];
      users?: ZUser[];
      organizations?: ZOrg[];
      after_cursor?: string | null;
      end_of_stream?: boolean;
    };
    if (!Array.isArray(body.tickets))
      throw new ConnectorError(
        'Zendesk answered the incremental export without a tickets list.',
        'bad_response',
      );
    const after = body.after_cursor ?? (cursor?.afterCursor as string | undefined) ?? null;
    return {
      tickets: mapTickets(ctx, body),
      cursor: { afterCursor: after },
      done: body.end_of_stream === true || !after,
    };
  },

  async fetchTickets(ctx, ids) {
    const out: NormalizedTicket[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const res = expectOk(
        await ctx.http.request({
          method: 'GET',
          url: '/api/v2/tickets/show_many.json',
          query: { ids: ids.slice(i, i + 100).join(','), include: 'users,organizations' },
        }),
        'Zendesk tickets/show_many',
        FIELDS,
      );
      out.push(...mapTickets(ctx, res.body as { tickets?: ZTicket[] }));
    }
    return out;
  },

  verifyWebhook(req: WebhookRequest, secret) {
    if (!secret) return { ok: false, reason: 'no webhook signing secret is stored for this connector' };
    const sig = header(req.headers, 'x-zendesk-webhook-signature');
    const ts = header(req.headers, 'x-zendesk-webhook-signature-timestamp');
    if (!sig || !ts) return { ok: false, reason: 'missing X-Zendesk-Webhook-Signature headers' };
    const expected = hmac('sha256', secret, Buffer.concat([Buffer.from(ts), req.rawBody]), 'base64');
    if (!safeEqual(sig, expected)) return { ok: false, reason: 'signature mismatch' };
    const at = Date.parse(ts);
    if (Number.isNaN(at) || Math.abs(req.now.getTime() - at) > WEBHOOK_TOLERANCE_MS)
      return { ok: false, reason: 'stale signature timestamp' };
    return { ok: true };
  },

  parseWebhook(body, req) {
    // Event subscriptions: {type: "zen:event-type:…", subject: "zen:ticket:<id>" | "zen:user:<id>" …,
    // id, detail: {id, …}}; trigger webhooks carry the body the admin wrote, which we document as
    // {"ticket_id": "{{ticket.id}}"}. Only ticket events name a ticket in detail.id: a user,
    // organization or other event's detail.id is that object's id (QUIRKS.md).
    const b = body as Record<string, unknown> | null;
    if (!b || typeof b !== 'object' || Array.isArray(b))
      throw new WebhookParseError('expected a JSON object');
    const deliveryId =
      (typeof b.id === 'string' && b.id) ||
      header(req.headers, 'x-zendesk-webhook-invocation-id') ||
      undefined;
    let id: unknown;
    if (typeof b.type === 'string' && b.type.startsWith('zen:event-type:')) {
      const subject = typeof b.subject === 'string' ? b.subject : '';
      const ticket = /^zen:ticket:(\d+)$/.exec(subject);
      // A ticket event that names no ticket is malformed (400, so the sender sees it); any other
      // event type is not ours to store and is acknowledged.
      if (TICKET_EVENT.test(b.type) && !ticket)
        throw new WebhookParseError(`${b.type} without a subject zen:ticket:<id>: no ticket to read`);
      if (!TICKET_EVENT.test(b.type) || !ticket)
        return {
          tickets: [],
          deliveryId,
          ignored: `${b.type} (${subject || 'no subject'}) is not a ticket change`,
        };
      id = ticket[1];
    } else {
      id = b.ticket_id ?? (b.ticket as { id?: unknown } | undefined)?.id;
    }
    if (id === undefined || id === null || !/^\d+$/.test(String(id)))
      throw new WebhookParseError(
        'no ticket id: expected subject zen:ticket:<id> (event subscription) or ticket_id (trigger)',
      );
    return { tickets: [], fetchIds: [String(id)], deliveryId };
  },

  async registerWebhook(ctx, url) {
    const res = expectOk(
      await ctx.http.request({
        method: 'POST',
        url: '/api/v2/webhooks',
        body: {
          webhook: {
            name: 'Fincelo CSM Hub tickets',
            endpoint: url,
            http_method: 'POST',
            request_format: 'json',
            status: 'active',
            subscriptions: [
              'zen:event-type:ticket.created',
              'zen:event-type:ticket.status_changed',
              'zen:event-type:ticket.priority_changed',
              'zen:event-type:ticket.comment_added',
            ],
          },
        },
      }),
      'Creating the Zendesk webhook',
      FIELDS,
    );
    const id = (res.body as { webhook?: { id?: string } }).webhook?.id;
    if (!id) throw new ConnectorError('Zendesk created the webhook but returned no id.', 'bad_response');
    const s = expectOk(
      await ctx.http.request({
        method: 'GET',
        url: `/api/v2/webhooks/${encodeURIComponent(id)}/signing_secret`,
      }),
      'Reading the Zendesk webhook signing secret',
      FIELDS,
    );
    const secret = (s.body as { signing_secret?: { secret?: string } }).signing_secret?.secret;
    if (!secret) throw new ConnectorError('Zendesk returned no webhook signing secret.', 'bad_response');
    return { id, secret };
  },

  async unregisterWebhook(ctx, id) {
    const res = await ctx.http.request({
      method: 'DELETE',
      url: `/api/v2/webhooks/${encodeURIComponent(id)}`,
    });
    if (res.status !== 404) expectOk(res, 'Deleting the Zendesk webhook', FIELDS);
  },
};
