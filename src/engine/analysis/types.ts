/** Ticket scoring shared by the local analyzer and the optional LLM analyzer. */

export const SENTIMENTS = ['hostile', 'distressed', 'frustrated', 'neutral', 'positive'] as const;
export type SentimentLabel = (typeof SENTIMENTS)[number];

export const CATEGORIES = [
  'billing_dispute',
  'cancellation_request',
  'legal_threat',
  'competitor_mention',
  'product_bug',
  'service_outage',
  'security_concern',
  'refund_request',
  'downgrade',
  'pricing_objection',
  'executive_escalation',
  'none',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const FLAG_NAMES = [
  'legal_language',
  'churn_signal',
  'billing_keywords',
  'escalation_language',
] as const;
export type FlagName = (typeof FLAG_NAMES)[number];

/** What an analyzer reads: a ticket's subject and plain-text (or HTML) body. */
export interface TicketText {
  id?: string;
  subject: string;
  body: string;
}

export interface Analysis {
  sentiment: {
    label: SentimentLabel;
    /** 0 most negative, 50 neutral, 100 most positive; always inside the label's band. */
    score: number;
  };
  category: {
    primary: Category;
    confidence: number;
    /** Other likely categories, most likely first. */
    secondary: { category: Category; confidence: number }[];
  };
  /** Keyword flags with the phrases that matched, so a person can see why. */
  flags: { name: FlagName; matches: string[] }[];
  /** The phrases of the ticket that decided the sentiment and the category (shown as "why: …"). */
  explanation?: Explanation;
}

export interface Explanation {
  sentiment: string[];
  category: string[];
}

/** A scorer of tickets; `name` + `version` are recorded with every stored analysis. */
export interface Analyzer {
  readonly name: string;
  readonly version: string;
  analyze(ticket: TicketText): Analysis | Promise<Analysis>;
}

/** Score band per sentiment label: [low, high], 0 = most negative. */
export const SENTIMENT_BANDS: Record<SentimentLabel, [number, number]> = {
  hostile: [0, 19],
  distressed: [20, 34],
  frustrated: [35, 44],
  neutral: [45, 59],
  positive: [60, 100],
};

/** Human names for categories (cards, chat). */
export const CATEGORY_NAMES: Record<Category, string> = {
  billing_dispute: 'Billing dispute',
  cancellation_request: 'Cancellation request',
  legal_threat: 'Legal threat',
  competitor_mention: 'Competitor mention',
  product_bug: 'Product bug',
  service_outage: 'Service outage',
  security_concern: 'Security or data-privacy concern',
  refund_request: 'Refund request',
  downgrade: 'Downgrade or seat reduction',
  pricing_objection: 'Pricing objection',
  executive_escalation: 'Executive escalation',
  none: 'None',
};

export function isCategory(x: unknown): x is Category {
  return typeof x === 'string' && (CATEGORIES as readonly string[]).includes(x);
}
export function isSentiment(x: unknown): x is SentimentLabel {
  return typeof x === 'string' && (SENTIMENTS as readonly string[]).includes(x);
}
