/**
 * Cards offer only what they accept (issue 19 item 7): a snoozed alert's card has no
 * Acknowledge (the engine refuses it), and the Snooze button names the workspace's real snooze
 * length instead of a fixed "24h".
 */
import { describe, expect, it } from '@jest/globals';
import { buildAlertView, type AlertViewInput } from '../../../src/cards/build-view.js';
import { renderAlertCard } from '../../../src/cards/alert-card.js';
import type { Alert, AlertStatus } from '../../../src/engine/types.js';

function input(status: AlertStatus, snooze?: string): AlertViewInput {
  const now = new Date('2026-11-24T09:00:00Z');
  const alert: Alert = {
    id: '7d0f1a52-4c1e-4d8e-9a43-2f5b7c9e1a10',
    workspaceId: 'w',
    customerId: 'c',
    type: 'usage_threshold',
    dedupKey: 'k',
    status,
    assigneeId: null,
    facts: { used: 91, limit: 100, metric: 'seats', percent: 91 },
    escalation: [
      { role: 'csm', afterMs: 0 },
      { role: 'csm_manager', afterMs: 86_400_000 },
    ],
    step: 0,
    token: 1,
    version: 3,
    chainStartedAt: now,
    pausedAt: status === 'open' ? null : now,
    pausedTotalMs: 0,
    nextActionAt: new Date(now.getTime() + 60_000),
    nextActionKind: status === 'open' ? 'escalate' : 'resume',
    resolvedAt: null,
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
    assignee: null,
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

  it("labels Snooze with the workspace's snooze length", () => {
    expect(buttonTitles(renderAlertCard(buildAlertView(input('open', '1m'))))).toContain('Snooze 1m');
    const dflt = buttonTitles(renderAlertCard(buildAlertView(input('open'))));
    expect(dflt).toContain('Snooze 24h');
    expect(dflt).not.toContain('Snooze 1m');
  });
});
