/**
 * `usage-ingest`: 10,000 usage readings through `POST /api/v1/usage` (batches of 500, ~5 % above
 * threshold) against the same 10,000 rows inserted raw through the app's own pool.
 */
import type { RunningApp } from '../src/app.js';
import { createWorkspace } from '../src/store/workspaces.js';
import type { Tier } from '../src/engine/index.js';
import {
  api,
  chunks,
  freshDatabase,
  maxOf,
  percentile,
  ratio,
  secondsSince,
  seededRandom,
  startBenchApp,
  type BenchResult,
} from './lib.js';

const CUSTOMERS = 1_000;
const READINGS = 10_000;
const BATCH = 500;
const ABOVE_SHARE = 0.05;
const TIERS: Tier[] = ['platinum', 'good', 'average', 'poor', 'critical'];

interface Reading {
  customerExternalId: string;
  used: number;
  limit: number;
  metric: string;
  at: string;
}

/**
 * The readings, the same every run. Below-threshold values stay under 65 % of the limit (every
 * tier's threshold is ≥ 70 %); above-threshold ones are 90–120 %, so they cross every tier.
 */
function makeReadings(): { readings: Reading[]; aboveCustomers: Set<string> } {
  const rnd = seededRandom(20_261_123);
  const above = new Set<number>();
  const want = Math.round(READINGS * ABOVE_SHARE);
  while (above.size < want) above.add(Math.floor(rnd() * READINGS));
  const aboveCustomers = new Set<string>();
  const base = Date.now() - READINGS * 1000;
  const readings = Array.from({ length: READINGS }, (_, i) => {
    const customerExternalId = `cust-${Math.floor(rnd() * CUSTOMERS)}`;
    const limit = 1000;
    const isAbove = above.has(i);
    if (isAbove) aboveCustomers.add(customerExternalId);
    const used = Math.round(limit * (isAbove ? 0.9 + rnd() * 0.3 : rnd() * 0.65));
    return {
      customerExternalId,
      used,
      limit,
      metric: 'api_calls',
      at: new Date(base + i * 1000).toISOString(),
    };
  });
  return { readings, aboveCustomers };
}

/** Multi-row INSERT of the rows, `BATCH` at a time, through the app's pool; returns seconds. */
async function rawInsert(app: RunningApp, workspaceId: string, rows: Reading[], ids: Map<string, string>) {
  const t0 = process.hrtime.bigint();
  for (const batch of chunks(rows, BATCH)) {
    const params: unknown[] = [];
    const values = batch.map((r) => {
      params.push(workspaceId, ids.get(r.customerExternalId), r.used, r.limit, r.metric, r.at);
      const n = params.length;
      return `($${n - 5},$${n - 4},$${n - 3},$${n - 2},$${n - 1},$${n})`;
    });
    await app.database.pool.query(
      `INSERT INTO usage_readings (workspace_id, customer_id, used, "limit", metric, at) VALUES ${values.join(',')}`,
      params,
    );
  }
  return secondsSince(t0);
}

export async function runUsageIngest(): Promise<BenchResult> {
  const db = await freshDatabase('usage');
  const notes: string[] = [`database: ${db.where}`];
  let bench: Awaited<ReturnType<typeof startBenchApp>> | undefined;
  try {
    bench = await startBenchApp(db.env);
    const { app } = bench;
    const ws = await createWorkspace(app.database.db, { name: 'bench usage-ingest' });
    const call = <T>(method: 'POST' | 'PATCH', path: string, body: unknown) =>
      api<T>(app.url, ws.apiKey, method, path, body);

    await call('POST', '/people', [
      { externalId: 'mgr-1', name: 'Morgan Manager', role: 'csm_manager' },
      { externalId: 'csm-1', name: 'Casey CSM', role: 'csm', managerExternalId: 'mgr-1' },
    ]);
    const created = await call<{ customers: { externalId: string; id: string }[] }>(
      'POST',
      '/customers',
      Array.from({ length: CUSTOMERS }, (_, i) => ({
        externalId: `cust-${i}`,
        name: `Customer ${i}`,
        tier: TIERS[i % TIERS.length],
        csmExternalId: 'csm-1',
      })),
    );
    const ids = new Map(created.customers.map((c) => [c.externalId, c.id]));

    const { readings, aboveCustomers } = makeReadings();
    // Warm-up, not timed: one small batch each way (connections, JIT, plan caches).
    const warm = readings.slice(0, 100).map((r) => ({ ...r, used: 1 }));
    await call('POST', '/usage', warm);
    await rawInsert(app, ws.workspaceId, warm, ids);

    // Baseline first, so background work the API run leaves behind (card deliveries) cannot slow it.
    const rawSeconds = await rawInsert(app, ws.workspaceId, readings, ids);

    const batchMs: number[] = [];
    const outcomes = new Map<string, number>();
    const t0 = process.hrtime.bigint();
    for (const batch of chunks(readings, BATCH)) {
      const b0 = performance.now();
      const res = await call<{ accepted: number; outcomes: string[] }>('POST', '/usage', batch);
      batchMs.push(performance.now() - b0);
      for (const o of res.outcomes) outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    }
    const apiSeconds = secondsSince(t0);

    const alerts = Number(
      (
        await app.database.pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM alerts WHERE workspace_id = $1',
          [ws.workspaceId],
        )
      ).rows[0]?.n ?? 0,
    );
    const apiRate = READINGS / apiSeconds;
    const rawRate = READINGS / rawSeconds;
    notes.push(
      `${CUSTOMERS} customers (tiers rotate), ${READINGS} readings in batches of ${BATCH}; ` +
        `${Math.round(READINGS * ABOVE_SHARE)} above threshold across ${aboveCustomers.size} customers`,
    );
    notes.push(
      `API batch latency p50 ${percentile(batchMs, 50)?.toFixed(0)} ms, max ${maxOf(batchMs)?.toFixed(0)} ms; ` +
        `outcomes: ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}`,
    );
    notes.push(
      `baseline: raw multi-row INSERT of the same rows through app.database.pool, run before the API pass`,
    );
    if (bench.errors.count)
      notes.push(`app logged ${bench.errors.count} error(s), first: ${bench.errors.first[0]}`);

    return {
      name: 'usage-ingest',
      notes,
      figures: [
        {
          key: 'readings_per_s',
          label: 'API readings/s (POST /api/v1/usage)',
          value: apiRate,
          unit: '/s',
          baseline: rawRate,
          ratio: ratio(apiRate, rawRate),
          target: { on: 'ratio', op: '>=', limit: 0.25 },
        },
        { key: 'api_seconds', label: 'API time for all readings', value: apiSeconds, unit: 's' },
        { key: 'raw_seconds', label: 'raw INSERT time (baseline)', value: rawSeconds, unit: 's' },
        {
          key: 'alerts_created',
          label: 'alerts created',
          value: alerts,
          unit: '',
          target: { on: 'value', op: '==', limit: aboveCustomers.size },
        },
      ],
    };
  } finally {
    await bench?.close();
    await db.drop();
  }
}
