/**
 * Escalate now and Decline (issue 20): two card actions beside the six, with the same permission,
 * exactly-once and timeline rules (applyAction in ../actions.ts locks the alert row, checks who
 * may act and remembers the platform's event id before either runs).
 */
import { announce, conflict, record, refuse, update, type ActionResult, type Ctx } from '../actions.js';
import { enqueueFor, executeStep, runDueSteps } from '../alerts.js';
import { parseDurationMs } from '../duration.js';
import type { WorkspaceSettings } from '../settings.js';
import { stepLabel, type EscalationStep } from '../types.js';

/** Two clicks on Escalate now closer together than this reach the next step once. */
export const ESCALATE_NOW_FENCE_MS = 60_000;

const noteOf = (ctx: Ctx) => (ctx.req.params?.note ?? '').trim().slice(0, 1000);

/**
 * Notifies the next step of the chain at once (holds do not apply: a person asked for it), with
 * the escalating person's note, and runs the rest of the chain on from that step's delay.
 */
export async function escalateNow(ctx: Ctx): Promise<ActionResult> {
  const { alert } = ctx;
  const next = alert.step + 1;
  const fromStep = ctx.req.params?.fromStep;
  if (fromStep !== undefined && fromStep !== alert.step)
    return refuse('conflict', 'This alert was already escalated past the step you saw; nothing changed.');
  if (fromStep === undefined) {
    // No step from the card (API, text commands): a second Escalate now within the fence is the same
    // intent clicked twice, not a request to skip another level.
    const last = (await ctx.tx.timeline(alert.id)).filter((e) => e.kind === 'escalated_now').pop();
    if (last && ctx.now.getTime() - last.at.getTime() < ESCALATE_NOW_FENCE_MS)
      return refuse('conflict', 'This alert was escalated a moment ago; nothing changed.');
  }
  const step = alert.escalation[next];
  if (!step)
    return refuse('conflict', 'This alert is already at the last step of its chain; nothing changed.');
  const note = noteOf(ctx);
  // Rebase the chain so the step reached now counts as due now: the following steps keep their gaps.
  const opened = await update(ctx, {
    status: 'open',
    pausedAt: null,
    pausedTotalMs: 0,
    chainStartedAt: new Date(ctx.now.getTime() - step.afterMs),
    token: alert.token + 1,
  });
  if (!opened) return conflict();
  await record(ctx, 'escalated_now', {
    step: next,
    ...(step.channel ? { channel: step.channel } : { role: step.role }),
    ...(note ? { note } : {}),
  });
  await announce(
    ctx,
    opened,
    `⏩ ${ctx.req.actor.name} escalated this alert now to the ${stepLabel(step)}${note ? `: “${note}”` : '.'}`,
  );
  // The person reached now sees who escalated it and why on the card itself: the thread reply
  // above only reaches the threads that already exist.
  const intro = `${ctx.req.actor.name} escalated this alert to you now (${stepLabel(step)})${note ? `: “${note}”` : '.'}`;
  await executeStep(ctx.deps, ctx.tx, ctx.after, opened, next, ctx.now, intro);
  const stepped = await ctx.tx.updateAlert(opened.id, opened.version, { step: next }, ctx.now);
  if (!stepped) return conflict();
  const scheduled = await runDueSteps(ctx.deps, ctx.tx, ctx.after, stepped, ctx.now);
  return {
    ok: true,
    alert: scheduled,
    message: `Escalated now to step ${next + 1} (${stepLabel(step)}).`,
  };
}

/**
 * The assignee can't take it: the alert goes back to their manager, who becomes the assignee with
 * a card, and the chain restarts from them (its csm_manager step is then the manager's manager).
 */
export async function decline(ctx: Ctx): Promise<ActionResult> {
  const { alert } = ctx;
  const assignee = alert.assigneeId ? await ctx.tx.person(alert.workspaceId, alert.assigneeId) : null;
  const manager = assignee?.managerId ? await ctx.tx.person(alert.workspaceId, assignee.managerId) : null;
  if (!manager)
    return refuse(
      'invalid',
      `${assignee?.name ?? 'The assignee'} has no manager set to hand this alert back to; use Reassign instead.`,
    );
  const note = noteOf(ctx);
  const updated = await update(ctx, {
    assigneeId: manager.id,
    status: 'open',
    step: 0,
    token: alert.token + 1,
    chainStartedAt: ctx.now,
    pausedAt: null,
    pausedTotalMs: 0,
  });
  if (!updated) return conflict();
  await record(
    ctx,
    'declined',
    { from: assignee?.externalId ?? null, to: manager.externalId, ...(note ? { note } : {}) },
    manager.id,
  );
  await announce(
    ctx,
    updated,
    `↩️ ${ctx.req.actor.name} can't take this alert${note ? `: “${note}”` : ''}. It is back with ${manager.name} for reassignment.`,
  );
  if (await ctx.tx.addRecipient(updated.id, manager.id, 0, ctx.now))
    await enqueueFor(ctx.deps, ctx.tx, ctx.after, manager, {
      kind: 'post_card',
      alertId: updated.id,
      personId: manager.id,
      intro: `${ctx.req.actor.name} declined this alert${note ? `: “${note}”` : ''}. Reassign it or take it.`,
    });
  const scheduled = await runDueSteps(ctx.deps, ctx.tx, ctx.after, updated, ctx.now);
  return { ok: true, alert: scheduled, message: `Handed back to ${manager.name}.` };
}

/**
 * Reassign with its own clock (item 4): with `reassignResponse` set, the chain restarts for the new
 * owner so that its step 2 (the new owner's manager) falls due `reassignResponse` from now, and
 * the later steps keep their gaps from it. Calendar time; null = the chain restarts as before.
 */
export function reassignWindow(
  settings: Pick<WorkspaceSettings, 'reassignResponse'>,
  chain: EscalationStep[],
  now: Date,
): { chainStartedAt: Date; label: string } | null {
  const ms = settings.reassignResponse ? parseDurationMs(settings.reassignResponse) : null;
  const next = chain[1];
  if (ms === null || !next) return null;
  return { chainStartedAt: new Date(now.getTime() + ms - next.afterMs), label: settings.reassignResponse! };
}
