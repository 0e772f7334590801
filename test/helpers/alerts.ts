/**
 * The alert steps the escalation tests share: raise a usage alert through the API and return its
 * id, read its timeline, and run its timer as the timer job does (after moving an injected clock).
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

/** Runs the alert's current timer now: 'ran', or 'stale' when it is not due or was replaced. */
export async function fireAlertTimer(app: RunningApp, alertId: string): Promise<string> {
  const r = await app.database.pool.query('SELECT token FROM alerts WHERE id = $1', [alertId]);
  return runAlertTimer(app.engine, alertId, Number((r.rows[0] as { token: number }).token));
}
