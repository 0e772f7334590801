/**
 * `scale-out`: the escalation figure with 1 and with 3 `fincelo start --role worker` processes on one
 * PostgreSQL server, side by side (issue 18), counting duplicates and losses.
 *
 * For each process count, on a fresh database: an in-process API (`--role api`: it raises alerts
 * but runs no timers) creates 2,000 alerts with the engine clock held at T0, so step 2 (CSM →
 * manager) of every alert is due at T0 + 15 s; N worker processes (real child processes, the
 * production command) share the timers through the claim query. Lag = `escalated` event − due.
 * Duplicates: an alert escalated twice, or two `post_card` rows for one (alert, person). Losses:
 * an alert that did not escalate within 60 s after due, or an escalation without its manager card.
 *
 * Deliveries: a worker queues the outbox rows (cards, replies, card updates); sending them is the
 * channel processes' job (`--role slack` …), not the workers', so the figure here is the outbox
 * rows queued by escalation, with their duplicates and losses.
 *
 * The embedded database (PGlite) serves a single process (a lock file on its data dir), so this
 * benchmark runs on a server only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Clock } from '../src/engine/index.js';
import { createWorkspace } from '../src/store/workspaces.js';
import type { RunningApp } from '../src/app.js';
import {
  api,
  chunks,
  freePort,
  freshDatabase,
  maxOf,
  onInterrupt,
  percentile,
  sleep,
  startBenchApp,
  waitFor,
  type BenchResult,
  type Figure,
} from './lib.js';

const ROOT = join(fileURLToPath(import.meta.url), '..', '..');
const ALERTS = 2_000;
const DELAY_S = 15;
const WAIT_AFTER_DUE_MS = 60_000;
const READY_TIMEOUT_MS = 60_000;

interface Run {
  workers: number;
  p50: number | null;
  p99: number | null;
  perSecond: number | null;
  escalated: number;
  duplicates: number;
  losses: number;
  outboxRows: number;
  outboxExpected: number;
  headroomS: number;
  errors: string;
}

function pinnableClock(): Clock & { pin(at: Date): void; release(): void } {
  let pinned: Date | null = null;
  return {
    now: () => (pinned ? new Date(pinned) : new Date()),
    pin: (at) => void (pinned = at),
    release: () => void (pinned = null),
  };
}

async function startWorker(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; output: () => string }> {
  const port = await freePort();
  let out = '';
  const child = spawn(process.execPath, ['bin/fincelo.js', 'start', '--role', 'worker'], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error', FINCELO_DEMO: 'off' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forget = onInterrupt(async () => void child.kill('SIGKILL'));
  child.once('exit', forget);
  const keep = (b: Buffer) => (out = (out + b.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const ready = await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`worker exited: ${out}`);
      try {
        return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
      } catch {
        return false;
      }
    },
    READY_TIMEOUT_MS,
    100,
  );
  if (!ready) throw new Error(`worker not ready after ${READY_TIMEOUT_MS} ms: ${out}`);
  return { child, output: () => out };
}

async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  if ((await Promise.race([exited.then(() => 'ok'), sleep(10_000).then(() => 'timeout')])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}

const n = async (app: RunningApp, sql: string, params: unknown[]) =>
  Number((await app.database.pool.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0);

async function runWith(workers: number): Promise<Run> {
  const db = await freshDatabase(`scale-out-${workers}`);
  const clock = pinnableClock();
  const children: { child: ChildProcess; output: () => string }[] = [];
  let bench: Awaited<ReturnType<typeof startBenchApp>> | undefined;
  try {
    bench = await startBenchApp(db.env, { clock, role: 'api' });
    const { app } = bench;
    // Workers after the API: it has applied the migrations.
    for (let i = 0; i < workers; i++) children.push(await startWorker({ ...process.env, ...db.env }));

    const ws = await createWorkspace(app.database.db, { name: `bench scale-out ${workers}` });
    const call = <T>(method: 'POST' | 'PATCH', path: string, body: unknown) =>
      api<T>(app.url, ws.apiKey, method, path, body);
    await call('POST', '/people', [
      { externalId: 'mgr-1', name: 'Morgan Manager', role: 'csm_manager' },
      { externalId: 'csm-1', name: 'Casey CSM', role: 'csm', managerExternalId: 'mgr-1' },
    ]);
    await call(
      'POST',
      '/customers',
      Array.from({ length: ALERTS }, (_, i) => ({
        externalId: `cust-${i}`,
        name: `Customer ${i}`,
        tier: 'good',
        csmExternalId: 'csm-1',
      })),
    );
    await call('PATCH', '/settings', {
      escalation: [
        { role: 'csm', after: '0s' },
        { role: 'csm_manager', after: `${DELAY_S}s` },
      ],
      cooldown: '0s',
    });
    const t0 = new Date();
    clock.pin(t0);
    try {
      const readings = Array.from({ length: ALERTS }, (_, i) => ({
        customerExternalId: `cust-${i}`,
        used: 950,
        limit: 1000,
        metric: 'seats',
      }));
      for (const batch of chunks(readings, 250)) await call('POST', '/usage', batch);
    } finally {
      clock.release();
    }
    const dueAt = t0.getTime() + DELAY_S * 1000;
    const headroomS = (dueAt - Date.now()) / 1000;
    const total = await n(app, 'SELECT count(*)::int AS n FROM alerts WHERE workspace_id = $1', [
      ws.workspaceId,
    ]);
    await sleep(Math.max(0, dueAt - Date.now()));
    await waitFor(
      async () =>
        (await n(app, 'SELECT count(*)::int AS n FROM alerts WHERE workspace_id = $1 AND step >= 1', [
          ws.workspaceId,
        ])) >= total,
      WAIT_AFTER_DUE_MS,
      250,
    );
    const events = (
      await app.database.pool.query<{ alert_id: string; at: Date }>(
        `SELECT alert_id, at FROM alert_events WHERE workspace_id = $1 AND kind = 'escalated'`,
        [ws.workspaceId],
      )
    ).rows;
    const first = new Map<string, number>();
    const count = new Map<string, number>();
    for (const e of events) {
      count.set(e.alert_id, (count.get(e.alert_id) ?? 0) + 1);
      const at = e.at.getTime();
      if (!first.has(e.alert_id) || at < first.get(e.alert_id)!) first.set(e.alert_id, at);
    }
    const lags = [...first.values()].map((at) => at - dueAt);
    const missing = total - lags.length;
    const valid = headroomS >= 0 && missing === 0;
    const times = [...first.values()];
    const span = times.length > 1 ? (maxOf(times)! - Math.min(...times)) / 1000 : null;
    const dupCards = await n(
      app,
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM deliveries WHERE workspace_id = $1 AND kind = 'post_card'
         GROUP BY alert_id, person_id HAVING count(*) > 1) d`,
      [ws.workspaceId],
    );
    // Per escalated alert: one manager card, one reply and one card update per channel (1 here).
    const outboxRows = await n(
      app,
      `SELECT count(*)::int AS n FROM deliveries d JOIN alerts a ON a.id = d.alert_id
        WHERE d.workspace_id = $1 AND (d.kind IN ('reply_all', 'update_cards') OR (d.kind = 'post_card' AND d.person_id <> a.assignee_id))`,
      [ws.workspaceId],
    );
    const managerCards = await n(
      app,
      `SELECT count(DISTINCT d.alert_id)::int AS n FROM deliveries d JOIN alerts a ON a.id = d.alert_id
        WHERE d.workspace_id = $1 AND d.kind = 'post_card' AND d.person_id <> a.assignee_id`,
      [ws.workspaceId],
    );
    const errors = children
      .map((c) => c.output().trim())
      .filter(Boolean)
      .map((s) => s.slice(0, 200));
    return {
      workers,
      p50: valid ? percentile(lags, 50) : null,
      p99: valid ? percentile(lags, 99) : null,
      perSecond: span ? lags.length / span : null,
      escalated: lags.length,
      duplicates: [...count.values()].filter((x) => x > 1).length + dupCards,
      losses: missing + Math.max(0, lags.length - managerCards),
      outboxRows,
      outboxExpected: lags.length * 2,
      headroomS,
      errors: errors.length ? errors.join(' | ') : 'none',
    };
  } finally {
    clock.release();
    await Promise.all(children.map((c) => stopWorker(c.child)));
    await bench?.close();
    await db.drop();
  }
}

export async function runScaleOut(): Promise<BenchResult> {
  if (!process.env.DATABASE_URL) {
    return {
      name: 'scale-out',
      figures: [],
      notes: [
        'skipped: needs DATABASE_URL (a PostgreSQL server). The embedded database (PGlite) serves a single ' +
          'process (a lock file on its data dir), so several worker processes cannot share it.',
      ],
    };
  }
  const one = await runWith(1);
  const three = await runWith(3);
  const figures: Figure[] = [];
  for (const r of [one, three]) {
    const k = `w${r.workers}`;
    const l = `${r.workers} worker${r.workers > 1 ? 's' : ''}`;
    figures.push(
      { key: `${k}_lag_p50_ms`, label: `${l}: escalation lag p50`, value: r.p50, unit: 'ms' },
      {
        key: `${k}_lag_p99_ms`,
        label: `${l}: escalation lag p99`,
        value: r.p99,
        unit: 'ms',
        ...(r.workers === 3
          ? { baseline: one.p99, ratio: one.p99 && r.p99 !== null ? r.p99 / one.p99 : null }
          : {}),
        target: { on: 'value', op: '<=', limit: 2_000 },
      },
      { key: `${k}_escalations_per_s`, label: `${l}: escalations/s`, value: r.perSecond, unit: '/s' },
      { key: `${k}_escalated`, label: `${l}: alerts escalated`, value: r.escalated, unit: '' },
      {
        key: `${k}_outbox_rows`,
        label: `${l}: outbox rows queued by escalation`,
        value: r.outboxRows,
        unit: '',
        target: { on: 'value', op: '==', limit: r.outboxExpected },
      },
      {
        key: `${k}_duplicates`,
        label: `${l}: duplicates`,
        value: r.duplicates,
        unit: '',
        target: { on: 'value', op: '==', limit: 0 },
      },
      {
        key: `${k}_losses`,
        label: `${l}: losses`,
        value: r.losses,
        unit: '',
        target: { on: 'value', op: '==', limit: 0 },
      },
    );
  }
  return {
    name: 'scale-out',
    figures,
    notes: [
      `${ALERTS} alerts per run, step 2 due ${DELAY_S} s after creation started (one fresh database per run); ` +
        `creation finished ${one.headroomS.toFixed(1)} s (1 worker) / ${three.headroomS.toFixed(1)} s (3 workers) before due`,
      'workers are `node bin/fincelo.js start --role worker` child processes; alerts come from an in-process --role api app',
      'outbox rows: per escalation one manager card and one card update carrying the "Escalated to" reply (expected 2 × escalated); ' +
        'sending them is the channel processes’ work, not measured here',
      'the 3-worker p99 ratio is against the 1-worker p99 of the same run (on 2 cores more processes need not be faster)',
      `worker stderr: 1 worker: ${one.errors}; 3 workers: ${three.errors}`,
      'PGlite (embedded) cannot be shared across processes: this benchmark is server only',
    ],
  };
}
