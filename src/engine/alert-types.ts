import type { Alert, AlertType, Customer } from './types.js';

/** What raises or updates an alert (src/engine/alerts.ts), and what came of it. */
export interface Trigger {
  workspaceId: string;
  customer: Customer;
  type: AlertType;
  dedupKey: string;
  facts: Record<string, unknown>;
  /**
   * When the open alert or the cooldown absorbs this trigger: the latest value as its card words it
   * ("97%"), counted in the card's "N more …" line (engine/suppression.ts); null = not news (a
   * re-scan of the same overdue invoice), not counted.
   */
  absorbedAs: string | null;
  /** What caused it, for the timeline. */
  cause: string;
}

export type RaiseResult =
  | { outcome: 'created'; alert: Alert }
  | { outcome: 'updated'; alert: Alert }
  | { outcome: 'suppressed'; previousAlertId: string; until: Date }
  | { outcome: 'unassigned' };

/** When step `index` of the chain falls due, counting pauses. */
export function stepDueAt(
  alert: Pick<Alert, 'escalation' | 'chainStartedAt' | 'pausedTotalMs'>,
  index: number,
): Date | null {
  const step = alert.escalation[index];
  if (!step) return null;
  return new Date(alert.chainStartedAt.getTime() + step.afterMs + alert.pausedTotalMs);
}
