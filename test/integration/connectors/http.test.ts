/** The runtime's HTTP client against a local server: Retry-After, rate-limit headers, backoff, bounds. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpClient, waitFromHeaders } from '../../../src/connectors/runtime/http.js';
import { ConnectorError } from '../../../src/connectors/runtime/errors.js';
import { configureEgress } from '../../../src/connectors/runtime/egress.js';

// The local server is on loopback, which the SSRF guard refuses unless allowed (as in production).
configureEgress({ allowHosts: ['127.0.0.1'] });

let server: Server;
let url = '';
let script: { status: number; headers?: Record<string, string> }[] = [];
const seen: { auth?: string; path: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ auth: req.headers.authorization, path: req.url ?? '' });
    const next = script.shift() ?? { status: 200 };
    res.writeHead(next.status, { 'content-type': 'application/json', ...next.headers });
    res.end(JSON.stringify({ ok: next.status === 200 }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function client(o: { maxAttempts?: number } = {}) {
  const waits: number[] = [];
  const c = createHttpClient({
    baseUrl: url,
    headers: { authorization: 'Basic abc' },
    sleep: async (ms) => void waits.push(ms),
    random: () => 0.5,
    baseDelayMs: 100,
    ...o,
  });
  return { c, waits };
}

describe('waitFromHeaders', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  it('prefers Retry-After (seconds or HTTP date)', () => {
    expect(
      waitFromHeaders({ 'retry-after': '7', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '999' }, now),
    ).toBe(7000);
    expect(waitFromHeaders({ 'retry-after': 'Mon, 23 Nov 2026 10:00:30 GMT' }, now)).toBe(30_000);
  });
  it('then the platform reset headers when the budget is spent', () => {
    expect(waitFromHeaders({ 'ratelimit-remaining': '0', 'ratelimit-reset': '12' }, now)).toBe(12_000);
    expect(
      waitFromHeaders({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 5) }, now),
    ).toBe(5000);
    expect(
      waitFromHeaders({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2026-11-23T10:00:09Z' }, now),
    ).toBe(9000);
    expect(
      waitFromHeaders({ 'x-ratelimit-remaining': '3', 'x-ratelimit-reset': '2026-11-23T10:00:09Z' }, now),
    ).toBeNull();
    expect(waitFromHeaders({}, now)).toBeNull();
  });
});

describe('createHttpClient', () => {
  it('sends the platform auth headers and retries 429 as Retry-After says', async () => {
    script = [{ status: 429, headers: { 'retry-after': '3' } }, { status: 200 }];
    const { c, waits } = client();
    const r = await c.request({ method: 'GET', url: '/api/x', query: { a: 1, b: undefined } });
    expect(r.status).toBe(200);
    expect(waits).toEqual([3000]);
    expect(seen.at(-1)).toEqual({ auth: 'Basic abc', path: '/api/x?a=1' });
  });

  it('backs off exponentially with jitter on 5xx without signals', async () => {
    script = [{ status: 503 }, { status: 502 }, { status: 500 }, { status: 200 }];
    const { c, waits } = client();
    expect((await c.request({ method: 'GET', url: '/y' })).status).toBe(200);
    expect(waits).toEqual([50, 100, 200]); // random 0.5 × 100·2^n
  });

  it('gives up after the bounded attempts with a connector error', async () => {
    script = Array.from({ length: 3 }, () => ({ status: 429, headers: { 'retry-after': '1' } }));
    const { c, waits } = client({ maxAttempts: 3 });
    const err = await c.request({ method: 'GET', url: '/z' }).catch((e) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    expect((err as ConnectorError).code).toBe('rate_limited');
    expect(waits).toHaveLength(2);
  });

  it('returns 401 to the platform to interpret (no retry)', async () => {
    script = [{ status: 401 }];
    const { c, waits } = client();
    expect((await c.request({ method: 'GET', url: '/a' })).status).toBe(401);
    expect(waits).toEqual([]);
  });

  it('caps a huge Retry-After', async () => {
    script = [{ status: 429, headers: { 'retry-after': '86400' } }, { status: 200 }];
    const { c, waits } = client();
    await c.request({ method: 'GET', url: '/b' });
    expect(waits).toEqual([120_000]);
  });
});
