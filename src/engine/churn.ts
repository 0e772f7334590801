import type { Category, SentimentLabel } from './analysis/types.js';

/**
 * Churn risk per customer, 0–100, as a sum of explainable factors. Each factor has a weight (its
 * maximum points) and a value between 0 and 1; points = weight × value. The weights add up to 100.
 */
export const CHURN_WEIGHTS = {
  ticketSentiment: 30,
  ticketCategories: 30,
  usageTrend: 20,
  overdueInvoices: 20,
} as const;

export type ChurnFactorName = keyof typeof CHURN_WEIGHTS;

export interface ChurnFactor {
  name: ChurnFactorName;
  weight: number;
  /** 0…1 share of the weight this factor contributes. */
  value: number;
  points: number;
  /** Why, in words a CSM reads. */
  detail: string;
}

export interface ChurnInputs {
  /** Analyses of the customer's tickets in the look-back window (30 days). */
  tickets: { sentiment: SentimentLabel; category: Category }[];
  /** Usage percentages (used/limit × 100), oldest first, in the look-back window. */
  usage: number[];
  /** Open invoices past due. */
  overdue: { amount: number; days: number }[];
}

const SENTIMENT_RISK: Record<SentimentLabel, number> = {
  hostile: 1,
  distressed: 0.8,
  frustrated: 0.5,
  neutral: 0,
  positive: 0,
};

const CATEGORY_RISK: Partial<Record<Category, number>> = {
  cancellation_request: 1,
  legal_threat: 0.9,
  competitor_mention: 0.7,
  downgrade: 0.6,
  executive_escalation: 0.5,
  pricing_objection: 0.4,
  security_concern: 0.4,
  refund_request: 0.3,
  billing_dispute: 0.3,
  service_outage: 0.3,
  product_bug: 0.1,
};

export function computeChurnRisk(input: ChurnInputs): { score: number; factors: ChurnFactor[] } {
  const factors: ChurnFactor[] = [];
  const push = (name: ChurnFactorName, value: number, detail: string) => {
    const v = Math.max(0, Math.min(1, value));
    factors.push({
      name,
      weight: CHURN_WEIGHTS[name],
      value: round2(v),
      points: round1(CHURN_WEIGHTS[name] * v),
      detail,
    });
  };

  // Worst ticket counts most; more negative tickets push it towards the maximum.
  const sent = input.tickets.map((t) => SENTIMENT_RISK[t.sentiment]);
  const negative = sent.filter((v) => v > 0).length;
  const worst = Math.max(0, ...sent);
  push(
    'ticketSentiment',
    worst * (0.7 + 0.3 * Math.min(1, negative / 3)),
    input.tickets.length
      ? `${negative} of ${input.tickets.length} recent tickets negative`
      : 'no recent tickets',
  );

  const cats = input.tickets.map((t) => ({ c: t.category, r: CATEGORY_RISK[t.category] ?? 0 }));
  const top = cats.sort((a, b) => b.r - a.r)[0];
  push(
    'ticketCategories',
    top?.r ?? 0,
    top && top.r > 0 ? `riskiest recent category: ${top.c.replace(/_/g, ' ')}` : 'no risky categories',
  );

  let trend = 0;
  let trendDetail = 'not enough usage data';
  if (input.usage.length >= 2) {
    const half = Math.floor(input.usage.length / 2);
    const older = avg(input.usage.slice(0, half));
    const recent = avg(input.usage.slice(half));
    const drop = older > 0 ? (older - recent) / older : 0;
    // A 50% fall in usage is the maximum; growth is no risk.
    trend = Math.max(0, drop / 0.5);
    trendDetail = `usage ${drop >= 0 ? 'down' : 'up'} ${Math.abs(Math.round(drop * 100))}% (${Math.round(older)}% → ${Math.round(recent)}% of limit)`;
  }
  push('usageTrend', trend, trendDetail);

  const worstDays = Math.max(0, ...input.overdue.map((o) => o.days));
  const total = input.overdue.reduce((a, o) => a + o.amount, 0);
  // 60 days overdue is the maximum.
  push(
    'overdueInvoices',
    input.overdue.length ? Math.min(1, 0.4 + worstDays / 100) : 0,
    input.overdue.length
      ? `${input.overdue.length} overdue invoice(s), ${total.toFixed(2)} total, oldest ${worstDays} days`
      : 'no overdue invoices',
  );

  const score = Math.round(factors.reduce((a, f) => a + f.points, 0));
  return { score: Math.max(0, Math.min(100, score)), factors };
}

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** "72/100 (high)" style label. */
export function churnBand(score: number): 'low' | 'medium' | 'high' {
  return score >= 60 ? 'high' : score >= 30 ? 'medium' : 'low';
}
