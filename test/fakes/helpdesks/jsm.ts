/**
 * A local fake of the Jira Cloud REST API v3 as the JSM connector uses it: a real HTTP server with
 * Basic auth (email:api_token), `GET /rest/api/3/myself`, `/mypermissions`, `/field`, and the
 * enhanced search `POST /rest/api/3/search/jql` answering `{issues, nextPageToken, isLast}` (no
 * total), with the legacy `/rest/api/3/search` gone (410). It understands the JQL the connector
 * writes — `project in (…)`, `updated >= "yyyy-MM-dd HH:mm"` read in the user's time zone with
 * minute precision, `id in (…)`, `ORDER BY updated ASC` — and evaluates each page against the live
 * data, as Jira does. Page size is capped at 100; page tokens are opaque and bound to their JQL.
 * Every answer carries X-RateLimit-* headers; `rateLimit(n)` makes the next n requests answer 429
 * with Retry-After and X-RateLimit-Reset, and `expireToken()` makes the token answer 401.
 */
import { readRequest } from './common.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeJiraIssue {
  id: string;
  key: string;
  project: string;
  summary: string;
  /** ADF document. */
  description: unknown;
  status: string;
  priority: string;
  reporterEmail: string | null;
  organizations: { id: string; name: string }[];
  created: Date;
  updated: Date;
}

export interface FakeJsmCall {
  method: string;
  path: string;
  /** URL parameters, plus the top-level fields of a JSON body (search is a POST). */
  query: Record<string, string>;
  body: unknown;
  status: number;
  at: number;
}

export const JSM_ORG_FIELD = 'customfield_10002';
export const JSM_MAX_RESULTS = 100;

/** Jira's timestamp format: 2020-05-08T07:55:44.099+0000. */
function jiraDate(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

/** UTC instant of a wall-clock time in `tz` (JQL dates are read in the user's zone). */
function wallToUtc(y: number, mo: number, d: number, h: number, mi: number, tz: string): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const offset = (t: number) => {
    const p = new Intl.DateTimeFormat('en-CA', {
      timeZone: tz,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).formatToParts(new Date(t));
    const g = (k: string) => Number(p.find((x) => x.type === k)!.value);
    return Date.UTC(g('year'), g('month') - 1, g('day'), g('hour'), g('minute')) - t;
  };
  return guess - offset(guess - offset(guess));
}

export async function startFakeJsm(
  o: { email?: string; apiToken?: string; timeZone?: string; canBrowse?: boolean } = {},
) {
  const email = o.email ?? 'agent@acme.test';
  const token = o.apiToken ?? 'jira-api-token';
  let expired = false;
  let pageSize = JSM_MAX_RESULTS;
  const timeZone = o.timeZone ?? 'Europe/Berlin';
  let canBrowse = o.canBrowse ?? true;
  const issues = new Map<string, FakeJiraIssue>();
  const calls: FakeJsmCall[] = [];
  let rateLimited = 0;
  let retryAfterSec = 1;
  // Seeded and changed issues are updated one second apart, hours in the past.
  let clock = Date.now() - 6 * 3600_000;

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, {
      'content-type': 'application/json;charset=UTF-8',
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': String(99 - (calls.length % 99)),
      ...headers,
    });
    res.end(JSON.stringify(body));
  }

  function issueJson(i: FakeJiraIssue) {
    return {
      id: i.id,
      key: i.key,
      self: `https://acme.atlassian.net/rest/api/3/issue/${i.id}`,
      fields: {
        summary: i.summary,
        description: i.description,
        status: { name: i.status, statusCategory: { key: i.status === 'Done' ? 'done' : 'new' } },
        priority: { name: i.priority },
        reporter: i.reporterEmail
          ? { accountId: `acc-${i.reporterEmail}`, emailAddress: i.reporterEmail }
          : null,
        issuetype: { name: 'Service Request' },
        created: jiraDate(i.created),
        updated: jiraDate(i.updated),
        [JSM_ORG_FIELD]: i.organizations.map((x) => ({ id: x.id, name: x.name })),
      },
    };
  }

  /** The JQL subset the connector writes; anything else is a 400 as Jira would answer. */
  function evaluate(jql: string): FakeJiraIssue[] | string {
    const [where, order] = jql.split(/\s+ORDER BY\s+/i);
    let list = [...issues.values()];
    for (const clause of (where ?? '').split(/\s+AND\s+/i).filter((c) => c.trim())) {
      let m: RegExpExecArray | null;
      if ((m = /^project in \(([^)]*)\)$/i.exec(clause.trim()))) {
        const keys = m[1]!.split(',').map((k) => k.trim());
        list = list.filter((i) => keys.includes(i.project));
      } else if ((m = /^updated >= "(\d{4})[-/](\d{2})[-/](\d{2}) (\d{2}):(\d{2})"$/.exec(clause.trim()))) {
        const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
        const from = wallToUtc(y, mo, d, h, mi, timeZone);
        list = list.filter((i) => i.updated.getTime() >= from);
      } else if ((m = /^id in \(([^)]*)\)$/i.exec(clause.trim()))) {
        const ids = m[1]!.split(',').map((k) => k.trim());
        list = list.filter((i) => ids.includes(i.id));
      } else {
        return `Error in the JQL Query: unsupported clause '${clause}'.`;
      }
    }
    if (order && !/^updated ASC$/i.test(order.trim())) return `unsupported ORDER BY ${order}`;
    return list.sort((a, b) => a.updated.getTime() - b.updated.getTime() || Number(a.id) - Number(b.id));
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const { u, body, query } = await readRequest(req, url);
    const call: FakeJsmCall = {
      method: req.method ?? 'GET',
      path: u.pathname,
      query,
      body,
      status: 200,
      at: Date.now(),
    };
    calls.push(call);
    const reply = (status: number, b: unknown, h?: Record<string, string>) => {
      call.status = status;
      send(res, status, b, h);
    };

    const auth = req.headers.authorization ?? '';
    const basic = auth.startsWith('Basic ') ? Buffer.from(auth.slice(6), 'base64').toString('utf8') : '';
    if (expired || basic !== `${email}:${token}`) {
      // Jira Cloud answers bad Basic credentials with 401 and a plain error list.
      return reply(401, {
        errorMessages: ['You are not authenticated. Authentication required to perform this operation.'],
        errors: {},
      });
    }
    if (rateLimited > 0) {
      rateLimited--;
      return reply(
        429,
        { errorMessages: ['Rate limit exceeded.'] },
        {
          'retry-after': String(retryAfterSec),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': new Date(Date.now() + retryAfterSec * 1000).toISOString(),
          'ratelimit-reason': 'jira-burst-based',
        },
      );
    }
    const route = `${req.method} ${u.pathname}`;
    switch (route) {
      case 'GET /rest/api/3/myself':
        return reply(200, {
          self: `${url}/rest/api/3/user?accountId=5b10ac8d82e05b22cc7d4ef5`,
          accountId: '5b10ac8d82e05b22cc7d4ef5',
          accountType: 'atlassian',
          emailAddress: email,
          displayName: 'Acme Support Agent',
          active: true,
          timeZone,
          locale: 'en_US',
        });
      case 'GET /rest/api/3/mypermissions':
        return reply(200, {
          permissions: {
            BROWSE_PROJECTS: {
              id: '10',
              key: 'BROWSE_PROJECTS',
              name: 'Browse Projects',
              type: 'PROJECT',
              havePermission: canBrowse,
            },
          },
        });
      case 'GET /rest/api/3/field':
        return reply(200, [
          { id: 'summary', name: 'Summary', custom: false, schema: { type: 'string', system: 'summary' } },
          {
            id: JSM_ORG_FIELD,
            name: 'Organizations',
            custom: true,
            schema: {
              type: 'array',
              items: 'sd-customerorganization',
              custom: 'com.atlassian.servicedesk:sd-customer-organizations',
              customId: 10002,
            },
          },
        ]);
      case 'GET /rest/api/3/search':
      case 'POST /rest/api/3/search':
        return reply(410, {
          errorMessages: [
            'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.',
          ],
        });
      case 'POST /rest/api/3/search/jql': {
        const b = (body ?? {}) as { jql?: string; maxResults?: number; nextPageToken?: string };
        if (typeof b.jql !== 'string') return reply(400, { errorMessages: ['jql is required'] });
        const list = evaluate(b.jql);
        if (typeof list === 'string') return reply(400, { errorMessages: [list] });
        const size = Math.min(Math.max(1, b.maxResults ?? 50), JSM_MAX_RESULTS, pageSize);
        let offset = 0;
        if (b.nextPageToken) {
          try {
            const t = JSON.parse(Buffer.from(b.nextPageToken, 'base64url').toString('utf8')) as {
              o: number;
              q: string;
            };
            if (t.q !== b.jql) throw new Error('other query');
            offset = t.o;
          } catch {
            return reply(400, { errorMessages: ['The provided next page token is invalid or expired.'] });
          }
        }
        const page = list.slice(offset, offset + size);
        const more = offset + size < list.length;
        return reply(200, {
          issues: page.map(issueJson),
          ...(more
            ? {
                nextPageToken: Buffer.from(JSON.stringify({ o: offset + size, q: b.jql })).toString(
                  'base64url',
                ),
              }
            : {}),
          isLast: !more,
        });
      }
      default:
        return reply(404, { errorMessages: [`No route for ${route}`] });
    }
  }

  function adf(text: string) {
    return { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] };
  }

  return {
    url,
    email,
    apiToken: token,
    credentials: () => ({ subdomain: 'acme', email, apiToken: token }),
    timeZone,
    calls,
    issues,
    /** Adds issues with ids [from, from + n), each updated one second after the previous. */
    seed(
      from: number,
      n: number,
      opts: {
        project?: string;
        org?: { id: string; name: string } | null;
        reporter?: (i: number) => string | null;
      } = {},
    ) {
      const out: FakeJiraIssue[] = [];
      for (let i = 0; i < n; i++) {
        const id = String(from + i);
        clock += 1000;
        const issue: FakeJiraIssue = {
          id,
          key: `${opts.project ?? 'SUP'}-${id}`,
          project: opts.project ?? 'SUP',
          summary: `Request ${id}`,
          description: adf(`Body of request ${id}`),
          status: 'Waiting for support',
          priority: 'Medium',
          reporterEmail: opts.reporter ? opts.reporter(i) : `user${id}@customer.test`,
          organizations: opts.org === null ? [] : [opts.org ?? { id: '1', name: 'Customer Co' }],
          created: new Date(clock),
          updated: new Date(clock),
        };
        issues.set(id, issue);
        out.push(issue);
      }
      return out;
    },
    /** Changes an issue as an agent would; `updated` moves to the fake's clock. */
    update(id: string, change: Partial<Omit<FakeJiraIssue, 'id'>>) {
      const i = issues.get(id);
      if (!i) throw new Error(`no issue ${id}`);
      clock += 1000;
      Object.assign(i, change, { updated: new Date(clock) });
      return i;
    },
    /** Agents edit these issues: "(changed)" is appended to the summary, `updated` moves on. */
    change(ids: number[]) {
      for (const id of ids) {
        const i = issues.get(String(id));
        if (!i) throw new Error(`no issue ${id}`);
        clock += 1000;
        i.summary = `${i.summary} (changed)`;
        i.updated = new Date(clock);
      }
    },
    /** Caps the page size below Jira's 100 (so a few dozen issues make several pages). */
    setPageSize(n: number) {
      pageSize = n;
    },
    /** Sets the fake's clock (issues seeded after it are updated from there). */
    setClock(d: Date) {
      clock = d.getTime();
    },
    rateLimit(n: number, retryAfter = 1) {
      rateLimited = n;
      retryAfterSec = retryAfter;
    },
    /** The API token expires (or is revoked): every call answers 401. */
    setExpired(v: boolean) {
      expired = v;
    },
    setCanBrowse(v: boolean) {
      canBrowse = v;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export type FakeJsm = Awaited<ReturnType<typeof startFakeJsm>>;
