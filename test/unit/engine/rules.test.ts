import { describe, expect, it } from '@jest/globals';
import { collectionsDue, daysOverdue, evaluateUsage } from '../../../src/engine/rules.js';
import { DEFAULT_SETTINGS } from '../../../src/engine/settings.js';
import { stepDueAt } from '../../../src/engine/alerts.js';
import type { Tier } from '../../../src/engine/types.js';

describe('usage thresholds per tier', () => {
  it.each<[Tier, number, number, boolean, string]>([
    ['platinum', 84, 100, false, 'Expansion Opportunity'],
    ['platinum', 85, 100, true, 'Expansion Opportunity'],
    ['good', 80, 100, true, 'Expansion Opportunity'],
    ['good', 799, 1000, false, 'Expansion Opportunity'],
    ['average', 75, 100, true, 'Heads Up'],
    ['poor', 70, 100, true, 'Risk Alert'],
    ['critical', 69, 100, false, 'Risk Alert'],
  ])('%s at %d/%d → crossed=%s (%s)', (tier, used, limit, crossed, label) => {
    const r = evaluateUsage(DEFAULT_SETTINGS, { tier }, { used, limit });
    expect(r.crossed).toBe(crossed);
    expect(r.framing.label).toBe(label);
  });
  it('never alerts on a zero limit', () => {
    expect(evaluateUsage(DEFAULT_SETTINGS, { tier: 'poor' }, { used: 5, limit: 0 }).crossed).toBe(false);
  });
});

describe('collections rule', () => {
  const now = new Date('2026-11-23T12:00:00Z');
  const inv = {
    externalId: 'I1',
    amount: 10,
    currency: 'USD',
    dueDate: '2026-11-09',
    status: 'open' as const,
    lastCustomerResponseAt: null,
  };
  it('counts whole days overdue', () => {
    expect(daysOverdue('2026-11-09', now)).toBe(14);
    expect(daysOverdue('2026-11-30', now)).toBe(0);
  });
  it('is due at 14 days with no response since dunning began', () => {
    expect(collectionsDue(DEFAULT_SETTINGS, inv, now).due).toBe(true);
    expect(collectionsDue(DEFAULT_SETTINGS, { ...inv, dueDate: '2026-11-10' }, now).due).toBe(false);
  });
  it('is not due once the customer answered after dunning began, but an older reply does not count', () => {
    expect(
      collectionsDue(
        DEFAULT_SETTINGS,
        { ...inv, lastCustomerResponseAt: new Date('2026-11-15T00:00:00Z') },
        now,
      ).due,
    ).toBe(false);
    expect(
      collectionsDue(
        DEFAULT_SETTINGS,
        { ...inv, lastCustomerResponseAt: new Date('2026-10-01T00:00:00Z') },
        now,
      ).due,
    ).toBe(true);
  });
  it('is never due for a paid invoice', () => {
    expect(collectionsDue(DEFAULT_SETTINGS, { ...inv, status: 'paid' }, now).due).toBe(false);
  });
});

describe('escalation timing', () => {
  it('counts delays from the chain start plus paused time', () => {
    const alert = {
      escalation: [
        { role: 'csm' as const, afterMs: 0 },
        { role: 'csm_manager' as const, afterMs: 86_400_000 },
      ],
      chainStartedAt: new Date('2026-11-23T00:00:00Z'),
      pausedTotalMs: 3_600_000,
    };
    expect(stepDueAt(alert, 1)!.toISOString()).toBe('2026-11-24T01:00:00.000Z');
    expect(stepDueAt(alert, 2)).toBeNull();
  });
});
