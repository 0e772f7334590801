import { Agenda, type Job } from 'agenda';
import { PostgresBackend } from '@agendajs/postgres-backend';
import type pg from 'pg';
import type { Scheduler } from '../engine/ports.js';
import type { Logger } from '../log.js';

export type JobHandler = (data: Record<string, unknown>) => Promise<void>;

export interface JobDefinitionOptions {
  concurrency?: number;
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
  await agenda.ready;

  const scheduler: Scheduler = {
    async at(name, when, data) {
      await agenda.schedule(when, name, data);
    },
    async cancel(name, match) {
      return agenda.cancel({ name, data: match });
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
        { concurrency: o.concurrency, lockLifetime: o.lockLifetimeMs },
      );
    },
    async every(interval, name, data) {
      await agenda.every(interval, name, data, { skipImmediate: false });
    },
    start: () => agenda.start(),
    async stop(graceMs) {
      const result = await agenda.drain({ timeout: graceMs, closeConnection: false });
      if (result.timedOut) {
        opts.log.warn({ running: result.running }, 'jobs still running at shutdown; unlocking them');
        await agenda.stop(false);
      }
    },
    async countPending(name) {
      const r = await opts.pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM agenda_jobs WHERE next_run_at IS NOT NULL AND ($1::text IS NULL OR name = $1)`,
        [name ?? null],
      );
      return r.rows[0]?.n ?? 0;
    },
  };
}
