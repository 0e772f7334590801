/**
 * Per-person fallback channel (issue 20 item 5): when a card delivered to a person is not acted on
 * — no action on the alert by anyone — within their `fallbackAfter`, the card is sent once more on
 * their `fallbackChannel` (a channel they have an identity on, not their main one), once per alert,
 * where it opens the alert's one thread on that channel (later updates and replies follow there).
 * An action before then cancels it: the job finds the action on the timeline and sends nothing.
 */
import { channelFor, inTransaction, type AfterCommit, type EngineDeps } from '../context.js';
import { parseDurationMs } from '../duration.js';
import type { Channel, Person } from '../types.js';

export const FALLBACK_JOB = 'alert:fallback';
/** `fallbackAfter` when a person has a fallback channel and no delay of their own. */
export const DEFAULT_FALLBACK_AFTER = '30m';

/** The fallback a card to `person` on `main` arms, or null when there is none. */
export function fallbackFor(
  person: Person,
  main: Channel,
  enabled: ReadonlySet<Channel>,
): { channel: Channel; afterMs: number; after: string } | null {
  const channel = person.fallbackChannel;
  if (!channel || channel === main || !enabled.has(channel)) return null;
  const after = person.fallbackAfter ?? DEFAULT_FALLBACK_AFTER;
  const afterMs = parseDurationMs(after);
  return afterMs === null ? null : { channel, afterMs, after };
}

/** Arms the fallback for a card queued to `person` now (run once the transaction commits). */
export function armFallback(
  deps: EngineDeps,
  after: AfterCommit,
  person: Person,
  alertId: string,
  now: Date,
) {
  const f = fallbackFor(person, channelFor(person, deps.enabledChannels), deps.enabledChannels);
  if (f)
    after.job(FALLBACK_JOB, new Date(now.getTime() + f.afterMs), {
      alertId,
      personId: person.id,
      since: now.toISOString(),
    });
}

/** The fallback job: re-notifies on the fallback channel unless the alert was acted on since. */
export async function runFallback(
  deps: EngineDeps,
  alertId: string,
  personId: string,
  since: string,
): Promise<'sent' | 'skipped'> {
  return inTransaction(deps, async (tx, after) => {
    const alert = await tx.lockAlert(null, alertId);
    if (!alert || alert.status === 'resolved') return 'skipped';
    const person = await tx.person(alert.workspaceId, personId);
    const main = person ? channelFor(person, deps.enabledChannels) : null;
    const f = person && main ? fallbackFor(person, main, deps.enabledChannels) : null;
    if (!person || !main || !f) return 'skipped';
    const from = new Date(since).getTime();
    const timeline = await tx.timeline(alert.id);
    // Once per person and alert; "acted on" is any action on the alert (a refusal is not one).
    if (timeline.some((e) => e.kind === 'fallback_notified' && e.targetId === person.id)) return 'skipped';
    if (timeline.some((e) => e.actorId && e.kind !== 'refused' && e.at.getTime() >= from)) return 'skipped';
    const now = deps.clock.now();
    await tx.enqueueDelivery(alert.workspaceId, f.channel, {
      kind: 'post_card',
      alertId: alert.id,
      personId: person.id,
      intro: `Nobody has acted on this alert for ${f.after} since it reached you on ${main}, so here it is on ${f.channel}.`,
    });
    after.kick(f.channel);
    await tx.addEvent(alert.workspaceId, alert.id, {
      at: now,
      kind: 'fallback_notified',
      channel: 'system',
      targetId: person.id,
      details: { channel: f.channel, from: main, after: f.after },
    });
    return 'sent';
  });
}
