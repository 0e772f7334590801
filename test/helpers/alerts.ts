/**
 * The alert steps the escalation tests share: raise a usage alert through the API and return its
 * id, read its timeline, wait for the delivery queue, and run its timer as the timer job does (after moving an injected clock).
 */
import { expect } from '@jest/globals';
import type { RunningApp } from '../../src/app.js';
import { runAlertTimer } from '../../src/engine/index.js';
import type { apiClient } from './app.js';

type Api = ReturnType<typeof apiClient>;

export interface TimelineEvent {
  kind: string;
  at: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

/** Posts a reading over the threshold for the customer and returns the alert it created. */
export async function raiseUsage(api: Api, customerExternalId: string, used = 95): Promise<string> {
  const r = await api.post('/api/v1/usage', { customerExternalId, used, limit: 100, metric: 'seats' });
  expect(r.status).toBe(202);
  expect(r.body.outcome).toBe('created');
  const open = (await api.get('/api/v1/alerts?status=open')).body.alerts as {
    id: string;
    customerExternalId: string;
  }[];
  return open.find((a) => a.customerExternalId === customerExternalId)!.id;
}

export async function alertTimeline(api: Api, id: string): Promise<TimelineEvent[]> {
  return (await api.get(`/api/v1/alerts/${id}`)).body.timeline as TimelineEvent[];
}

/**
 * Waits until the workspace's delivery queue is empty, so "no card" means none was sent, not none
 * yet. Generous: under a loaded CI machine a few deliveries can take seconds.
 */
export async function deliveriesDrained(
  app: RunningApp,
  workspaceId: string,
  waitMs = 30_000,
): Promise<void> {
  const until = Date.now() + waitMs;
  while (Date.now() < until) {
    const r = await app.database.pool.query(
      `SELECT count(*)::int AS n FROM deliveries WHERE workspace_id = $1 AND status IN ('pending', 'sending')`,
      [workspaceId],
    );
    if ((r.rows[0] as { n: number }).n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`deliveries not drained within ${waitMs} ms`);
}

/** Runs the alert's current timer now: 'ran', or 'stale' when it is not due or was replaced. */
export async function fireAlertTimer(app: RunningApp, alertId: string): Promise<string> {
  const r = await app.database.pool.query('SELECT token FROM alerts WHERE id = $1', [alertId]);
  return runAlertTimer(app.engine, alertId, Number((r.rows[0] as { token: number }).token));
}
