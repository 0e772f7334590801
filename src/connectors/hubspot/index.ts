import type { NormalizedTicket } from '../../store/tickets.js';
import type { ConnectorPlatform, Cursor, PlatformContext, TestResult, TicketPage } from '../types.js';
import { expectOk, readPortal, readStages } from './api.js';
import { readParties } from './associations.js';
import { mapTicket, modifiedAt, TICKET_PROPERTIES, type HubSpotTicket } from './map.js';
import { parseHubSpotWebhook, verifyHubSpotWebhook } from './webhook.js';

/**
 * HubSpot Service Hub tickets. Facts and sources: QUIRKS.md beside this file. Polls the CRM search
 * (`POST /crm/v3/objects/tickets/search`) on `hs_lastmodifieddate` ascending with `after` paging,
 * restarting the search before its 10,000-result cap.
 */

/** Search's documented maximum page size. */
export const HUBSPOT_PAGE_SIZE = 200;
/** A search can page through at most this many results; `after` = 10000 answers 400. */
export const HUBSPOT_SEARCH_CAP = 10_000;
/** Re-read this much before the newest modification seen: the search index lags writes. */
export const HUBSPOT_LOOKBACK_MS = 2 * 60_000;

interface HubSpotCursor {
  /**
   * `range`: hs_lastmodifieddate ≥ from, sorted by it. `tie`: hs_lastmodifieddate = from and
   * hs_object_id > tieAfterId, sorted by id — only when 10,000+ tickets share one millisecond
   * (bulk imports), where a range restart could not move forward.
   */
  mode: 'range' | 'tie';
  from: number;
  tieAfterId?: string;
  /** `after` within the search in progress; absent on its first page. */
  after?: string;
  /** True while a sync is under way (continue as is); false once done (next sync looks back). */
  pending: boolean;
  /** Newest hs_lastmodifieddate stored (ms), and the highest ticket id at that instant. */
  watermark: number | null;
  watermarkId: string | null;
  portalId: string | null;
  uiDomain: string | null;
  stages: Record<string, string>;
}

function searchBody(c: HubSpotCursor) {
  const filters =
    c.mode === 'tie'
      ? [
          { propertyName: 'hs_lastmodifieddate', operator: 'EQ', value: String(c.from) },
          { propertyName: 'hs_object_id', operator: 'GT', value: c.tieAfterId ?? '0' },
        ]
      : [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(c.from) }];
  return {
    filterGroups: [{ filters }],
    sorts: [
      { propertyName: c.mode === 'tie' ? 'hs_object_id' : 'hs_lastmodifieddate', direction: 'ASCENDING' },
    ],
    properties: TICKET_PROPERTIES,
    limit: HUBSPOT_PAGE_SIZE,
    ...(c.after ? { after: c.after } : {}),
  };
}

async function mapWithParties(
  ctx: PlatformContext,
  raw: HubSpotTicket[],
  c: Pick<HubSpotCursor, 'stages' | 'portalId' | 'uiDomain'>,
) {
  const parties = await readParties(
    ctx,
    raw.map((t) => String(t.id)),
  );
  return raw.map((t) => mapTicket(t, { ...c, parties: parties.get(String(t.id)) }));
}

async function searchPage(ctx: PlatformContext, cur: HubSpotCursor): Promise<TicketPage> {
  const res = await ctx.http.request({
    method: 'POST',
    url: '/crm/v3/objects/tickets/search',
    body: searchBody(cur),
  });
  const body = expectOk(res, 'Searching HubSpot tickets');
  const results = Array.isArray(body.results) ? (body.results as HubSpotTicket[]) : [];
  const tickets = await mapWithParties(ctx, results, cur);

  let { watermark, watermarkId } = cur;
  for (const t of results) {
    const at = modifiedAt(t)?.getTime();
    if (at === undefined) continue;
    if (watermark === null || at > watermark) {
      watermark = at;
      watermarkId = String(t.id);
    } else if (at === watermark && (watermarkId === null || Number(t.id) > Number(watermarkId))) {
      watermarkId = String(t.id);
    }
  }
  const lastId = results.length ? String(results[results.length - 1]!.id) : null;
  const next = (body.paging as { next?: { after?: string } } | undefined)?.next?.after;
  const base: HubSpotCursor = { ...cur, watermark, watermarkId, pending: true };
  delete base.after;

  if (next && Number(next) < HUBSPOT_SEARCH_CAP) {
    return { tickets, cursor: { ...base, after: next } as unknown as Cursor, done: false };
  }
  if (next) {
    // The 10,000-result cap: start a new search where this one got to.
    if (cur.mode === 'tie') {
      return {
        tickets,
        cursor: { ...base, tieAfterId: lastId ?? cur.tieAfterId } as unknown as Cursor,
        done: false,
      };
    }
    if (watermark !== null && watermark > cur.from) {
      return { tickets, cursor: { ...base, from: watermark } as unknown as Cursor, done: false };
    }
    // 10,000 tickets modified in the same millisecond: walk that instant by id.
    return {
      tickets,
      cursor: { ...base, mode: 'tie', tieAfterId: lastId ?? '0' } as unknown as Cursor,
      done: false,
    };
  }
  if (cur.mode === 'tie') {
    // That instant is exhausted; continue with everything after it.
    const after: HubSpotCursor = { ...base, mode: 'range', from: cur.from + 1 };
    delete after.tieAfterId;
    return { tickets, cursor: after as unknown as Cursor, done: false };
  }
  return { tickets, cursor: { ...base, pending: false } as unknown as Cursor, done: true };
}

function asCursor(c: Cursor | null): HubSpotCursor | null {
  return c && typeof c.from === 'number' && (c.mode === 'range' || c.mode === 'tie')
    ? (c as unknown as HubSpotCursor)
    : null;
}

export const hubspot: ConnectorPlatform = {
  id: 'hubspot',
  label: 'HubSpot',
  credentialFields: [
    {
      name: 'accessToken',
      label: 'Private app access token',
      secret: true,
      hint: 'Settings → Integrations → Private Apps → your app → Auth → Access token (starts with "pat-"). Scopes: tickets, crm.objects.contacts.read, crm.objects.companies.read.',
    },
  ],
  baseUrl: () => 'https://api.hubapi.com',
  authHeaders: (c) => ({
    Authorization: `Bearer ${(c.accessToken ?? '').trim()}`,
    Accept: 'application/json',
  }),

  async test(ctx): Promise<TestResult> {
    if (!ctx.credentials.accessToken?.trim()) {
      return {
        ok: false,
        field: 'accessToken',
        message: 'Paste the private app access token (Settings → Integrations → Private Apps → Auth).',
      };
    }
    let res;
    try {
      // The cheapest ticket read: it proves both the token and the tickets scope.
      res = await ctx.http.request({ method: 'GET', url: '/crm/v3/objects/tickets', query: { limit: 1 } });
    } catch {
      return { ok: false, field: null, message: `Could not reach ${ctx.baseUrl}; try again shortly.` };
    }
    if (res.status === 401) {
      return {
        ok: false,
        field: 'accessToken',
        message:
          'HubSpot rejected the token. Copy the current access token from Settings → Integrations → Private Apps → your app → Auth (rotating it invalidates the old one).',
      };
    }
    if (res.status === 403) {
      return {
        ok: false,
        field: 'accessToken',
        message:
          'The token works but lacks the "tickets" scope. In Private Apps → your app → Scopes, add tickets (plus crm.objects.contacts.read and crm.objects.companies.read for requester and company), save, and paste the token again.',
      };
    }
    if (res.status < 200 || res.status >= 300)
      return {
        ok: false,
        field: null,
        message: `HubSpot answered ${res.status} to a ticket read; try again shortly.`,
      };
    const portal = await readPortal(ctx);
    return { ok: true, account: portal.portalId ? `HubSpot account ${portal.portalId}` : 'HubSpot account' };
  },

  async fetchPage(ctx, cursor, { since }) {
    const prev = asCursor(cursor);
    if (prev?.pending) return searchPage(ctx, prev);
    // A new sync: refresh stage labels and the portal, and look back before the newest change seen.
    // One after the other: a connector sends one request at a time (the runtime's concurrency of one).
    const portal = await readPortal(ctx);
    const stages = await readStages(ctx);
    const from =
      prev?.watermark != null ? prev.watermark - HUBSPOT_LOOKBACK_MS : prev ? prev.from : since.getTime();
    return searchPage(ctx, {
      mode: 'range',
      from,
      pending: true,
      watermark: prev?.watermark ?? null,
      watermarkId: prev?.watermarkId ?? null,
      ...portal,
      stages,
    });
  },

  async fetchTickets(ctx, ids): Promise<NormalizedTicket[]> {
    const clean = [...new Set(ids.filter((id) => /^\d+$/.test(id)))];
    if (!clean.length) return [];
    const portal = await readPortal(ctx);
    const stages = await readStages(ctx);
    const out: NormalizedTicket[] = [];
    for (let i = 0; i < clean.length; i += 100) {
      const res = await ctx.http.request({
        method: 'POST',
        url: '/crm/v3/objects/tickets/batch/read',
        body: { properties: TICKET_PROPERTIES, inputs: clean.slice(i, i + 100).map((id) => ({ id })) },
      });
      // 207: some ids were not found (deleted since the event); the rest are in `results`.
      if (res.status !== 207) expectOk(res, 'Reading HubSpot tickets');
      const results = ((res.body as { results?: HubSpotTicket[] })?.results ?? []).filter((t) => t && t.id);
      out.push(...(await mapWithParties(ctx, results, { ...portal, stages })));
    }
    return out;
  },

  verifyWebhook: verifyHubSpotWebhook,
  parseWebhook: (body) => parseHubSpotWebhook(body),
};
