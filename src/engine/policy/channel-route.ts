/** Routes a role-channel step (issue 20 item 6): the engine side of src/engine/policy/channel-step.ts. */
import { fanOutUpdate } from '../alerts.js';
import type { AfterCommit, EngineDeps } from '../context.js';
import type { EngineTx } from '../ports.js';
import { stepLabel, type Alert } from '../types.js';
import { stepChannelOf } from './channel-step.js';

/**
 * Runs a channel step: the card goes to the conversation, in the alert's thread there, and every
 * thread of the alert hears where it went. Returns null when queued, else why it was skipped (the
 * caller records the skip and tells the admins). Runs inside the timer's or action's transaction
 * with the alert locked, so a step runs once; a repeat after a reassign reuses the same thread.
 */
export async function executeChannelStep(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  alert: Alert,
  index: number,
  now: Date,
): Promise<string | null> {
  const step = alert.escalation[index]!;
  const target = stepChannelOf(step.channel ?? '');
  if (!target) return `the step's channel "${step.channel}" is not a valid conversation`;
  if (!deps.enabledChannels.has(target.kind))
    return `${target.kind} is not configured on this deployment, so ${stepLabel(step)} cannot be reached`;
  await tx.addEvent(alert.workspaceId, alert.id, {
    at: now,
    kind: 'escalated',
    channel: 'system',
    details: { step: index, channel: step.channel },
  });
  // Announced in the existing threads first: queued before the card, the reply is not posted again
  // under the new card in the channel (deliveries of one alert go out in order).
  const text = `⬆️ Escalated to ${stepLabel(step)} — step ${index + 1} of ${alert.escalation.length}.`;
  await fanOutUpdate(deps, tx, after, alert, text);
  await tx.enqueueDelivery(alert.workspaceId, target.kind, {
    kind: 'channel_card',
    alertId: alert.id,
    conversation: target.id,
    intro: `Escalated to this channel (step ${index + 1} of ${alert.escalation.length}): nobody has acted on this alert yet.`,
  });
  after.kick(target.kind);
  return null;
}
