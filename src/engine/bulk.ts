import { applyAction } from './actions.js';
import type { EngineDeps } from './context.js';
import type { ActionSource, Person } from './types.js';

/**
 * "Acknowledge all" / "resolve all" for one customer (issue 21 item 5): the action applied to each
 * alert through applyAction — the same permission rules, row locks and version checks as one
 * click — so two at once (a double click, a retried request) change each alert once; the later
 * one reports each alert as `already`. The API (POST /api/v1/alerts/actions) and the chat command
 * (`ack all <customer>`) both go through here.
 */
export type BulkOutcome = 'acknowledged' | 'resolved' | 'already' | 'forbidden' | 'refused';

export async function applyToEach(
  deps: EngineDeps,
  q: {
    workspaceId: string;
    alertIds: string[];
    action: 'acknowledge' | 'resolve';
    actor: Person;
    source: ActionSource;
  },
): Promise<{ alertId: string; outcome: BulkOutcome; message: string }[]> {
  const results: { alertId: string; outcome: BulkOutcome; message: string }[] = [];
  for (const alertId of q.alertIds) {
    const result = await applyAction(deps, {
      workspaceId: q.workspaceId,
      alertId,
      action: q.action,
      actor: q.actor,
      source: q.source,
      params: {},
    });
    const outcome: BulkOutcome = result.ok
      ? result.duplicate
        ? 'already'
        : q.action === 'resolve'
          ? 'resolved'
          : 'acknowledged'
      : result.code === 'conflict'
        ? 'already'
        : result.code === 'forbidden'
          ? 'forbidden'
          : 'refused';
    results.push({ alertId, outcome, message: result.message });
  }
  return results;
}
