/**
 * Cards offer only what they accept (issue 19 item 7): a snoozed alert's card has no
 * Acknowledge (the engine refuses it), and Snooze names the workspace's real snooze length instead
 * of a fixed "24h". Escalate now and Decline (issue 20 item 3) appear only where they can apply;
 * Snooze offers how long or until what (issue 21 item 1), "until paid" on collections alerts only.
 */
import { describe, expect, it } from '@jest/globals';
import { buildAlertView, type AlertViewInput } from '../../../src/cards/build-view.js';
import { renderAlertCard } from '../../../src/cards/alert-card.js';
import type { Alert, AlertStatus, AlertType, Person } from '../../../src/engine/types.js';

const person = (id: string, name: string, managerId: string | null = null): Person => ({
  id,
  workspaceId: 'w',
  externalId: id,
  name,
  email: null,
  role: 'csm',
  isAdmin: false,
  managerId,
  timezone: 'UTC',
  preferredChannel: null,
  identities: {},
});

interface Opts {
  type?: AlertType;
  /** The alert's current step (0 = the CSM; the chain has two steps). */
  step?: number;
  /** The assignee has a manager to hand the alert back to. */
  withManager?: boolean;
}

function input(status: AlertStatus, snooze?: string, o: Opts = {}): AlertViewInput {
  const now = new Date('2026-11-24T09:00:00Z');
  const alert: Alert = {
    id: '7d0f1a52-4c1e-4d8e-9a43-2f5b7c9e1a10',
    workspaceId: 'w',
    customerId: 'c',
    type: o.type ?? 'usage_threshold',
    dedupKey: 'k',
    status,
    assigneeId: null,
    facts: { used: 91, limit: 100, metric: 'seats', percent: 91 },
    escalation: [
      { role: 'csm', afterMs: 0 },
      { role: 'csm_manager', afterMs: 86_400_000 },
    ],
    step: o.step ?? 0,
    token: 1,
    version: 3,
    chainStartedAt: now,
    pausedAt: status === 'open' ? null : now,
    pausedTotalMs: 0,
    nextActionAt: new Date(now.getTime() + 60_000),
    nextActionKind: status === 'open' ? 'escalate' : 'resume',
    resolvedAt: status === 'resolved' ? now : null,
    createdAt: now,
    updatedAt: now,
  };
  return {
    alert,
    customer: {
      id: 'c',
      workspaceId: 'w',
      externalId: 'cust-1',
      name: 'Northwind',
      tier: 'platinum',
      csmId: null,
      arr: null,
      domains: [],
    },
    assignee: o.withManager ? person('p-sam', 'Sam', 'p-dana') : null,
    manager: o.withManager ? person('p-dana', 'Dana') : null,
    nextHolders: [],
    csms: [],
    timezone: 'UTC',
    ...(snooze ? { snooze } : {}),
  };
}

/** Titles of every action button on the rendered card (top level and inside show-cards). */
function buttonTitles(card: unknown): string[] {
  const out: string[] = [];
  const visit = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (typeof o.type === 'string' && o.type.startsWith('Action.') && typeof o.title === 'string')
      out.push(o.title);
    Object.values(o).forEach(visit);
  };
  visit(card);
  return out;
}

describe('alert card actions per state', () => {
  it('offers Acknowledge on an open alert but not on a snoozed or acknowledged one', () => {
    expect(buttonTitles(renderAlertCard(buildAlertView(input('open'))))).toContain('Acknowledge');
    const snoozed = buttonTitles(renderAlertCard(buildAlertView(input('snoozed'))));
    expect(snoozed).not.toContain('Acknowledge');
    expect(snoozed).toContain('Mark Resolved');
    expect(buttonTitles(renderAlertCard(buildAlertView(input('acknowledged'))))).not.toContain('Acknowledge');
  });

  it("offers Snooze as a choice whose first option is the workspace's snooze length", () => {
    expect(buttonTitles(renderAlertCard(buildAlertView(input('open', '1m'))))).toContain('Snooze…');
    expect(snoozeChoices(input('open', '1m'))).toEqual([
      'For 1m',
      'Next business morning',
      'Until customer replies',
    ]);
    expect(snoozeChoices(input('open'))[0]).toBe('For 24h');
    expect(snoozeChoices(input('acknowledged'))).toHaveLength(3);
    expect(snoozeChoices(input('snoozed'))).toEqual([]); // already snoozed: no Snooze at all
  });

  it('offers "until paid" on collections alerts only', () => {
    expect(snoozeChoices(input('open', undefined, { type: 'collections' }))).toContain('Until paid');
    expect(snoozeChoices(input('open', undefined, { type: 'support_risk' }))).not.toContain('Until paid');
  });

  it('offers Escalate now while the chain has a next step, on open, acknowledged and snoozed alerts', () => {
    for (const status of ['open', 'acknowledged', 'snoozed'] as const)
      expect(buttonTitles(renderAlertCard(buildAlertView(input(status))))).toContain('Escalate now');
    // At the last step there is nobody further up to notify.
    expect(
      buttonTitles(renderAlertCard(buildAlertView(input('open', undefined, { step: 1 })))),
    ).not.toContain('Escalate now');
  });

  it('offers Decline only when the assignee has a manager to hand back to', () => {
    const decline = "Decline / can't take it";
    expect(
      buttonTitles(renderAlertCard(buildAlertView(input('open', undefined, { withManager: true })))),
    ).toContain(decline);
    expect(buttonTitles(renderAlertCard(buildAlertView(input('open'))))).not.toContain(decline);
  });

  it('offers nothing on a resolved alert', () => {
    expect(
      buttonTitles(renderAlertCard(buildAlertView(input('resolved', undefined, { withManager: true })))),
    ).toEqual([]);
  });
});

/** The `until` choices of the card's Snooze (empty when Snooze is not offered). */
function snoozeChoices(i: AlertViewInput): string[] {
  let found: string[] = [];
  const visit = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    if (o.id === 'until' && Array.isArray(o.choices))
      found = (o.choices as { title: string }[]).map((c) => c.title);
    Object.values(o).forEach(visit);
  };
  visit(renderAlertCard(buildAlertView(i)));
  return found;
}
