import type { NormalizedTicket } from '../../store/tickets.js';
import type { ConnectorPlatform, Cursor, PlatformContext, TestResult, TicketPage } from '../types.js';
import { expectOk } from './api.js';
import { ISSUE_FIELDS, mapIssue, parseJiraDate, type JiraIssue } from './map.js';
import { parseJsmWebhook, verifyJsmWebhook } from './webhook.js';

/**
 * Jira Service Management (Jira Cloud). Facts and sources: QUIRKS.md beside this file.
 * Polls `POST /rest/api/3/search/jql` (nextPageToken paging) on `updated`, which has minute
 * precision and is eventually consistent — hence the look-back below.
 */

/** Re-read this much before the newest `updated` seen: minute precision + eventual consistency. */
export const JSM_LOOKBACK_MS = 5 * 60_000;
/** Jira returns about 100 issues per page with full fields whatever larger value is asked for. */
export const JSM_PAGE_SIZE = 100;

interface JsmCursor {
  /** Lower bound of the search in progress (ISO); re-used if its nextPageToken expires (7 days). */
  from: string;
  /** Jira's page token within the search in progress; absent between syncs. */
  token?: string;
  /** Newest `updated` stored so far (ISO). */
  watermark: string | null;
  /** The API user's profile time zone: JQL dates are read in it. */
  timeZone: string;
  /** The site's JSM Organizations field (customfield_NNNNN), or null. */
  orgField: string | null;
}

function site(credentials: Record<string, string>): string {
  // Admins paste "acme", "acme.atlassian.net" or the whole URL; all mean the same site.
  const s = (credentials.subdomain ?? '')
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '');
  return s.replace(/\.atlassian\.net$/i, '');
}

/** `yyyy-MM-dd HH:mm` in the given zone, rounded down to the minute (JQL's precision). */
export function jqlDate(d: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(d);
  const p = (t: string) => parts.find((x) => x.type === t)?.value ?? '00';
  return `${p('year')}-${p('month')}-${p('day')} ${p('hour')}:${p('minute')}`;
}

function validZone(tz: unknown): string {
  if (typeof tz !== 'string' || !tz) return 'UTC';
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return 'UTC';
  }
}

/** JQL for one search: optional project filter from the credentials, ascending by `updated`. */
export function buildJql(from: Date, timeZone: string, projects: string | undefined): string {
  const keys = (projects ?? '')
    .split(/[\s,]+/)
    .map((k) => k.trim().toUpperCase())
    .filter((k) => /^[A-Z][A-Z0-9_]*$/.test(k));
  const scope = keys.length ? `project in (${keys.join(', ')}) AND ` : '';
  return `${scope}updated >= "${jqlDate(from, timeZone)}" ORDER BY updated ASC`;
}

async function orgFieldOf(ctx: PlatformContext): Promise<string | null> {
  const res = await ctx.http.request({ method: 'GET', url: '/rest/api/3/field' });
  if (res.status < 200 || res.status >= 300 || !Array.isArray(res.body)) return null;
  const f = (res.body as { id?: string; schema?: { custom?: string } }[]).find(
    (x) => x.schema?.custom === 'com.atlassian.servicedesk:sd-customer-organizations',
  );
  return f?.id ?? null;
}

async function startCursor(ctx: PlatformContext, from: Date, prev: JsmCursor | null): Promise<JsmCursor> {
  if (prev)
    return {
      from: from.toISOString(),
      watermark: prev.watermark,
      timeZone: prev.timeZone,
      orgField: prev.orgField,
    };
  const me = expectOk(
    await ctx.http.request({ method: 'GET', url: '/rest/api/3/myself' }),
    'Reading the API user',
  );
  return {
    from: from.toISOString(),
    watermark: null,
    timeZone: validZone(me.timeZone),
    orgField: await orgFieldOf(ctx),
  };
}

function asCursor(c: Cursor | null): JsmCursor | null {
  if (!c || typeof c.from !== 'string' || typeof c.timeZone !== 'string') return null;
  return c as unknown as JsmCursor;
}

async function searchPage(ctx: PlatformContext, cur: JsmCursor): Promise<TicketPage> {
  const fields = cur.orgField ? [...ISSUE_FIELDS, cur.orgField] : ISSUE_FIELDS;
  const res = await ctx.http.request({
    method: 'POST',
    url: '/rest/api/3/search/jql',
    body: {
      jql: buildJql(new Date(cur.from), cur.timeZone, ctx.credentials.projects),
      fields,
      maxResults: JSM_PAGE_SIZE,
      ...(cur.token ? { nextPageToken: cur.token } : {}),
    },
  });
  if (res.status === 400 && cur.token) {
    // nextPageToken lives 7 days: a sync resumed after that restarts the search from its newest ticket.
    const from = cur.watermark ? new Date(Date.parse(cur.watermark) - JSM_LOOKBACK_MS) : new Date(cur.from);
    const { token: _dropped, ...rest } = cur;
    return searchPage(ctx, { ...rest, from: from.toISOString() });
  }
  const body = expectOk(res, 'Searching Jira issues');
  const issues = Array.isArray(body.issues) ? (body.issues as JiraIssue[]) : [];
  const tickets = issues.map((i) => mapIssue(i, cur.orgField));
  let watermark = cur.watermark;
  for (const t of tickets) {
    if (t.updatedAt && (!watermark || t.updatedAt.getTime() > Date.parse(watermark)))
      watermark = t.updatedAt.toISOString();
  }
  const next = typeof body.nextPageToken === 'string' && body.nextPageToken ? body.nextPageToken : null;
  const done = body.isLast === true || !next;
  const cursor: JsmCursor = { from: cur.from, watermark, timeZone: cur.timeZone, orgField: cur.orgField };
  if (!done) cursor.token = next!;
  return { tickets, cursor: cursor as unknown as Cursor, done };
}

export const jsm: ConnectorPlatform = {
  id: 'jsm',
  label: 'Jira Service Management',
  credentialFields: [
    {
      name: 'subdomain',
      label: 'Site',
      secret: false,
      hint: 'The part before .atlassian.net in your Jira address, e.g. "acme" for acme.atlassian.net.',
    },
    {
      name: 'email',
      label: 'Email',
      secret: false,
      hint: 'The Atlassian account email of the user the API token belongs to (an agent on the service projects).',
    },
    {
      name: 'apiToken',
      label: 'API token',
      secret: true,
      hint: 'Create one at id.atlassian.com → Security → Create and manage API tokens, signed in as that user.',
    },
    {
      name: 'projects',
      label: 'Project keys',
      secret: false,
      optional: true,
      hint: 'Comma-separated service project keys to sync, e.g. "SUP, HELP". Empty = every project the user can browse.',
    },
  ],
  baseUrl: (c) => `https://${site(c)}.atlassian.net`,
  authHeaders: (c) => ({
    Authorization: `Basic ${Buffer.from(`${(c.email ?? '').trim()}:${(c.apiToken ?? '').trim()}`).toString('base64')}`,
    Accept: 'application/json',
  }),

  async test(ctx): Promise<TestResult> {
    if (!site(ctx.credentials))
      return {
        ok: false,
        field: 'subdomain',
        message: 'Enter your Jira site, e.g. "acme" for acme.atlassian.net.',
      };
    if (!ctx.credentials.email?.includes('@'))
      return {
        ok: false,
        field: 'email',
        message: 'Enter the email address of the Atlassian account the API token belongs to.',
      };
    if (!ctx.credentials.apiToken?.trim())
      return {
        ok: false,
        field: 'apiToken',
        message: 'Paste the API token created at id.atlassian.com → Security → API tokens.',
      };
    let res;
    try {
      res = await ctx.http.request({ method: 'GET', url: '/rest/api/3/myself' });
    } catch {
      return {
        ok: false,
        field: 'subdomain',
        message: `Could not reach ${ctx.baseUrl}. Check the site name (the part before .atlassian.net).`,
      };
    }
    if (res.status === 404)
      return {
        ok: false,
        field: 'subdomain',
        message: `${ctx.baseUrl} is not a Jira Cloud site. Check the site name.`,
      };
    if (res.status === 401 || res.status === 403) {
      return {
        ok: false,
        field: 'apiToken',
        message:
          'Jira rejected the email + API token. Check the token was created by this email’s account and has not expired or been revoked (id.atlassian.com → Security → API tokens).',
      };
    }
    if (res.status < 200 || res.status >= 300)
      return {
        ok: false,
        field: null,
        message: `Jira answered ${res.status} to /rest/api/3/myself; try again shortly.`,
      };
    const me = res.body as {
      accountId?: string;
      emailAddress?: string;
      displayName?: string;
      active?: boolean;
    };
    if (!me?.accountId)
      return {
        ok: false,
        field: 'apiToken',
        message: 'Jira did not recognise the credentials as a user. Check the email and API token.',
      };
    if (me.active === false)
      return {
        ok: false,
        field: 'email',
        message: `The Atlassian account ${me.emailAddress ?? ''} is deactivated. Use an active agent account.`,
      };
    // Syncing needs Browse projects; a user who cannot browse any project sees an empty search.
    const perm = await ctx.http.request({
      method: 'GET',
      url: '/rest/api/3/mypermissions',
      query: { permissions: 'BROWSE_PROJECTS' },
    });
    const can = (perm.body as { permissions?: { BROWSE_PROJECTS?: { havePermission?: boolean } } })
      ?.permissions?.BROWSE_PROJECTS?.havePermission;
    if (perm.status >= 200 && perm.status < 300 && can === false) {
      return {
        ok: false,
        field: 'email',
        message: `${me.emailAddress ?? 'This user'} has no Browse projects permission. Add the account as an agent on your service projects, or use another account.`,
      };
    }
    return {
      ok: true,
      account: `${me.displayName ?? me.emailAddress ?? me.accountId} on ${ctx.baseUrl.replace(/^https?:\/\//, '')}`,
    };
  },

  async fetchPage(ctx, cursor, { since }) {
    const prev = asCursor(cursor);
    if (prev?.token) return searchPage(ctx, prev);
    // A new search: from the backfill start, or a look-back before the newest ticket already stored.
    const from = prev?.watermark
      ? new Date(Date.parse(prev.watermark) - JSM_LOOKBACK_MS)
      : prev
        ? new Date(prev.from)
        : since;
    return searchPage(ctx, await startCursor(ctx, from, prev));
  },

  async fetchTickets(ctx, ids): Promise<NormalizedTicket[]> {
    const clean = ids.filter((id) => /^\d+$/.test(id));
    if (!clean.length) return [];
    const orgField = await orgFieldOf(ctx);
    const fields = orgField ? [...ISSUE_FIELDS, orgField] : ISSUE_FIELDS;
    const out: NormalizedTicket[] = [];
    // reconcileIssues (≤ 50 ids) makes the search read-after-write consistent for a just-changed issue.
    for (let i = 0; i < clean.length; i += 50) {
      const chunk = clean.slice(i, i + 50);
      const res = await ctx.http.request({
        method: 'POST',
        url: '/rest/api/3/search/jql',
        body: {
          jql: `id in (${chunk.join(',')})`,
          fields,
          maxResults: 50,
          reconcileIssues: chunk.map(Number),
        },
      });
      const body = expectOk(res, 'Reading Jira issues');
      for (const issue of (body.issues as JiraIssue[] | undefined) ?? []) out.push(mapIssue(issue, orgField));
    }
    return out;
  },

  // Jira admin webhooks take any secret the admin types in (System → WebHooks → Secret).
  generatesWebhookSecret: true,
  verifyWebhook: verifyJsmWebhook,
  parseWebhook: parseJsmWebhook,
};

export { parseJiraDate };
