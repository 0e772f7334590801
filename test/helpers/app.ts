import { loadConfig } from '../../src/bots/registry.js';
import { startApp, type RunningApp, type StartOptions } from '../../src/app.js';
import { createLogger } from '../../src/log.js';
import { createWorkspace } from '../../src/store/workspaces.js';
import type { TestDatabase } from './db.js';

/** Starts the real product in this process on an ephemeral port. */
export async function startTestApp(
  db: TestDatabase,
  env: Record<string, string> = {},
  opts: Partial<StartOptions> = {},
): Promise<RunningApp> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    FINCELO_DEMO: 'off',
    // Tests that read the playground's messages as a fixture need no token; the playground's own
    // tests start it with FINCELO_PLAYGROUND=local (token, loopback, no proxy headers).
    FINCELO_PLAYGROUND: 'public',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JOBS_POLL_INTERVAL: '200ms',
    SHUTDOWN_GRACE: '2s',
    // Connector tests talk to local fakes; the SSRF guard refuses loopback unless allowed.
    FINCELO_CONNECTOR_ALLOW_HOSTS: '127.0.0.1,localhost',
    ...db.env,
    ...env,
  });
  return startApp({ config, log: createLogger(config.LOG_LEVEL), noDemo: true, ...opts });
}

/** A tiny JSON client for the product's HTTP API. */
export function apiClient(baseUrl: string, apiKey?: string) {
  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  }
  return {
    get: (p: string) => call('GET', p),
    post: (p: string, b?: unknown, h?: Record<string, string>) => call('POST', p, b, h),
    patch: (p: string, b?: unknown) => call('PATCH', p, b),
    del: (p: string) => call('DELETE', p),
  };
}

/** A workspace with a CS team: csm-1 → mgr-1, a VP, a CFO, an admin and a second CSM. */
export async function seedTeam(app: RunningApp, settings?: Record<string, unknown>) {
  const ws = await createWorkspace(app.database.db, { name: 'Test Co' });
  const api = apiClient(app.url, ws.apiKey);
  const people = await api.post('/api/v1/people', [
    { externalId: 'mgr-1', name: 'Dana Manager', email: 'dana@test.example', role: 'csm_manager' },
    {
      externalId: 'csm-1',
      name: 'Sam CSM',
      email: 'sam@test.example',
      role: 'csm',
      managerExternalId: 'mgr-1',
      timezone: 'Europe/London',
    },
    {
      externalId: 'csm-2',
      name: 'Alex CSM',
      email: 'alex@test.example',
      role: 'csm',
      managerExternalId: 'mgr-1',
    },
    { externalId: 'vp-1', name: 'Priya VP', role: 'vp_cs' },
    { externalId: 'cfo-1', name: 'Morgan CFO', role: 'cfo' },
    { externalId: 'admin-1', name: 'Riley Admin', role: 'admin' },
    { externalId: 'outsider', name: 'Olly Outsider', role: 'csm' },
  ]);
  if (people.status !== 200) throw new Error(`seed people: ${JSON.stringify(people.body)}`);
  const customers = await api.post('/api/v1/customers', [
    { externalId: 'cust-1', name: 'Northwind', tier: 'platinum', csmExternalId: 'csm-1', arr: 100000 },
    { externalId: 'cust-2', name: 'Globex', tier: 'average', csmExternalId: 'csm-1' },
    { externalId: 'cust-3', name: 'Hooli', tier: 'critical', csmExternalId: 'csm-2' },
    { externalId: 'cust-orphan', name: 'Orphan Inc', tier: 'good', csmExternalId: 'outsider' },
  ]);
  if (customers.status !== 200) throw new Error(`seed customers: ${JSON.stringify(customers.body)}`);
  if (settings) {
    const r = await api.patch('/api/v1/settings', settings);
    if (r.status !== 200) throw new Error(`settings: ${JSON.stringify(r.body)}`);
  }
  const ids = Object.fromEntries(
    (people.body.people as { externalId: string; id: string }[]).map((p) => [p.externalId, p.id]),
  );
  return { ...ws, api, personIds: ids as Record<string, string> };
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 15_000,
  stepMs = 100,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end)
      throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
