import { Agenda, type Job } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type pg from 'pg';
import type { Scheduler } from '../engine/ports.js';
import type { Logger } from '../log.js';
import { countPendingJobs } from '../store/timers-repo.js';

export type JobHandler = (data: Record<string, unknown>) => Promise<void>;

export interface JobDefinitionOptions {
  concurrency?: number;
  /** Jobs of this name locked into memory at once (Agenda's lockLimit; bounds its queue scans). */
  lockLimit?: number;
  /** `kick(name)` runs the handler in this process directly (coalesced) instead of queueing a job. */
  localKick?: boolean;
  /** A job still locked after this long is assumed dead and run again elsewhere. */
  lockLifetimeMs?: number;
}

/** Agenda on the product's pool, behind the engine's Scheduler port. */
export interface JobRunner {
  scheduler: Scheduler;
  define(name: string, handler: JobHandler, opts?: JobDefinitionOptions): void;
  /** A recurring job (one per name across all processes). */
  every(interval: string, name: string, data?: Record<string, unknown>): Promise<void>;
  start(): Promise<void>;
  /** Resolves when no in-process kicked run is going on. */
  idle(): Promise<void>;
  /** Stops taking jobs, waits up to graceMs for running ones, unlocks the rest. */
  stop(graceMs: number): Promise<void>;
  /** Jobs of `name` still waiting (tests, metrics). */
  countPending(name?: string): Promise<number>;
  agenda: Agenda;
}

export interface JobRunnerOptions {
  pool: pg.Pool;
  /** Embedded PGlite serves one connection, so no dedicated LISTEN connection there. */
  notifications: boolean;
  pollIntervalMs: number;
  name: string;
  log: Logger;
}

export async function createJobRunner(opts: JobRunnerOptions): Promise<JobRunner> {
  const backend = new PostgresBackend({
    pool: opts.pool,
    tableName: 'agenda_jobs',
    disableNotifications: !opts.notifications,
  });
  const agenda = new Agenda({
    backend,
    name: opts.name,
    processEvery: opts.pollIntervalMs,
    defaultConcurrency: 5,
    maxConcurrency: 20,
    defaultLockLifetime: 5 * 60_000,
    removeOnComplete: true,
  });
  agenda.on('error', (err: Error) => opts.log.error({ err }, 'job scheduler error'));
  // The LISTEN connection emits 'error' when the server restarts or kills it; unhandled, that
  // would crash the process. Agenda reconnects it; polling covers the gap.
  backend.notificationChannel?.on?.('error', (err: Error) =>
    opts.log.warn({ err: err.message }, 'job notification channel error; reconnecting'),
  );
  await agenda.ready;

  const localKicks = new Map<string, JobHandler>();
  /** Resolves when no in-process kicked run is going on (they are not Agenda jobs). */
  const idle = async () => {
    while ([...kickState.values()].some((st) => st.running)) await new Promise((r) => setTimeout(r, 20));
  };
  const kickState = new Map<string, { running: boolean; again: boolean }>();
  function runLocal(name: string, handler: JobHandler): void {
    const st = kickState.get(name) ?? { running: false, again: false };
    kickState.set(name, st);
    if (st.running) {
      st.again = true;
      return;
    }
    st.running = true;
    void (async () => {
      try {
        do {
          st.again = false;
          await handler({});
        } while (st.again);
      } catch (err) {
        opts.log.error({ err, job: name }, 'job failed');
      } finally {
        st.running = false;
      }
    })();
  }

  const scheduler: Scheduler = {
    async at(name, when, data) {
      await agenda.schedule(when, name, data);
    },
    async cancel(name, match) {
      return agenda.cancel({ name, data: match });
    },
    async kick(name) {
      const local = localKicks.get(name);
      if (local) return runLocal(name, local);
      // One queued job per name and second, however many transactions kick it.
      const slot = String(Math.floor(Date.now() / 1000));
      const job = agenda.create(name, { slot });
      job.unique({ name, 'data.slot': slot }, { insertOnly: true });
      job.schedule(new Date());
      await job.save();
    },
  };

  return {
    agenda,
    scheduler,
    define(name, handler, o = {}) {
      agenda.define(
        name,
        async (job: Job<Record<string, unknown>>) => {
          try {
            await handler(job.attrs.data ?? {});
          } catch (err) {
            opts.log.error({ err, job: name }, 'job failed');
            throw err;
          }
        },
        { concurrency: o.concurrency, lockLifetime: o.lockLifetimeMs, lockLimit: o.lockLimit },
      );
      if (o.localKick) localKicks.set(name, handler);
    },
    async every(interval, name, data) {
      await agenda.every(interval, name, data, { skipImmediate: false });
    },
    start: () => agenda.start(),
    idle,
    async stop(graceMs) {
      await Promise.race([idle(), new Promise((r) => setTimeout(r, graceMs))]);
      const result = await agenda.drain({ timeout: graceMs, closeConnection: false });
      // drain() has already stopped the processor, so agenda.stop() could not unlock anything here:
      // jobs cut off now stay locked and run again once their lock lifetime expires (fenced by tokens).
      if (result.timedOut) {
        opts.log.warn(
          { running: result.running },
          'jobs still running at shutdown; they run again after their lock expires',
        );
      }
    },
    async countPending(name) {
      return countPendingJobs(opts.pool, name ?? null);
    },
  };
}
