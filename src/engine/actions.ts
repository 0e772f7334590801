import { enqueueFor, fanOut, fanOutUpdate, stepDueAt } from './alerts.js';
import { inTransaction, type AfterCommit, type EngineDeps } from './context.js';
import type { EngineTx } from './ports.js';
import { durationSetting, effectiveSettings } from './settings.js';
import {
  ACTION_LABELS,
  ALL_ACTIONS,
  type ActionName,
  type ActionSource,
  type Alert,
  type Person,
} from './types.js';

/** Parameters each action accepts (all optional except where the action needs them). */
export interface ActionParams {
  outcome?: string;
  notes?: string;
  /** Schedule Follow-up: when (ISO 8601) and what. */
  dueAt?: string;
  title?: string;
  /** Reassign: the new CSM. */
  toPersonId?: string;
  toPersonExternalId?: string;
  /** Snooze: how long (defaults to the workspace setting). */
  duration?: string;
  /** Snooze until: duration (default), next_business_morning, customer_reply, paid (engine/snooze.ts). */
  until?: string;
  note?: string;
  /** Escalate now: the step the actor saw (cards carry it); another step means someone was faster. */
  fromStep?: number;
}

export interface ActionRequest {
  workspaceId: string;
  alertId: string;
  action: ActionName;
  actor: Person;
  source: ActionSource;
  params?: ActionParams;
}

export type ActionResult =
  /** Applied: `message` is the confirmation for the actor. */
  | { ok: true; message: string; alert: Alert; duplicate?: false }
  /** A platform retry of an event already applied: nothing changed. */
  | { ok: true; message: string; duplicate: true }
  /** Not applied: `message` is shown only to the actor; `code` maps to HTTP status. */
  | { ok: false; code: 'forbidden' | 'invalid' | 'conflict' | 'not_found'; message: string };

export const CALL_OUTCOMES = ['connected', 'left_voicemail', 'no_answer', 'rescheduled', 'other'] as const;

export const refuse = (
  code: Extract<ActionResult, { ok: false }>['code'],
  message: string,
): ActionResult => ({
  ok: false,
  code,
  message,
});

/**
 * Applies a CSM action once. Duplicate deliveries (same event id) and simultaneous clicks
 * (the alert row is locked and every update is conditional on its version) have one effect.
 */
export async function applyAction(deps: EngineDeps, req: ActionRequest): Promise<ActionResult> {
  if (!(ALL_ACTIONS as readonly string[]).includes(req.action)) {
    return refuse('invalid', `Unknown action "${req.action}". Actions: ${ALL_ACTIONS.join(', ')}.`);
  }
  return inTransaction(deps, async (tx, after) => {
    if (
      req.source.eventId &&
      !(await tx.rememberEvent(`action:${req.source.channel}`, req.source.eventId, req.workspaceId))
    ) {
      return { ok: true, duplicate: true, message: 'Already done.' };
    }
    const alert = await tx.lockAlert(req.workspaceId, req.alertId);
    if (!alert) return refuse('not_found', 'That alert no longer exists.');
    const recipients = await tx.recipients(alert.id);
    const allowed =
      req.actor.isAdmin ||
      req.actor.role === 'admin' ||
      alert.assigneeId === req.actor.id ||
      recipients.includes(req.actor.id);
    const now = deps.clock.now();
    const label = ACTION_LABELS[req.action];
    if (!allowed) {
      await tx.addEvent(alert.workspaceId, alert.id, {
        at: now,
        kind: 'refused',
        actorId: req.actor.id,
        channel: req.source.channel,
        details: { action: req.action },
      });
      return refuse(
        'forbidden',
        `Sorry ${req.actor.name}, you can't ${label.toLowerCase()} this alert: only its assignee, the people it was escalated to, or a workspace admin can act on it.`,
      );
    }
    if (alert.status === 'resolved') {
      return refuse(
        'conflict',
        `This alert was already resolved${alert.resolvedAt ? ` at ${alert.resolvedAt.toISOString()}` : ''}; nothing changed.`,
      );
    }
    const ws = await tx.workspaceSettings(alert.workspaceId);
    const settings = effectiveSettings(ws?.settings, ws?.timezone);
    const ctx: Ctx = { deps, tx, after, alert, req, now, settings };
    switch (req.action) {
      case 'acknowledge':
        return acknowledge(ctx);
      case 'log_call':
        return logCall(ctx);
      case 'schedule_follow_up':
        return scheduleFollowUp(ctx);
      case 'reassign':
        return reassign(ctx);
      case 'snooze':
        return snooze(ctx);
      case 'resolve':
        return resolve(ctx);
      case 'escalate_now':
        return escalateNow(ctx);
      case 'decline':
        return decline(ctx);
    }
  });
}

import { escalateNow, decline, reassignWindow } from './policy/actions.js';
import { snooze } from './snooze.js';

export interface Ctx {
  deps: EngineDeps;
  tx: EngineTx;
  after: AfterCommit;
  alert: Alert;
  req: ActionRequest;
  now: Date;
  settings: ReturnType<typeof effectiveSettings>;
}

export async function record(
  ctx: Ctx,
  kind: string,
  details: Record<string, unknown> = {},
  targetId?: string,
): Promise<void> {
  await ctx.tx.addEvent(ctx.alert.workspaceId, ctx.alert.id, {
    at: ctx.now,
    kind,
    actorId: ctx.req.actor.id,
    targetId: targetId ?? null,
    channel: ctx.req.source.channel,
    details,
  });
}

export async function update(ctx: Ctx, patch: Parameters<EngineTx['updateAlert']>[2]): Promise<Alert | null> {
  return ctx.tx.updateAlert(ctx.alert.id, ctx.alert.version, patch, ctx.now);
}

export async function announce(ctx: Ctx, alert: Alert, text: string): Promise<void> {
  await fanOutUpdate(ctx.deps, ctx.tx, ctx.after, alert, text);
}

export const conflict = (): ActionResult =>
  refuse('conflict', 'Someone else changed this alert at the same moment; please look at the latest card.');

/** Pauses escalation until the ack timeout (shared by Acknowledge and Log Call). */
function pausePatch(ctx: Ctx) {
  const token = ctx.alert.token + 1;
  const resumeAt = new Date(ctx.now.getTime() + durationSetting(ctx.settings, 'ackTimeout'));
  ctx.after.timer(ctx.alert.id, token, resumeAt);
  return {
    status: 'acknowledged' as const,
    pausedAt: ctx.alert.pausedAt ?? ctx.now,
    token,
    nextActionAt: resumeAt,
    nextActionKind: 'resume' as const,
  };
}

async function acknowledge(ctx: Ctx): Promise<ActionResult> {
  if (ctx.alert.status === 'acknowledged')
    return refuse('conflict', 'This alert is already acknowledged; nothing changed.');
  if (ctx.alert.status === 'snoozed')
    return refuse(
      'conflict',
      'This alert is snoozed; it comes back by itself, or Mark Resolved to close it.',
    );
  const updated = await update(ctx, pausePatch(ctx));
  if (!updated) return conflict();
  await record(ctx, 'acknowledged', { resumesAt: updated.nextActionAt?.toISOString() });
  await announce(
    ctx,
    updated,
    `✅ Acknowledged by ${ctx.req.actor.name}. Escalation paused for ${ctx.settings.ackTimeout}.`,
  );
  return {
    ok: true,
    alert: updated,
    message: `Acknowledged. Escalation is paused for ${ctx.settings.ackTimeout}.`,
  };
}

async function logCall(ctx: Ctx): Promise<ActionResult> {
  const outcome = (ctx.req.params?.outcome ?? '').trim();
  if (!outcome) return refuse('invalid', `Log Call needs an outcome (${CALL_OUTCOMES.join(', ')}).`);
  if (outcome.length > 100) return refuse('invalid', 'The call outcome must be at most 100 characters.');
  const notes = (ctx.req.params?.notes ?? '').trim().slice(0, 3000) || null;
  await ctx.tx.insertCallLog({
    workspaceId: ctx.alert.workspaceId,
    alertId: ctx.alert.id,
    customerId: ctx.alert.customerId,
    personId: ctx.req.actor.id,
    outcome,
    notes,
    at: ctx.now,
  });
  const patch = ctx.alert.status === 'snoozed' ? {} : pausePatch(ctx);
  const updated = await update(ctx, patch);
  if (!updated) return conflict();
  await record(ctx, 'call_logged', { outcome, notes });
  await announce(
    ctx,
    updated,
    `📞 ${ctx.req.actor.name} logged a call: ${outcome.replace(/_/g, ' ')}${notes ? ` — “${notes}”` : ''}.`,
  );
  return { ok: true, alert: updated, message: 'Call logged. Escalation is paused.' };
}

async function scheduleFollowUp(ctx: Ctx): Promise<ActionResult> {
  const raw = ctx.req.params?.dueAt;
  const due = raw ? new Date(raw) : null;
  if (!due || Number.isNaN(due.getTime()))
    return refuse(
      'invalid',
      'Schedule Follow-up needs a date and time (dueAt, ISO 8601 such as 2026-11-24T15:00:00Z).',
    );
  if (due.getTime() <= ctx.now.getTime())
    return refuse('invalid', 'The follow-up time must be in the future.');
  const title = (ctx.req.params?.title ?? '').trim().slice(0, 200) || 'Follow up with the customer';
  const taskId = await ctx.tx.insertTask({
    workspaceId: ctx.alert.workspaceId,
    alertId: ctx.alert.id,
    customerId: ctx.alert.customerId,
    assigneeId: ctx.req.actor.id,
    title,
    dueAt: due,
    createdBy: ctx.req.actor.id,
  });
  ctx.after.reminder(taskId, due);
  const updated = await update(ctx, {});
  if (!updated) return conflict();
  await record(ctx, 'follow_up_scheduled', { taskId, title, dueAt: due.toISOString() });
  await announce(
    ctx,
    updated,
    `🗓️ ${ctx.req.actor.name} scheduled a follow-up: “${title}” due ${formatWhen(due, ctx.req.actor.timezone)}.`,
  );
  return {
    ok: true,
    alert: updated,
    message: `Follow-up scheduled for ${formatWhen(due, ctx.req.actor.timezone)}. I'll remind you in this thread.`,
  };
}

async function reassign(ctx: Ctx): Promise<ActionResult> {
  const p = ctx.req.params ?? {};
  const target = p.toPersonId
    ? await ctx.tx.person(ctx.alert.workspaceId, p.toPersonId)
    : p.toPersonExternalId
      ? await ctx.tx.personByExternalId(ctx.alert.workspaceId, p.toPersonExternalId)
      : null;
  if (!target)
    return refuse(
      'invalid',
      'Reassign needs the CSM to hand the alert to (pick someone from the workspace).',
    );
  if (target.id === ctx.alert.assigneeId)
    return refuse('conflict', `${target.name} already owns this alert; nothing changed.`);
  const token = ctx.alert.token + 1;
  // Issue 20 item 4: with `reassignResponse` set, the new owner has that long before the next step.
  const window = reassignWindow(ctx.settings, ctx.alert.escalation, ctx.now);
  const updated = await update(ctx, {
    assigneeId: target.id,
    status: 'open',
    step: -1,
    token,
    chainStartedAt: window?.chainStartedAt ?? ctx.now,
    pausedAt: null,
    pausedTotalMs: 0,
    nextActionAt: ctx.now,
    nextActionKind: 'escalate',
  });
  if (!updated) return conflict();
  const previous = ctx.alert.assigneeId
    ? await ctx.tx.person(ctx.alert.workspaceId, ctx.alert.assigneeId)
    : null;
  await record(
    ctx,
    'reassigned',
    {
      from: previous?.externalId ?? null,
      to: target.externalId,
      ...(window ? { respondWithin: window.label } : {}),
    },
    target.id,
  );
  await announce(
    ctx,
    updated,
    `🔁 ${ctx.req.actor.name} reassigned this alert from ${previous?.name ?? 'nobody'} to ${target.name}. ${
      window
        ? `${target.name} has ${window.label} to respond before it goes to their manager.`
        : 'The escalation chain restarts for them.'
    }`,
  );
  // The new owner gets the card with the history; the chain restarts (step 0 = the new CSM) now.
  const history = (await ctx.tx.timeline(ctx.alert.id))
    .slice(-6)
    .map((e) => `• ${e.at.toISOString().slice(0, 16).replace('T', ' ')} ${e.kind.replace(/_/g, ' ')}`);
  await ctx.tx.addRecipient(updated.id, target.id, 0, ctx.now);
  await enqueueFor(ctx.deps, ctx.tx, ctx.after, target, {
    kind: 'post_card',
    alertId: updated.id,
    personId: target.id,
    intro: `${ctx.req.actor.name} reassigned this alert to you. History:\n${history.join('\n')}`,
  });
  const started = await ctx.tx.updateAlert(updated.id, updated.version, { step: 0 }, ctx.now);
  if (!started) return conflict();
  const nextDue = stepDueAt(started, 1);
  const finalToken = started.token + 1;
  const scheduled = await ctx.tx.updateAlert(
    started.id,
    started.version,
    { token: finalToken, nextActionAt: nextDue, nextActionKind: nextDue ? 'escalate' : null },
    ctx.now,
  );
  if (!scheduled) return conflict();
  ctx.after.timer(scheduled.id, finalToken, nextDue);
  return { ok: true, alert: scheduled, message: `Reassigned to ${target.name}. They have been notified.` };
}

async function resolve(ctx: Ctx): Promise<ActionResult> {
  const token = ctx.alert.token + 1;
  const updated = await update(ctx, {
    status: 'resolved',
    resolvedAt: ctx.now,
    token,
    nextActionAt: null,
    nextActionKind: null,
    pausedAt: null,
  });
  if (!updated) return conflict();
  ctx.after.cancelTimers(updated.id);
  const note = (ctx.req.params?.note ?? '').trim().slice(0, 1000);
  await record(ctx, 'resolved', note ? { note } : {});
  await announce(ctx, updated, `✔️ Resolved by ${ctx.req.actor.name}${note ? `: ${note}` : '.'}`);
  return { ok: true, alert: updated, message: 'Marked resolved. Every card shows its final state.' };
}

/** Resolves an alert on behalf of the system (invoice paid): same hard stop as Mark Resolved. */
export async function autoResolveInTx(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  alert: Alert,
  reason: string,
): Promise<Alert | null> {
  const now = deps.clock.now();
  const updated = await tx.updateAlert(
    alert.id,
    alert.version,
    {
      status: 'resolved',
      resolvedAt: now,
      token: alert.token + 1,
      nextActionAt: null,
      nextActionKind: null,
      pausedAt: null,
    },
    now,
  );
  if (!updated) return null;
  after.cancelTimers(alert.id);
  await tx.addEvent(alert.workspaceId, alert.id, {
    at: now,
    kind: 'auto_resolved',
    channel: 'system',
    details: { reason },
  });
  await fanOutUpdate(deps, tx, after, updated, `✔️ Resolved automatically: ${reason}.`);
  return updated;
}

/** One formatter per time zone: constructing an Intl.DateTimeFormat costs far more than using one. */
const WHEN_FORMATS = new Map<string, Intl.DateTimeFormat>();

export function formatWhen(d: Date, timezone: string): string {
  try {
    let f = WHEN_FORMATS.get(timezone);
    if (!f) {
      f = new Intl.DateTimeFormat('en-GB', {
        timeZone: timezone,
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
        timeZoneName: 'short',
      });
      if (WHEN_FORMATS.size < 1000) WHEN_FORMATS.set(timezone, f); // bounded: zones are few
    }
    return f.format(d);
  } catch {
    return d.toISOString();
  }
}

/** Runs a follow-up reminder once: a reply in the alert's threads and a note to the assignee. */
export async function runReminder(deps: EngineDeps, taskId: string): Promise<'sent' | 'skipped'> {
  return inTransaction(deps, async (tx, after) => {
    const task = await tx.task(taskId);
    if (!task || task.status !== 'open') return 'skipped';
    const now = deps.clock.now();
    if (!(await tx.markTaskReminded(taskId, now))) return 'skipped';
    if (task.alertId) {
      const alert = await tx.lockAlert(task.workspaceId, task.alertId);
      if (alert) {
        await tx.addEvent(alert.workspaceId, alert.id, {
          at: now,
          kind: 'follow_up_due',
          channel: 'system',
          targetId: task.assigneeId,
          details: { taskId, title: task.title },
        });
        await fanOut(deps, tx, after, alert, {
          kind: 'reply_all',
          alertId: alert.id,
          text: `🔔 Follow-up due now: “${task.title}”.`,
        });
      }
    }
    return 'sent';
  });
}
