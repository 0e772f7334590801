/**
 * Where the engine asks the policy: when a step of an alert's chain is due for its recipient
 * (business-hours delays) and whether a due step is held (working hours, quiet windows).
 * Holds use the workspace's live settings, so a change of hours or windows is re-evaluated
 * every time the step's timer fires; the chain itself stays the alert's snapshot.
 */
import type { AfterCommit } from '../context.js';
import type { EngineTx } from '../ports.js';
import { effectiveSettings, type WorkspaceSettings } from '../settings.js';
import type { Alert, Person } from '../types.js';
import { addWorkingTime, type Calendar } from './hours.js';
import { bypassesQuiet, formatHoldUntil, holdFor, type Hold } from './holds.js';
import { calendarFor } from './settings-fields.js';

export interface PolicyContext {
  settings: WorkspaceSettings;
  workspaceTz: string;
  /** The alert passes the quiet-window bypass rule. */
  bypassed: boolean;
}

export function policyFor(
  settings: WorkspaceSettings,
  alert: Pick<Alert, 'type' | 'facts'>,
  arr: number | null,
): PolicyContext {
  return {
    settings,
    workspaceTz: settings.timezone,
    bypassed: bypassesQuiet({ type: alert.type, arr, facts: alert.facts }, settings.quietBypass),
  };
}

export async function loadPolicy(tx: EngineTx, alert: Alert): Promise<PolicyContext> {
  const ws = await tx.workspaceSettings(alert.workspaceId);
  const settings = effectiveSettings(ws?.settings, ws?.timezone);
  const customer = alert.customerId ? await tx.customer(alert.workspaceId, alert.customerId) : null;
  return policyFor(settings, alert, customer?.arr ?? null);
}

/** The calendar a step is held to: its first recipient's (a step to several people uses the first). */
export function stepCalendar(p: PolicyContext, holders: Person[]): Calendar {
  return calendarFor(holders[0] ?? null, p.settings, p.workspaceTz);
}

/** When step `index` falls due: calendar delays as before, `"bh"` delays in the recipient's hours. */
export function nominalDue(
  alert: Pick<Alert, 'escalation' | 'chainStartedAt' | 'pausedTotalMs'>,
  index: number,
  cal: Calendar,
): Date | null {
  const step = alert.escalation[index];
  if (!step) return null;
  const base = new Date(alert.chainStartedAt.getTime() + alert.pausedTotalMs);
  return step.business ? addWorkingTime(base, step.afterMs, cal) : new Date(base.getTime() + step.afterMs);
}

/**
 * Whether a step due at `at` is held for this recipient, and until when. A channel step is held to
 * the workspace's hours and quiet windows (its calendar is the workspace's).
 */
export function stepHold(
  p: PolicyContext,
  cal: Calendar,
  holders: Person[],
  at: Date,
  toChannel = false,
): Hold | null {
  if (holders.length === 0 && !toChannel) return null; // nobody to hold for: the skip is reported at once
  // The first recipient's own quiet windows hold on top of the workspace's (issue 20 item 2).
  const own = toChannel ? [] : (holders[0]?.quietWindows ?? []);
  return holdFor(
    at,
    cal,
    own.length ? [...p.settings.quietWindows, ...own] : p.settings.quietWindows,
    p.bypassed,
  );
}

/**
 * Records a hold on the timeline ("held until 09:00 Mon") and sets the alert's timer to the
 * hold's end, when the step is evaluated again. Returns the updated alert.
 */
export async function holdStep(
  tx: EngineTx,
  after: AfterCommit,
  alert: Alert,
  index: number,
  hold: Hold,
  cal: Calendar,
  holders: Person[],
  now: Date,
): Promise<Alert> {
  const label = `held until ${formatHoldUntil(hold.until, cal.timeZone)}`;
  await tx.addEvent(alert.workspaceId, alert.id, {
    at: now,
    kind: 'held',
    channel: 'system',
    targetId: holders[0]?.id ?? null,
    details: { step: index, until: hold.until.toISOString(), by: hold.by, label, timezone: cal.timeZone },
  });
  const token = alert.token + 1;
  const updated = await tx.updateAlert(
    alert.id,
    alert.version,
    { token, nextActionAt: hold.until, nextActionKind: 'escalate' },
    now,
  );
  if (!updated) throw new Error('alert changed concurrently');
  after.timer(updated.id, token, hold.until);
  return updated;
}
