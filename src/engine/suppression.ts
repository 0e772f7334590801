import type { AfterCommit } from './context.js';
import type { EngineTx } from './ports.js';
import type { AlertType } from './types.js';

/**
 * Visible suppression (issue 21 item 2). A trigger absorbed by the open alert (an update) or by
 * the cooldown (a `suppressed` event on the alert whose card was sent) is written on that alert's
 * timeline with `details.absorbed` = the latest value as the card words it ("97%"). The card's
 * "3 more readings over threshold, latest 97%" line and the API's `suppressedCount` are read from
 * those events (store/alert-views.ts), so the timeline stays the one record of each trigger.
 *
 * The count runs from the moment the alert's card was first sent: every later card (an update in
 * place, or on WhatsApp the next message sent) shows the running total.
 */

/** The timeline kinds that can carry an absorbed trigger. */
export const ABSORBED_KINDS = ['updated', 'suppressed'] as const;

/** `details` of the timeline event for an absorbed trigger (`absorbed` only when it counts). */
export function absorbedDetails(
  t: { cause: string; facts: Record<string, unknown>; absorbedAs: string | null },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { cause: t.cause, facts: t.facts, ...extra, ...(t.absorbedAs ? { absorbed: t.absorbedAs } : {}) };
}

/**
 * Re-renders the alert's cards in place, quietly: channels that cannot edit a message (WhatsApp)
 * send nothing for it, and their next message about the alert carries the change. Replaces the
 * per-trigger thread replies of earlier versions.
 */
export async function refreshCardsQuietly(
  tx: EngineTx,
  after: AfterCommit,
  workspaceId: string,
  alertId: string,
): Promise<void> {
  for (const channel of await tx.alertChannels(alertId)) {
    await tx.enqueueDelivery(workspaceId, channel, { kind: 'update_cards', alertId, quiet: true });
    after.kick(channel);
  }
}

/** The card's line for `count` absorbed triggers, worded per alert type; null when none. */
export function suppressedLine(type: AlertType, count: number, latest: string | null): string | null {
  if (count <= 0) return null;
  const s = count === 1 ? '' : 's';
  const what =
    type === 'usage_threshold'
      ? `${count} more reading${s} over threshold`
      : type === 'collections'
        ? `${count} more overdue invoice${s}`
        : type === 'support_risk'
          ? `${count} more risky ticket${s}`
          : `${count} more trigger${s}`;
  return `${what} since this card was sent${latest ? `, latest ${latest}` : ''}`;
}
