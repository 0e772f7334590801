import { ConnectorError } from '../runtime/errors.js';
import type { ConnectorPlatform, Cursor, PlatformContext, TestResult, TicketPage } from '../types.js';
import { mapConversation, type IntercomConversation } from './map.js';
import { parseIntercomWebhook, verifyIntercomWebhook } from './webhook.js';

/**
 * Intercom conversations. Facts and sources: QUIRKS.md beside this file. Polls
 * `POST /conversations/search` on `updated_at` (Unix seconds), ascending, `starting_after` paging.
 */

/** API version pinned so field shapes do not move under us (Airbyte pins the same). */
export const INTERCOM_VERSION = '2.11';
/** Documented maximum for search. */
export const INTERCOM_PAGE_SIZE = 150;
/** Re-read this many seconds before the newest update seen: second precision, search indexing lag. */
export const INTERCOM_LOOKBACK_S = 60;

interface IntercomCursor {
  /** Exclusive lower bound (`updated_at >`) of the search in progress, Unix seconds. */
  from: number;
  startingAfter?: string;
  /** Newest `updated_at` stored, Unix seconds. */
  watermark: number | null;
  /** Workspace id_code, for inbox links. */
  appId: string | null;
}

function region(c: Record<string, string>): string {
  const r = (c.region ?? '').trim().toLowerCase();
  return r === 'eu' || r === 'au' ? r : 'us';
}

function explain(status: number, what: string): ConnectorError {
  const msg =
    status === 401
      ? 'Intercom answered 401 — the access token (accessToken) is invalid, expired or revoked (app uninstalled?). Copy a new token from Developer Hub → your app → Authentication and update the connector.'
      : status === 403
        ? 'Intercom answered 403 — the access token (accessToken) lacks the "Read conversations" permission. Add it in Developer Hub → your app → Authentication.'
        : status === 429
          ? 'Intercom kept answering 429 (rate limited) after retries; the next sync continues from the saved position.'
          : `Intercom answered ${status}.`;
  const code =
    status === 401
      ? 'auth'
      : status === 403
        ? 'permission'
        : status === 429
          ? 'rate_limited'
          : 'bad_response';
  return new ConnectorError(`${what}: ${msg}`, code, status === 401 || status === 403 ? 'accessToken' : null);
}

async function me(ctx: PlatformContext) {
  return ctx.http.request({ method: 'GET', url: '/me' });
}

function appIdOf(body: unknown): string | null {
  const app = (body as { app?: { id_code?: unknown } } | null)?.app;
  return typeof app?.id_code === 'string' ? app.id_code : null;
}

function searchBody(from: number, startingAfter: string | undefined, perPage = INTERCOM_PAGE_SIZE) {
  return {
    query: { operator: 'AND', value: [{ field: 'updated_at', operator: '>', value: from }] },
    sort: { field: 'updated_at', order: 'ascending' },
    pagination: { per_page: perPage, ...(startingAfter ? { starting_after: startingAfter } : {}) },
  };
}

async function searchPage(ctx: PlatformContext, cur: IntercomCursor): Promise<TicketPage> {
  const res = await ctx.http.request({
    method: 'POST',
    url: '/conversations/search',
    body: searchBody(cur.from, cur.startingAfter),
  });
  if (res.status < 200 || res.status >= 300) throw explain(res.status, 'Searching Intercom conversations');
  const body = (res.body ?? {}) as {
    conversations?: IntercomConversation[];
    pages?: { next?: { starting_after?: string } | null };
  };
  const convs = Array.isArray(body.conversations) ? body.conversations : [];
  const tickets = convs.map((c) => mapConversation(c, cur.appId));
  let watermark = cur.watermark;
  for (const c of convs)
    if (typeof c.updated_at === 'number' && (watermark === null || c.updated_at > watermark))
      watermark = c.updated_at;
  const next = body.pages?.next?.starting_after;
  const cursor: IntercomCursor = { from: cur.from, watermark, appId: cur.appId };
  if (next) cursor.startingAfter = next;
  return { tickets, cursor: cursor as unknown as Cursor, done: !next };
}

export const intercom: ConnectorPlatform = {
  id: 'intercom',
  label: 'Intercom',
  credentialFields: [
    {
      name: 'accessToken',
      label: 'Access token',
      secret: true,
      hint: 'Developer Hub → your app → Configure → Authentication → Access token. The app needs "Read conversations" and "Read admins".',
    },
    {
      name: 'region',
      label: 'Data region',
      secret: false,
      optional: true,
      hint: '"us" (default), "eu" or "au" — where your workspace is hosted (Settings → Workspace → General).',
    },
  ],
  baseUrl: (c) => {
    const r = region(c);
    return r === 'us' ? 'https://api.intercom.io' : `https://api.${r}.intercom.io`;
  },
  authHeaders: (c) => ({
    Authorization: `Bearer ${(c.accessToken ?? '').trim()}`,
    'Intercom-Version': INTERCOM_VERSION,
    Accept: 'application/json',
  }),

  async test(ctx): Promise<TestResult> {
    if (!ctx.credentials.accessToken?.trim()) {
      return {
        ok: false,
        field: 'accessToken',
        message: 'Paste the access token from Developer Hub → your app → Authentication.',
      };
    }
    let res;
    try {
      res = await me(ctx);
    } catch {
      return {
        ok: false,
        field: 'region',
        message: `Could not reach ${ctx.baseUrl}. Check the data region (us, eu or au).`,
      };
    }
    if (res.status === 401 || res.status === 403) {
      return {
        ok: false,
        field: 'accessToken',
        message:
          'Intercom rejected the access token. Copy it again from Developer Hub → your app → Authentication (a token from a US workspace does not work against the EU or AU region, and vice versa).',
      };
    }
    if (res.status < 200 || res.status >= 300)
      return {
        ok: false,
        field: null,
        message: `Intercom answered ${res.status} to /me; try again shortly.`,
      };
    const body = res.body as { email?: string; name?: string; app?: { name?: string } };
    // /me only proves the token; reading conversations needs its own permission, so ask for one.
    const probe = await ctx.http.request({
      method: 'POST',
      url: '/conversations/search',
      body: searchBody(0, undefined, 1),
    });
    if (probe.status === 401 || probe.status === 403) {
      return {
        ok: false,
        field: 'accessToken',
        message:
          'The token works but cannot read conversations. In Developer Hub → your app → Authentication, enable "Read conversations", then copy the token again.',
      };
    }
    if (probe.status < 200 || probe.status >= 300)
      return {
        ok: false,
        field: null,
        message: `Intercom answered ${probe.status} to a conversation search; try again shortly.`,
      };
    return { ok: true, account: body.app?.name ?? body.email ?? 'Intercom workspace' };
  },

  async fetchPage(ctx, cursor, { since }) {
    const prev = cursor && typeof cursor.from === 'number' ? (cursor as unknown as IntercomCursor) : null;
    if (prev?.startingAfter) return searchPage(ctx, prev);
    let appId = prev?.appId ?? null;
    if (!appId) {
      const res = await me(ctx);
      if (res.status < 200 || res.status >= 300) throw explain(res.status, 'Reading the Intercom workspace');
      appId = appIdOf(res.body);
    }
    // Strictly-greater search: step back a little so same-second and late-indexed updates are seen.
    const from =
      prev?.watermark != null
        ? prev.watermark - INTERCOM_LOOKBACK_S
        : prev
          ? prev.from
          : Math.floor(since.getTime() / 1000) - 1;
    return searchPage(ctx, { from, watermark: prev?.watermark ?? null, appId });
  },

  async fetchTickets(ctx, ids) {
    let appId: string | null = null;
    const m = await me(ctx);
    if (m.status >= 200 && m.status < 300) appId = appIdOf(m.body);
    const out = [];
    for (const id of ids) {
      const res = await ctx.http.request({ method: 'GET', url: `/conversations/${encodeURIComponent(id)}` });
      if (res.status === 404) continue;
      if (res.status < 200 || res.status >= 300)
        throw explain(res.status, `Reading Intercom conversation ${id}`);
      out.push(mapConversation(res.body as IntercomConversation, appId));
    }
    return out;
  },

  verifyWebhook: verifyIntercomWebhook,
  parseWebhook: (body) => parseIntercomWebhook(body),
};
