import { fanOutUpdate, runDueSteps } from './alerts.js';
import {
  announce,
  conflict,
  formatWhen,
  record,
  refuse,
  update,
  type ActionResult,
  type Ctx,
} from './actions.js';
import { inTransaction, type AfterCommit, type EngineDeps } from './context.js';
import { formatDuration, parseDurationMs } from './duration.js';
import type { EngineTx } from './ports.js';
import { durationSetting } from './settings.js';
import { nextWorkingInstant, parseWorkingHours, type Calendar } from './policy/hours.js';
import { calendarFor } from './policy/settings-fields.js';
import { SNOOZE_UNTIL, type Alert, type SnoozeUntil, type WaitingFor } from './types.js';

/**
 * Snooze until an event, not only for a time (issue 21 item 1). `until`:
 *  - `duration` (default): the workspace's `snooze` (or the `duration` given); waits for `time`.
 *  - `next_business_morning`: the start of the actor's next working day (the workspace's working
 *    hours in the actor's time zone; Mon–Fri 09:00–18:00 when none are set).
 *  - `customer_reply`: no timer; a new ticket from the customer or a dunning response wakes it.
 *  - `paid` (collections only): no timer; payment resolves it (the invoice rule), another invoice
 *    of the customer falling due wakes it.
 * A woken alert is `open` again and its escalation continues, paused time not counted.
 */

export const DEFAULT_BUSINESS_HOURS = 'Mon-Fri 09:00-18:00';

/** The first working-day start after `now` (today's, when before it; else the next day's). */
export function nextBusinessMorning(now: Date, cal: Calendar): Date {
  const c: Calendar = { ...cal, hours: cal.hours ?? parseWorkingHours(DEFAULT_BUSINESS_HOURS) };
  let t = now;
  // Inside working hours: walk to their end (15-minute steps, at most two weeks), then on.
  for (let i = 0; i < 14 * 96 && nextWorkingInstant(t, c).getTime() === t.getTime(); i++)
    t = new Date(t.getTime() + 15 * 60_000);
  return nextWorkingInstant(t, c);
}

const WAITING: Record<SnoozeUntil, WaitingFor> = {
  duration: 'time',
  next_business_morning: 'next_business_morning',
  customer_reply: 'customer_reply',
  paid: 'paid',
};

export async function snooze(ctx: Ctx): Promise<ActionResult> {
  if (ctx.alert.status === 'snoozed')
    return refuse('conflict', 'This alert is already snoozed; nothing changed.');
  const until = (ctx.req.params?.until ?? 'duration') as SnoozeUntil;
  if (!SNOOZE_UNTIL.includes(until))
    return refuse('invalid', `Snooze until must be one of ${SNOOZE_UNTIL.join(', ')}.`);
  if (until === 'paid' && ctx.alert.type !== 'collections')
    return refuse('invalid', 'Snooze until paid is for collections alerts only.');
  let wakeAt: Date | null = null;
  let what: string;
  // A workspace-level alert (feed_stale, issue 21 item 3) has no customer to reply.
  if (until === 'customer_reply' && !ctx.alert.customerId)
    return refuse(
      'invalid',
      'Snooze until the customer replies needs a customer: this alert is about the workspace.',
    );
  const customer = ctx.alert.customerId
    ? await ctx.tx.customer(ctx.alert.workspaceId, ctx.alert.customerId)
    : null;
  if (until === 'duration') {
    const ms = ctx.req.params?.duration
      ? parseDurationMs(ctx.req.params.duration)
      : durationSetting(ctx.settings, 'snooze');
    if (ms === null || ms < 1000) return refuse('invalid', 'Snooze needs a duration such as 24h.');
    wakeAt = new Date(ctx.now.getTime() + ms);
    what = `for ${formatDuration(ms)}`;
  } else if (until === 'next_business_morning') {
    wakeAt = nextBusinessMorning(ctx.now, calendarFor(ctx.req.actor, ctx.settings, ctx.settings.timezone));
    what = `until the next business morning (${formatWhen(wakeAt, ctx.req.actor.timezone)})`;
  } else if (until === 'customer_reply') {
    what = `until ${customer?.name ?? 'the customer'} replies (a new ticket or a dunning response)`;
  } else {
    what = 'until it is paid (another invoice falling due brings it back)';
  }
  const token = ctx.alert.token + 1;
  const updated = await update(ctx, {
    status: 'snoozed',
    pausedAt: ctx.alert.pausedAt ?? ctx.now,
    token,
    nextActionAt: wakeAt,
    nextActionKind: wakeAt ? 'wake' : null,
    waitingFor: WAITING[until],
  });
  if (!updated) return conflict();
  ctx.after.timer(updated.id, token, wakeAt);
  await record(ctx, 'snoozed', { until: wakeAt?.toISOString() ?? null, waitingFor: WAITING[until] });
  await announce(
    ctx,
    updated,
    `😴 Snoozed by ${ctx.req.actor.name} ${what}. It comes back to ${ctx.req.actor.id === ctx.alert.assigneeId ? 'them' : 'the assignee'} then.`,
  );
  return {
    ok: true,
    alert: updated,
    message: wakeAt ? `Snoozed until ${formatWhen(wakeAt, ctx.req.actor.timezone)}.` : `Snoozed ${what}.`,
  };
}

/** Wakes a snoozed alert because what it waited for happened: open again, escalation continues. */
export async function wakeSnoozed(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  alert: Alert,
  reason: string,
): Promise<Alert> {
  const now = deps.clock.now();
  const pausedFor = alert.pausedAt ? now.getTime() - alert.pausedAt.getTime() : 0;
  const woken = await tx.updateAlert(
    alert.id,
    alert.version,
    {
      status: 'open',
      pausedAt: null,
      pausedTotalMs: alert.pausedTotalMs + pausedFor,
      token: alert.token + 1,
      nextActionAt: null,
      nextActionKind: null,
      waitingFor: null,
    },
    now,
  );
  if (!woken) throw new Error('alert changed concurrently'); // the row is locked
  await tx.addEvent(alert.workspaceId, alert.id, {
    at: now,
    kind: 'woke',
    channel: 'system',
    details: { pausedMs: pausedFor, waitedFor: alert.waitingFor ?? 'time', reason },
  });
  await fanOutUpdate(deps, tx, after, woken, `⏰ ${reason}: this alert is back and escalation continues.`);
  return runDueSteps(deps, tx, after, woken, now);
}

/** Wakes the customer's alerts snoozed until `waitingFor`, inside the caller's transaction. */
export async function wakeWaitingInTx(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  workspaceId: string,
  customerId: string,
  waitingFor: WaitingFor,
  reason: string,
): Promise<number> {
  const alerts = await tx.snoozedAlertsWaitingFor(workspaceId, customerId, waitingFor);
  for (const a of alerts) await wakeSnoozed(deps, tx, after, a, reason);
  return alerts.length;
}

/** A new ticket from a customer: wakes its alerts snoozed until the customer replies. */
export async function wakeOnCustomerReply(
  deps: EngineDeps,
  workspaceId: string,
  customerId: string,
  reason: string,
): Promise<number> {
  return inTransaction(deps, (tx, after) =>
    wakeWaitingInTx(deps, tx, after, workspaceId, customerId, 'customer_reply', reason),
  );
}
