import type { Alert, Customer, Person } from '../engine/types.js';
import { effectiveSettings } from '../engine/settings.js';
import type { AlertView } from './alert-view.js';
import { buildAlertView } from './build-view.js';

/** What an alert card is built from, as the store reads it (src/store/alert-views.ts). */
export interface AlertCardInput {
  alert: Alert;
  /** Null for a workspace-level alert (feed_stale). */
  customer: Customer | null;
  people: Person[];
  resolvedBy: string | null;
  workspaceTimezone: string;
  workspaceSettings: unknown;
  /** Triggers absorbed since the card was sent (the card's "3 more readings …" line). */
  suppressed?: { count: number; latest: string | null };
}

/** Builds an alert's card view for one viewer from what the store read. */
export function alertViewFrom(
  d: AlertCardInput,
  opts: { intro?: string | null; viewer?: Person | null; publicUrl?: string | null } = {},
): AlertView {
  const { alert, people } = d;
  const byId = new Map(people.map((p) => [p.id, p]));
  const assignee = alert.assigneeId ? (byId.get(alert.assigneeId) ?? null) : null;
  const next = alert.escalation[alert.step + 1];
  let nextHolders: Person[] = [];
  if (next?.role === 'csm') nextHolders = assignee ? [assignee] : [];
  else if (next?.role === 'csm_manager')
    nextHolders = assignee?.managerId && byId.get(assignee.managerId) ? [byId.get(assignee.managerId)!] : [];
  else if (next) nextHolders = people.filter((p) => p.role === next.role);
  return buildAlertView({
    alert,
    customer: d.customer,
    assignee,
    manager: assignee?.managerId ? (byId.get(assignee.managerId) ?? null) : null,
    nextHolders,
    csms: people.filter((p) => p.role === 'csm'),
    timezone: opts.viewer?.timezone ?? d.workspaceTimezone ?? 'UTC',
    intro: opts.intro ?? null,
    resolvedBy: d.resolvedBy,
    publicUrl: opts.publicUrl ?? null,
    snooze: effectiveSettings(d.workspaceSettings, d.workspaceTimezone).snooze,
    suppressed: d.suppressed,
  });
}
