// Imported (not read from disk) so `tsc -p tsconfig.build.json` emits it next to the compiled code,
// like the card templates (see src/cards/alert-card.ts).
import trainedModel from './model.json' with { type: 'json' };
import { cleanBody } from './clean.js';
import { categoryScale, extractFeatures, type Evidence } from './features.js';
import {
  BILLING_PHRASES,
  CANCELLATION_CUES,
  CHURN_PHRASES,
  COMPETITOR_RULE,
  ESCALATION_PHRASES,
  VENDOR_BILLING_PHRASES,
  LEGAL_PHRASES,
  LEGAL_THREAT_PHRASES,
  matchPhrases,
} from './phrases.js';
import { jointScorer, type SoftmaxModel } from './softmax.js';
import {
  SENTIMENT_BANDS,
  type Analysis,
  type Analyzer,
  type Category,
  type FlagName,
  type SentimentLabel,
  type TicketText,
} from './types.js';

export interface LocalModel {
  version: string;
  /** general sentiment: text without a subject line (chat, tweets) */
  sentiment: SoftmaxModel;
  /** sentiment of e-mail tickets (a subject line), trained with domain copies of the features */
  sentimentTicket?: SoftmaxModel;
  category: SoftmaxModel;
}

/** The local analyzer answers synchronously. */
export interface LocalAnalyzer extends Analyzer {
  analyze(ticket: TicketText): Analysis;
}

/**
 * The ticket model with its @t copies folded into the features they copy: a ticket's vector holds
 * `k` and `k@t` with the same value, so w(k) + w(k@t) scores it without building the copies (half
 * the lookups; the other domains' copies never occur in a ticket).
 */
export function foldTicketCopies(m: SoftmaxModel): SoftmaxModel {
  const weights: Record<string, number[]> = {};
  for (const [name, w] of Object.entries(m.weights)) {
    const at = name.lastIndexOf('@');
    const domain = at > 0 ? name.slice(at + 1) : '';
    if (domain && domain !== 't') continue;
    const base = domain ? name.slice(0, at) : name;
    const acc = (weights[base] ??= new Array<number>(w.length).fill(0));
    w.forEach((v, c) => (acc[c]! += v));
  }
  return { classes: m.classes, weights };
}

/** Version of the rules and feature code; the model file carries its own training version. */
const CODE_VERSION = '3';

function loadModel(): LocalModel {
  return trainedModel as unknown as LocalModel;
}

/** Sentiment score inside the label's band: more confident → further from neutral. */
export function sentimentScore(label: SentimentLabel, confidence: number): number {
  const [lo, hi] = SENTIMENT_BANDS[label];
  const c = Math.max(0, Math.min(1, confidence));
  if (label === 'positive') return Math.round(lo + (hi - lo) * c);
  if (label === 'neutral') return Math.round(52 + (c - 0.5) * 4);
  return Math.round(hi - (hi - lo) * c);
}

const FLAG_RULES: [FlagName, typeof LEGAL_PHRASES][] = [
  ['legal_language', LEGAL_PHRASES],
  ['churn_signal', CHURN_PHRASES],
  ['billing_keywords', BILLING_PHRASES],
  ['escalation_language', ESCALATION_PHRASES],
];

/** The topics a billing word is about the customer's account in (issue 17: the billing flag means
 * the text is about charges, invoices or payments, not "our POS can't take payments"). */
const BILLING_TOPICS: ReadonlySet<Category> = new Set([
  'billing_dispute',
  'refund_request',
  'pricing_objection',
  'downgrade',
  'cancellation_request',
  'legal_threat',
]);

/**
 * The four keyword flags, each with its matched phrases. With `topics` (the categories the ticket
 * was read as), a billing word counts only in a billing topic or in wording about the customer's
 * own account (VENDOR_BILLING_PHRASES).
 */
export function keywordFlags(lowerText: string, topics?: ReadonlySet<Category>): Analysis['flags'] {
  const flags: Analysis['flags'] = [];
  for (const [name, rules] of FLAG_RULES) {
    const matches = matchPhrases(lowerText, rules);
    if (!matches.length) continue;
    if (
      name === 'billing_keywords' &&
      topics &&
      ![...topics].some((t) => BILLING_TOPICS.has(t)) &&
      !matchPhrases(lowerText, VENDOR_BILLING_PHRASES).length
    )
      continue;
    flags.push({ name, matches });
  }
  return flags;
}

/** Legal threat, cancellation and competitor cues override the model, in that order; with the
 * phrases that decided. */
export function ruleCategory(lowerText: string): { category: Category; phrases: string[] } | null {
  const legal = matchPhrases(lowerText, LEGAL_THREAT_PHRASES);
  if (legal.length) return { category: 'legal_threat', phrases: legal };
  const cancel = matchPhrases(lowerText, CANCELLATION_CUES);
  if (cancel.length) return { category: 'cancellation_request', phrases: cancel };
  const competitor = COMPETITOR_RULE.exec(lowerText);
  if (competitor) return { category: 'competitor_mention', phrases: [competitor[0].trim()] };
  return null;
}

/**
 * A category the classifier proposes stands only with evidence: at least one cue of that category
 * in the text and a probability of at least this much. Otherwise the next proposal with evidence
 * is taken, or `none` (issue 17: half the old risk predictions had no term of their category, and
 * those were right 7 % of the time). The threshold was chosen on the external dev splits.
 */
export const MIN_EVIDENCED_CONFIDENCE = 0.3;

/** Which intensity families speak for each sentiment label, most telling first. */
const WHY_FAMILIES: Record<SentimentLabel, string[]> = {
  hostile: ['insult', 'threat', 'anger', 'sarcasm', 'repetition'],
  distressed: ['urgency', 'stakes', 'threat', 'repetition'],
  frustrated: ['repetition', 'sarcasm', 'anger', 'urgency'],
  neutral: [],
  positive: ['praise'],
};
const MAX_WHY = 4;

/** The phrases that decided the sentiment: the label's cue families, then lexicon words. */
function sentimentWhy(label: SentimentLabel, ev: Evidence): string[] {
  const out: string[] = [];
  const push = (p: string) => {
    if (out.length < MAX_WHY && !out.some((o) => o.includes(p) || p.includes(o))) out.push(p);
  };
  for (const fam of WHY_FAMILIES[label]) for (const p of ev.intensity.found.get(fam) ?? []) push(p);
  if (label === 'positive') for (const w of ev.positiveWords) push(w);
  else if (label !== 'neutral') for (const w of ev.negativeWords) push(w);
  return out;
}

/**
 * The default, offline analyzer: `natural` tokens and stems, AFINN lexicon features and two small
 * sparse classifiers trained on datasets/support-tickets (+ GoEmotions for sentiment), with rules for
 * the categories where a rule is more trustworthy than a model. Pure and deterministic.
 */
export function createLocalAnalyzer(
  model: LocalModel = loadModel(),
  opts: { minEvidencedConfidence?: number } = {},
): LocalAnalyzer {
  const minEvidenced = opts.minEvidencedConfidence ?? MIN_EVIDENCED_CONFIDENCE;
  const scorer = jointScorer(model.sentiment, model.category, (k) => categoryScale(k));
  const ticketScorer = model.sentimentTicket
    ? jointScorer(foldTicketCopies(model.sentimentTicket), model.category, (k) => categoryScale(k))
    : null;
  return {
    name: 'local',
    version: `${CODE_VERSION}.${model.version}`,
    analyze(ticket) {
      const subject = ticket.subject ?? '';
      const body = cleanBody(ticket.body ?? '');
      const seen: { evidence?: Evidence } = {};
      // An e-mail ticket (a subject line) is read by the ticket model, on features with their
      // ticket copies; the category model has no weights for the copies.
      const asTicket = ticketScorer !== null && subject.trim() !== '';
      const x = extractFeatures(subject, body, seen);
      const ev = seen.evidence!;
      const lower = ev.lower;

      // Sentiment reads every feature, category its view of them (categoryView), in one pass.
      const [sp, cp] = (asTicket ? ticketScorer! : scorer).score(x);
      const si = sp.indexOf(Math.max(...sp));
      const label = model.sentiment.classes[si] as SentimentLabel;

      const ranked = model.category.classes
        .map((c, i) => ({ category: c as Category, confidence: cp[i]! }))
        .sort((a, b) => b.confidence - a.confidence);
      const ruled = ruleCategory(lower);
      const none = ranked.find((r) => r.category === 'none')!;
      let primary =
        ranked.find(
          (r) => r.category === 'none' || (ev.category.has(r.category) && r.confidence >= minEvidenced),
        ) ?? none;
      let categoryWhy = primary.category === 'none' ? [] : (ev.category.get(primary.category) ?? []);
      if (ruled) {
        const modelP = ranked.find((r) => r.category === ruled.category)?.confidence ?? 0;
        primary = { category: ruled.category, confidence: Math.max(0.9, modelP) };
        categoryWhy = ruled.phrases;
      }
      const secondary = ranked
        .filter((r) => r.category !== primary.category && r.category !== 'none' && r.confidence >= 0.15)
        .slice(0, 2)
        .map((r) => ({ category: r.category, confidence: round(r.confidence) }));
      return {
        sentiment: { label, score: sentimentScore(label, sp[si]!) },
        category: { primary: primary.category, confidence: round(primary.confidence), secondary },
        flags: keywordFlags(lower, new Set([primary.category, ...secondary.map((r) => r.category)])),
        explanation: {
          sentiment: sentimentWhy(label, ev),
          category: categoryWhy.slice(0, MAX_WHY),
        },
      };
    },
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
