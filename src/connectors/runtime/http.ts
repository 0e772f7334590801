import { Agent, fetch as undiciFetch } from 'undici';
import type { HttpClient, HttpRequest, HttpResponse } from '../types.js';
import { ConnectorError } from './errors.js';
import { checkUrl, EgressRefused, guardedLookup } from './egress.js';

/**
 * One agent for every connector request: its `lookup` checks the address each new connection
 * dials (egress.ts), so a DNS answer that changes to an internal address is refused at connect.
 */
const agent = new Agent({ connect: { lookup: guardedLookup() as never } });

export interface HttpClientOptions {
  baseUrl: string;
  /** The platform's auth headers (never logged). */
  headers: Record<string, string>;
  /** Tries per request, the first included (429, 5xx and network errors are retried). */
  maxAttempts?: number;
  /** First backoff step; doubles per attempt, full jitter. */
  baseDelayMs?: number;
  /** No single wait is longer than this, whatever the platform asks for. */
  maxDelayMs?: number;
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Told about each wait (metrics, tests). */
  onRetry?: (info: { attempt: number; status: number | null; waitMs: number; reason: string }) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * How long the platform asks us to wait, in the order every Airbyte connector uses: `Retry-After`
 * (seconds or an HTTP date) first, then the platform's reset headers when the budget is spent
 * (`X-RateLimit-Reset` unix seconds or ISO — Intercom, Jira; `ratelimit-reset` seconds — Zendesk),
 * else null (exponential backoff).
 */
export function waitFromHeaders(headers: Record<string, string>, now = Date.now()): number | null {
  const ra = headers['retry-after'];
  if (ra !== undefined && ra.trim() !== '') {
    const secs = Number(ra);
    if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
    const at = Date.parse(ra);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const remaining =
    headers['x-ratelimit-remaining'] ?? headers['ratelimit-remaining'] ?? headers['x-rate-limit-remaining'];
  if (remaining !== undefined && Number(remaining) <= 0) {
    const reset = headers['ratelimit-reset'];
    if (reset !== undefined && Number.isFinite(Number(reset))) return Math.max(0, Number(reset) * 1000);
    const xr = headers['x-ratelimit-reset'];
    if (xr !== undefined) {
      const n = Number(xr);
      // Unix seconds (Intercom) or an ISO date (Jira).
      const at = Number.isFinite(n) ? n * 1000 : Date.parse(xr);
      if (!Number.isNaN(at)) return Math.max(0, at - now);
    }
  }
  return null;
}

function joinUrl(base: string, url: string, query?: HttpRequest['query']): string {
  const abs = /^https?:\/\//i.test(url) ? url : base.replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '');
  const u = new URL(abs);
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, String(v));
  return u.toString();
}

/**
 * The runtime's HTTP client: every platform request goes through it. Retries 429 and 5xx (and
 * network errors) with the platform's own wait signals, then exponential backoff with full
 * jitter, for a bounded number of attempts; any other response is returned for the platform
 * to interpret (see `expectOk`).
 */
export function createHttpClient(o: HttpClientOptions): HttpClient {
  const maxAttempts = o.maxAttempts ?? 5;
  const base = o.baseDelayMs ?? 500;
  const cap = o.maxDelayMs ?? 120_000;
  const sleep = o.sleep ?? defaultSleep;
  const random = o.random ?? Math.random;
  return {
    async request(req) {
      const url = joinUrl(o.baseUrl, req.url, req.query);
      try {
        checkUrl(url);
      } catch (err) {
        if (err instanceof EgressRefused) throw new ConnectorError(err.message, 'config', 'baseUrl');
        throw err;
      }
      let lastReason = '';
      for (let attempt = 1; ; attempt++) {
        let res: Awaited<ReturnType<typeof undiciFetch>> | null = null;
        try {
          res = await undiciFetch(url, {
            dispatcher: agent,
            method: req.method,
            headers: {
              accept: 'application/json',
              ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
              ...o.headers,
              ...req.headers,
            },
            body: req.body === undefined ? undefined : JSON.stringify(req.body),
            signal: AbortSignal.timeout(o.timeoutMs ?? 60_000),
          });
        } catch (err) {
          const cause = (err as { cause?: unknown }).cause;
          if (cause instanceof EgressRefused) throw new ConnectorError(cause.message, 'config', 'baseUrl');
          lastReason = `network error: ${(err as Error).message}`;
        }
        if (res && res.status !== 429 && res.status < 500) return toResponse(res);
        const headers = res ? headerMap(res.headers) : {};
        if (res) {
          lastReason = `HTTP ${res.status}`;
          await res.arrayBuffer().catch(() => undefined);
        }
        if (attempt >= maxAttempts) {
          throw new ConnectorError(
            res?.status === 429
              ? `The helpdesk kept rate-limiting us (${maxAttempts} attempts); the sync resumes on its next run.`
              : `The helpdesk did not answer properly after ${maxAttempts} attempts (${lastReason}); the sync resumes on its next run.`,
            res?.status === 429 ? 'rate_limited' : 'unavailable',
          );
        }
        const asked = res ? waitFromHeaders(headers) : null;
        const backoff = Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)));
        const waitMs = Math.min(cap, asked ?? backoff);
        o.onRetry?.({ attempt, status: res?.status ?? null, waitMs, reason: lastReason });
        await sleep(waitMs);
      }
    },
  };
}

function headerMap(h: { forEach(cb: (v: string, k: string) => void): void }): Record<string, string> {
  const out: Record<string, string> = {};
  h.forEach((v, k) => (out[k.toLowerCase()] = v));
  return out;
}

async function toResponse(res: Awaited<ReturnType<typeof undiciFetch>>): Promise<HttpResponse> {
  const text = await res.text();
  let body: unknown = text;
  if (text && (res.headers.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, headers: headerMap(res.headers), body };
}

/**
 * Turns a non-2xx answer into a ConnectorError the admin can act on: 401 is an expired or
 * revoked credential, 403 a missing permission, 404 usually a wrong subdomain or base URL.
 */
export function expectOk(
  res: HttpResponse,
  what: string,
  fields: { auth: string; authLabel?: string; host: string },
): HttpResponse {
  if (res.status >= 200 && res.status < 300) return res;
  const cred = fields.authLabel ? `${fields.authLabel} (${fields.auth})` : fields.auth;
  if (res.status === 401)
    throw new ConnectorError(
      `${what} was refused (401): the ${cred} is invalid, expired or revoked. Create a new one and update the connector.`,
      'auth',
      fields.auth,
    );
  if (res.status === 403)
    throw new ConnectorError(
      `${what} was forbidden (403): the ${cred} lacks the permission needed. Use an admin's credentials.`,
      'permission',
      fields.auth,
    );
  if (res.status === 404)
    throw new ConnectorError(`${what} was not found (404): check the ${fields.host}.`, 'config', fields.host);
  throw new ConnectorError(`${what} failed with HTTP ${res.status}.`, 'bad_response');
}
