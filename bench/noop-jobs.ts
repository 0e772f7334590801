/**
 * Baseline for `escalation`: N no-op Agenda jobs due at one instant, run through the app's own
 * job runner (same pool, same poll interval, same concurrency as `alert:timer`).
 */
import type { RunningApp } from '../src/app.js';
import { waitFor } from './lib.js';

export const NOOP_JOB = 'bench:noop';
const CALIBRATE_JOB = 'bench:calibrate';

export interface NoopResult {
  /** Lag of each job that ran: its start minus the instant it was due (ms). */
  lags: number[];
  scheduled: number;
  /** How long scheduling all of them took (ms). */
  scheduleMs: number;
  /** Time left between the last job scheduled and the instant they fell due (ms; < 0 = overran). */
  headroomMs: number;
}

/**
 * Schedules `count` jobs due at the same instant, chosen (from a small calibration) so that
 * scheduling finishes before it, then waits for them to run.
 */
export async function runNoopJobs(app: RunningApp, count: number, concurrency: number): Promise<NoopResult> {
  const lags: number[] = [];
  app.jobs.define(
    NOOP_JOB,
    async (data) => {
      lags.push(Date.now() - Date.parse(String(data.dueAt)));
    },
    { concurrency },
  );

  // Calibrate: how long does one `scheduler.at` take here? (an undefined job name: never runs)
  const far = new Date(Date.now() + 3_600_000);
  const c0 = performance.now();
  for (let i = 0; i < 50; i++) await app.jobs.scheduler.at(CALIBRATE_JOB, far, { i });
  const perJob = (performance.now() - c0) / 50;
  await app.jobs.scheduler.cancel(CALIBRATE_JOB, {});

  const due = new Date(Date.now() + Math.max(3_000, Math.ceil(perJob * count * 1.5) + 2_000));
  const dueAt = due.toISOString();
  const s0 = performance.now();
  for (let i = 0; i < count; i++) await app.jobs.scheduler.at(NOOP_JOB, due, { dueAt, i });
  const scheduleMs = performance.now() - s0;
  const headroomMs = due.getTime() - Date.now();

  await waitFor(async () => lags.length >= count, Math.max(0, due.getTime() - Date.now()) + 30_000, 100);
  return { lags, scheduled: count, scheduleMs, headroomMs };
}
