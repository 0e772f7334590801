/**
 * `escalation`: 2,000 alerts whose step 2 (CSM → CSM manager) falls due at the same instant.
 *
 * How "the same instant" is made honestly: the alerts are created through the real API while the
 * engine's clock (the `clock` option of startApp) is held at one instant T0, so every alert's
 * chain starts at T0 and step 2 is due at T0 + delay. The clock is released right after creation;
 * from then on it is the process clock, and the lag of an alert is its `escalated` event's `at`
 * minus its `next_action_at` as recorded after creation. The delay is chosen from a calibration
 * run (100 alerts in another workspace) so that creation finishes before the due instant; the
 * headroom left and the outbox backlog at that instant are printed.
 *
 * Baseline: the same number of no-op Agenda jobs due at one instant (see noop-jobs.ts).
 */
import type { Clock } from '../src/engine/index.js';
import { parseDurationMs } from '../src/config.js';
import { createWorkspace } from '../src/store/workspaces.js';
import type { RunningApp } from '../src/app.js';
import { runNoopJobs } from './noop-jobs.js';
import {
  api,
  chunks,
  freshDatabase,
  maxOf,
  percentile,
  ratio,
  secondsSince,
  sleep,
  startBenchApp,
  waitFor,
  type BenchResult,
} from './lib.js';

const ALERTS = 2_000;
const CALIBRATION = 100;
const BATCH = 250;
/** Creation stops sending batches after this long (keeps the whole bench near 5 minutes). */
const CREATE_BUDGET_MS = 75_000;
/** Concurrency of `alert:timer` in src/app.ts; the baseline jobs get the same. */
const TIMER_CONCURRENCY = 20;
const MIN_DELAY_S = 15;
const MAX_DELAY_S = 90;
/** How long to wait for the escalations after the due instant (keeps the whole bench near 5 minutes). */
const WAIT_AFTER_DUE_MS = 60_000;
const LAG_TARGET_MS = 2_000;

/** The process clock, which can be held at one instant while alerts are created. */
function pinnableClock(): Clock & { pin(at: Date): void; release(): void } {
  let pinned: Date | null = null;
  return {
    now: () => (pinned ? new Date(pinned) : new Date()),
    pin: (at) => void (pinned = at),
    release: () => void (pinned = null),
  };
}

interface Workspace {
  workspaceId: string;
  call: <T>(method: 'POST' | 'PATCH', path: string, body: unknown) => Promise<T>;
}

/** A workspace with one CSM (who has a manager) and `n` customers of tier Good (threshold 80 %). */
async function setUpWorkspace(app: RunningApp, name: string, n: number): Promise<Workspace> {
  const ws = await createWorkspace(app.database.db, { name });
  const call = <T>(method: 'POST' | 'PATCH', path: string, body: unknown) =>
    api<T>(app.url, ws.apiKey, method, path, body);
  await call('POST', '/people', [
    { externalId: 'mgr-1', name: 'Morgan Manager', role: 'csm_manager' },
    { externalId: 'csm-1', name: 'Casey CSM', role: 'csm', managerExternalId: 'mgr-1' },
  ]);
  await call(
    'POST',
    '/customers',
    Array.from({ length: n }, (_, i) => ({
      externalId: `cust-${i}`,
      name: `Customer ${i}`,
      tier: 'good',
      csmExternalId: 'csm-1',
    })),
  );
  return { workspaceId: ws.workspaceId, call };
}

/**
 * One above-threshold reading per customer (95 % of the limit), in batches; stops early (and
 * says how many it sent) once `budgetMs` has passed.
 */
async function raiseAlerts(ws: Workspace, n: number, budgetMs = Infinity) {
  const outcomes = new Map<string, number>();
  const readings = Array.from({ length: n }, (_, i) => ({
    customerExternalId: `cust-${i}`,
    used: 950,
    limit: 1000,
    metric: 'seats',
  }));
  const start = performance.now();
  let sent = 0;
  for (const batch of chunks(readings, BATCH)) {
    if (performance.now() - start > budgetMs) break;
    const res = await ws.call<{ outcomes: string[] }>('POST', '/usage', batch);
    for (const o of res.outcomes) outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
    sent += batch.length;
  }
  return { outcomes, sent };
}

async function count(app: RunningApp, sql: string, params: unknown[]): Promise<number> {
  return Number((await app.database.pool.query<{ n: number }>(sql, params)).rows[0]?.n ?? 0);
}

const unsent = (app: RunningApp, workspaceId: string) =>
  count(
    app,
    `SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1 AND status IN ('pending', 'sending')`,
    [workspaceId],
  );

export async function runEscalation(): Promise<BenchResult> {
  const db = await freshDatabase('escalation');
  const notes: string[] = [`database: ${db.where}`];
  const clock = pinnableClock();
  let bench: Awaited<ReturnType<typeof startBenchApp>> | undefined;
  try {
    bench = await startBenchApp(db.env, { clock });
    const { app, config } = bench;
    notes.push(
      `JOBS_POLL_INTERVAL=${config.JOBS_POLL_INTERVAL} (${parseDurationMs(config.JOBS_POLL_INTERVAL)} ms), ` +
        `alert:timer concurrency ${TIMER_CONCURRENCY}, pool max ${db.kind === 'embedded' ? 1 : config.DATABASE_POOL_MAX}`,
    );

    // Baseline first, on an idle app: the same number of no-op jobs due at one instant.
    const noop = await runNoopJobs(app, ALERTS, TIMER_CONCURRENCY);
    const allRan = noop.lags.length === ALERTS;
    const noopP50 = allRan ? percentile(noop.lags, 50) : null;
    const noopP99 = allRan ? percentile(noop.lags, 99) : null;
    const noopMax = allRan ? maxOf(noop.lags) : null;
    notes.push(
      `baseline: ${noop.lags.length}/${ALERTS} no-op jobs ran; lag p50 ${fmt(percentile(noop.lags, 50))} ms, ` +
        `p99 ${fmt(noopP99)} ms, max ${fmt(maxOf(noop.lags))} ms (scheduling took ${fmt(noop.scheduleMs)} ms, ` +
        `${fmt(noop.headroomMs)} ms before due)`,
    );

    // Calibration: how long 100 alerts take to create here (their cards are delivered meanwhile).
    const calib = await setUpWorkspace(app, 'bench escalation calibration', CALIBRATION);
    const c0 = process.hrtime.bigint();
    await raiseAlerts(calib, CALIBRATION);
    const createCalib = secondsSince(c0);
    // Twice the linear estimate: creation slows down as tables and the outbox fill up.
    const delayS = Math.min(
      MAX_DELAY_S,
      Math.max(MIN_DELAY_S, Math.ceil(createCalib * (ALERTS / CALIBRATION) * 2 + 5)),
    );

    const ws = await setUpWorkspace(app, 'bench escalation', ALERTS);
    await ws.call('PATCH', '/settings', {
      escalation: [
        { role: 'csm', after: '0s' },
        { role: 'csm_manager', after: `${delayS}s` },
      ],
      cooldown: '0s',
    });

    // Create every alert "at" T0: step 1 (the CSM) runs at once, step 2 is due at T0 + delay.
    const t0 = new Date();
    clock.pin(t0);
    const cr0 = process.hrtime.bigint();
    let created: Awaited<ReturnType<typeof raiseAlerts>>;
    try {
      created = await raiseAlerts(ws, ALERTS, CREATE_BUDGET_MS);
    } finally {
      clock.release();
    }
    const createSeconds = secondsSince(cr0);
    const due = new Map(
      (
        await app.database.pool.query<{ id: string; next_action_at: Date | null }>(
          'SELECT id, next_action_at FROM alerts WHERE workspace_id = $1',
          [ws.workspaceId],
        )
      ).rows.map((r) => [r.id, r.next_action_at ? r.next_action_at.getTime() : NaN]),
    );
    const dueTimes = [...due.values()].filter((t) => !Number.isNaN(t));
    const firstDue = Math.min(...dueTimes);
    const lastDue = Math.max(...dueTimes);
    const planned = ALERTS;
    const total = due.size;
    if (created.sent < planned) {
      notes.push(
        `creation was stopped after ${CREATE_BUDGET_MS / 1000} s with ${created.sent} of ${planned} readings sent: ` +
          `the figures below are for ${total} alerts`,
      );
    }
    notes.push(
      `${total} alerts created in ${createSeconds.toFixed(1)} s (${[...created.outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}); ` +
        `step 2 delay ${delayS}s (calibration: ${CALIBRATION} alerts in ${createCalib.toFixed(2)} s); ` +
        `due times spread ${lastDue - firstDue} ms`,
    );

    // At the due instant: how much outbox work is still in flight (competes for the database)?
    const headroomS = (firstDue - t0.getTime()) / 1000 - createSeconds;
    await sleep(Math.max(0, firstDue - Date.now() - 100));
    const backlog = await unsent(app, ws.workspaceId);
    notes.push(
      (headroomS >= 0
        ? `creation finished ${headroomS.toFixed(1)} s before due`
        : `creation OVERRAN the due instant by ${(-headroomS).toFixed(1)} s: no lag is reported for this run`) +
        `; outbox backlog at due: ${backlog} unsent deliveries`,
    );

    const escalatedAlerts = () =>
      count(app, 'SELECT count(*)::int AS n FROM alerts WHERE workspace_id = $1 AND step >= 1', [
        ws.workspaceId,
      ]);
    await waitFor(
      async () => (await escalatedAlerts()) >= total,
      Math.max(0, lastDue - Date.now()) + WAIT_AFTER_DUE_MS,
      250,
    );

    const events = (
      await app.database.pool.query<{ alert_id: string; at: Date }>(
        `SELECT alert_id, at FROM alert_events WHERE workspace_id = $1 AND kind = 'escalated'`,
        [ws.workspaceId],
      )
    ).rows;
    const firstRun = new Map<string, number>();
    const perAlert = new Map<string, number>();
    for (const e of events) {
      perAlert.set(e.alert_id, (perAlert.get(e.alert_id) ?? 0) + 1);
      const at = e.at.getTime();
      if (!firstRun.has(e.alert_id) || at < firstRun.get(e.alert_id)!) firstRun.set(e.alert_id, at);
    }
    const lags = [...firstRun].map(([id, at]) => at - (due.get(id) ?? NaN)).filter((x) => !Number.isNaN(x));
    const missing = total - lags.length;
    // An alert that never escalated has an unbounded lag: percentiles that reach it are unknown.
    const withMissing = [...lags, ...Array<number>(Math.max(0, missing)).fill(Infinity)];
    const finite = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v);
    // The method needs every alert created before the due instant: otherwise early lags would
    // include creation time. An overrun run reports no lag at all rather than a mixed figure.
    const valid = headroomS >= 0;
    const p50 = valid ? finite(percentile(withMissing, 50)) : null;
    const p99 = valid ? finite(percentile(withMissing, 99)) : null;
    const max = missing > 0 || !valid ? null : maxOf(lags);
    const dupEscalations = [...perAlert.values()].filter((n) => n > 1).length;
    const dupCards = await count(
      app,
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM deliveries WHERE workspace_id = $1 AND kind = 'post_card'
         GROUP BY alert_id, person_id HAVING count(*) > 1) d`,
      [ws.workspaceId],
    );
    if (missing > 0) {
      notes.push(
        `${missing} alert(s) did not escalate within ${WAIT_AFTER_DUE_MS / 1000} s after due: ` +
          `their lag is > ${WAIT_AFTER_DUE_MS} ms, so percentiles that reach them show as "> ${WAIT_AFTER_DUE_MS / 1000} s"`,
      );
    }
    const runTimes = [...firstRun.values()];
    const spanS = runTimes.length > 1 ? (maxOf(runTimes)! - Math.min(...runTimes)) / 1000 : null;
    const perSecond = spanS ? lags.length / spanS : null;
    const unknownLag = valid ? `> ${(WAIT_AFTER_DUE_MS / 1000).toFixed(0)} s` : 'invalid: creation overran';
    notes.push(
      `${lags.length}/${total} alerts escalated` +
        (spanS ? ` over ${spanS.toFixed(1)} s` : '') +
        `; duplicates: ${dupEscalations} alert(s) escalated more than once, ${dupCards} (alert, person) with more than one post_card`,
    );

    const status = (
      await app.database.pool.query<{ status: string; n: number }>(
        'SELECT status, count(*)::int AS n FROM deliveries WHERE workspace_id = $1 GROUP BY status ORDER BY status',
        [ws.workspaceId],
      )
    ).rows;
    notes.push(
      `deliveries after the run (not measured): ${status.map((s) => `${s.status} ${s.n}`).join(', ') || 'none'}`,
    );
    if (bench.errors.count)
      notes.push(`app logged ${bench.errors.count} error(s), first: ${bench.errors.first[0]}`);
    else notes.push('app logged no errors');

    return {
      name: 'escalation',
      notes,
      figures: [
        {
          key: 'lag_p50_ms',
          label: 'escalation lag p50',
          value: p50,
          display: p50 === null ? unknownLag : undefined,
          unit: 'ms',
          baseline: noopP50,
          ratio: ratio(p50, noopP50),
        },
        {
          key: 'lag_p99_ms',
          label: 'escalation lag p99',
          value: p99,
          display: p99 === null ? unknownLag : undefined,
          unit: 'ms',
          baseline: noopP99,
          ratio: ratio(p99, noopP99),
          target: { on: 'value', op: '<=', limit: LAG_TARGET_MS },
        },
        {
          key: 'lag_max_ms',
          label: 'escalation lag max',
          value: max,
          display: max === null ? unknownLag : undefined,
          unit: 'ms',
          baseline: noopMax,
          ratio: ratio(max, noopMax),
        },
        { key: 'escalations_per_s', label: 'escalations/s (first to last)', value: perSecond, unit: '/s' },
        {
          key: 'escalated',
          label: 'alerts escalated',
          value: lags.length,
          unit: '',
          target: { on: 'value', op: '==', limit: total },
        },
        {
          key: 'duplicate_notifications',
          label: 'duplicate notifications',
          value: dupEscalations + dupCards,
          unit: '',
          target: { on: 'value', op: '==', limit: 0 },
        },
      ],
    };
  } finally {
    clock.release();
    await bench?.close();
    await db.drop();
  }
}

function fmt(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(0);
}
