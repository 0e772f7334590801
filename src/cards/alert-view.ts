import type { ActionName, AlertStatus, AlertType, Tier } from '../engine/types.js';

/**
 * Everything an alert card shows, already worded for people. Built by the store from the
 * alert, its customer and people (see store/alert-views.ts); rendered by cards/alert-card.ts
 * into the shared Adaptive Card, which each channel renderer translates.
 */
export interface AlertView {
  alertId: string;
  /** Alert version the card was rendered from (actions carry it back). */
  version: number;
  type: AlertType;
  /** e.g. "🚀 Expansion Opportunity", "💸 Collections", "🔥 Support Risk" */
  headline: string;
  customerName: string;
  tier: Tier;
  tierLabel: string;
  /** The numbers: [{title: "Usage", value: "86% of seats (86 / 100)"}, …] */
  facts: { title: string; value: string }[];
  status: AlertStatus;
  statusLabel: string;
  assigneeName: string;
  /** e.g. "CSM Manager (Dana Lee) at 24 Nov 2026, 09:00 UTC", or "—" */
  nextEscalation: string;
  /** Escalation progress, e.g. "Step 2 of 4 — CSM Manager" */
  escalationLabel: string;
  /** Actions offered (none when resolved). */
  actions: ActionName[];
  /** Reassign picker. */
  csmChoices: { id: string; name: string }[];
  /** Log Call outcomes. */
  callOutcomes: { value: string; title: string }[];
  /** The Snooze button's label with the workspace's real snooze length ("Snooze 1m"); absent = "Snooze 24h". */
  snoozeLabel?: string;
  /**
   * What Snooze offers (issue 21 item 1), as `until` values of the snooze action: "duration" (the
   * workspace's length, e.g. "For 24h"), "next_business_morning", "customer_reply", and "paid" on
   * collections alerts only.
   */
  snoozeChoices: { value: string; title: string }[];
  /** The escalation step the card shows (Escalate now carries it back as `fromStep`). */
  step?: number;
  /** Who Escalate now reaches, e.g. "CSM Manager (Dana Lee)". */
  nextStepLabel?: string;
  /** Who Decline hands the alert back to (the assignee's manager). */
  managerName?: string;
  /** e.g. "3 more readings over threshold since this card was sent, latest 97%"; null when none. */
  suppressedNote?: string | null;
  /** Final state (resolved): no buttons, a closing line. */
  final: boolean;
  finalNote: string | null;
  /** Optional intro line above the card (e.g. "Escalated to you …"). */
  intro: string | null;
  /** Link to the alert in the product, if PUBLIC_URL is set. */
  url: string | null;
}
