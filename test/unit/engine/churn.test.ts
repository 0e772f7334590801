import { describe, expect, it } from '@jest/globals';
import { CHURN_WEIGHTS, churnBand, computeChurnRisk } from '../../../src/engine/churn.js';

describe('churn risk', () => {
  it('weights add up to 100 and a quiet customer scores 0', () => {
    expect(Object.values(CHURN_WEIGHTS).reduce((a, b) => a + b, 0)).toBe(100);
    const r = computeChurnRisk({ tickets: [], usage: [], overdue: [] });
    expect(r.score).toBe(0);
    expect(r.factors.map((f) => f.name)).toEqual([
      'ticketSentiment',
      'ticketCategories',
      'usageTrend',
      'overdueInvoices',
    ]);
  });

  it('explains each factor and sums the points', () => {
    const r = computeChurnRisk({
      tickets: [
        { sentiment: 'hostile', category: 'cancellation_request' },
        { sentiment: 'frustrated', category: 'product_bug' },
      ],
      usage: [80, 80, 40, 40],
      overdue: [{ amount: 1200, days: 30 }],
    });
    const by = Object.fromEntries(r.factors.map((f) => [f.name, f]));
    expect(by.ticketCategories!.points).toBe(30);
    expect(by.usageTrend!.points).toBe(20); // a 50% fall is the maximum
    expect(by.usageTrend!.detail).toContain('down 50%');
    expect(by.overdueInvoices!.detail).toContain('1 overdue invoice(s), 1200.00 total, oldest 30 days');
    expect(r.score).toBe(Math.round(r.factors.reduce((a, f) => a + f.points, 0)));
    expect(churnBand(r.score)).toBe('high');
  });

  it('does not count growing usage as risk', () => {
    const r = computeChurnRisk({ tickets: [], usage: [40, 50, 80, 90], overdue: [] });
    expect(r.factors.find((f) => f.name === 'usageTrend')!.points).toBe(0);
  });
});
