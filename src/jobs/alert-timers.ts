import pg from 'pg';
import { runDueTimersBatch, type EngineDeps } from '../engine/index.js';
import type { Logger } from '../log.js';
import { createTimersRepo } from '../store/timers-repo.js';

/**
 * The due-time hot path for alert timers (escalate, resume after acknowledge, wake after snooze).
 *
 * The timer of an alert is its row: `next_action_at` + `token` (alerts_due_idx covers the scan).
 * Every engine process runs this loop; each lane claims up to `batch` due alerts with
 * `FOR UPDATE SKIP LOCKED` and runs them in one transaction, so several lanes and several processes
 * share the work without ever taking the same alert (and the token still fences any stale run).
 * Between rounds the loop sleeps until the earliest `next_action_at` (at most `maxSleepMs`); a
 * transaction that sets a sooner timer wakes it (`wake`), in other processes through
 * `NOTIFY fincelo_alert_timers` on a server.
 *
 * Agenda stays for what it does well (recurring jobs, one-off jobs such as reminders and syncs,
 * delivery kicks). It used to hold one job per alert timer too: measured on the server, its polling
 * ran even no-op jobs at p99 8.6 s for 2,000 due at once (bench/README.md).
 */
export interface AlertTimerLoop {
  /** A timer was set for `at`: wake the loop if that is sooner than its current sleep. */
  wake(at?: Date): void;
  /** Publishes a timer set in this process to the other processes (server only). */
  publish(at: Date): Promise<void>;
  close(): Promise<void>;
}

export interface AlertTimerLoopOptions {
  engine: EngineDeps;
  pool: pg.Pool;
  /** Run the loop here (engine roles); an API-only process just publishes. */
  run: boolean;
  /** A server: LISTEN/NOTIFY between processes (PGlite serves a single process). */
  notifications: boolean;
  /** Parallel claim transactions (each holds one pool connection while it runs). */
  lanes: number;
  /** Alerts claimed per transaction. */
  batch: number;
  maxSleepMs?: number;
  log: Logger;
  onRan?(dueAt: Date): void;
}

const CHANNEL = 'fincelo_alert_timers';
/** A failing alert is left alone this long so it cannot hold a lane in a hot loop. */
const FAILED_BACKOFF_MS = 30_000;

export async function createAlertTimerLoop(o: AlertTimerLoopOptions): Promise<AlertTimerLoop> {
  const timers = createTimersRepo(o.pool);
  const maxSleepMs = o.maxSleepMs ?? 5_000;
  let closed = false;
  let sleeping: NodeJS.Timeout | null = null;
  let wakeAt = Infinity;
  let running: Promise<void> | null = null;
  let again = false;
  const failed = new Map<string, number>();
  let listener: pg.Client | null = null;

  const skipList = () => {
    const now = Date.now();
    for (const [id, until] of failed) if (until <= now) failed.delete(id);
    return [...failed.keys()];
  };

  /** One lane: claims and runs batches until nothing is due. */
  async function lane(): Promise<void> {
    for (;;) {
      if (closed) return;
      let ran: { id: string; dueAt: Date }[];
      try {
        ran = await runDueTimersBatch(o.engine, o.batch, skipList());
      } catch (err) {
        // One alert of the batch failed and rolled the batch back: run them one by one to find it.
        o.log.warn({ err }, 'alert timer batch failed; retrying its alerts one at a time');
        await isolate();
        continue;
      }
      for (const r of ran) o.onRan?.(r.dueAt);
      if (ran.length < o.batch) return;
    }
  }

  async function isolate(): Promise<void> {
    for (let i = 0; i < o.batch && !closed; i++) {
      try {
        const r = await runDueTimersBatch(o.engine, 1, skipList());
        if (r.length === 0) return;
        for (const x of r) o.onRan?.(x.dueAt);
      } catch (err) {
        const id = await timers.firstDueAlertId(skipList()).catch(() => null);
        o.log.error({ err, alertId: id }, 'alert timer failed; retrying it in 30 s');
        if (id) failed.set(id, Date.now() + FAILED_BACKOFF_MS);
        else return;
      }
    }
  }

  async function round(): Promise<void> {
    await Promise.all(Array.from({ length: o.lanes }, () => lane()));
  }

  function arm(ms: number): void {
    if (closed) return;
    if (sleeping) clearTimeout(sleeping);
    const delay = Math.max(0, Math.min(ms, maxSleepMs));
    wakeAt = Date.now() + delay;
    sleeping = setTimeout(() => {
      sleeping = null;
      wakeAt = Infinity;
      kick();
    }, delay);
    sleeping.unref?.();
  }

  function kick(): void {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await round();
        } while (again && !closed);
        const next = await timers.nextDueAt(skipList());
        // A due alert left now is held by another claimer (SKIP LOCKED): look again shortly.
        if (!sleeping || (next && next.getTime() < wakeAt))
          arm(next ? Math.max(next.getTime() - Date.now(), 50) : maxSleepMs);
      } catch (err) {
        if (!closed) o.log.warn({ err }, 'alert timer loop: database unavailable; retrying');
        arm(1_000);
      } finally {
        running = null;
      }
      if (again && !closed) kick();
    })();
  }

  if (o.run && o.notifications) {
    const { connectionString } = o.pool.options as { connectionString?: string };
    listener = new pg.Client({ connectionString });
    listener.on('error', (err) => o.log.warn({ err: err.message }, 'alert timer LISTEN connection error'));
    listener.on('notification', (n) => {
      const at = Number(n.payload);
      if (Number.isFinite(at) && at < wakeAt) arm(at - Date.now());
    });
    try {
      await listener.connect();
      await listener.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      o.log.warn({ err }, 'alert timers: no LISTEN connection; polling every few seconds instead');
      await listener.end().catch(() => {});
      listener = null;
    }
  }
  if (o.run) kick();

  return {
    wake(at) {
      if (!o.run || closed) return;
      const t = at ? at.getTime() : Date.now();
      if (t < wakeAt) arm(t - Date.now());
    },
    async publish(at) {
      // Only timers due before every other loop re-reads the schedule need a wake-up.
      if (!o.notifications || at.getTime() > Date.now() + maxSleepMs) return;
      await timers.notify(CHANNEL, String(at.getTime()));
    },
    async close() {
      closed = true;
      if (sleeping) clearTimeout(sleeping);
      await running?.catch(() => {});
      await listener?.end().catch(() => {});
    },
  };
}
