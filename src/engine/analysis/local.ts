// Imported (not read from disk) so `tsc -p tsconfig.build.json` emits it next to the compiled code,
// like the card templates (see src/cards/alert-card.ts).
import trainedModel from './model.json' with { type: 'json' };
import { cleanBody } from './clean.js';
import { categoryView, extractFeatures } from './features.js';
import {
  BILLING_PHRASES,
  CANCELLATION_CUES,
  CHURN_PHRASES,
  COMPETITOR_RULE,
  ESCALATION_PHRASES,
  LEGAL_PHRASES,
  matchPhrases,
} from './phrases.js';
import { predictProba, type SoftmaxModel } from './softmax.js';
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
  sentiment: SoftmaxModel;
  category: SoftmaxModel;
}

/** The local analyzer answers synchronously. */
export interface LocalAnalyzer extends Analyzer {
  analyze(ticket: TicketText): Analysis;
}

/** Version of the rules and feature code; the model file carries its own training version. */
const CODE_VERSION = '1';

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

/** The four keyword flags, each with its matched phrases. */
export function keywordFlags(lowerText: string): Analysis['flags'] {
  const flags: Analysis['flags'] = [];
  for (const [name, rules] of FLAG_RULES) {
    const matches = matchPhrases(lowerText, rules);
    if (matches.length) flags.push({ name, matches });
  }
  return flags;
}

/** Legal threat, cancellation and competitor cues override the model, in that order. */
export function ruleCategory(lowerText: string): Category | null {
  if (matchPhrases(lowerText, LEGAL_PHRASES).length) return 'legal_threat';
  if (matchPhrases(lowerText, CANCELLATION_CUES).length) return 'cancellation_request';
  if (COMPETITOR_RULE.test(lowerText)) return 'competitor_mention';
  return null;
}

/**
 * The default, offline analyzer: `natural` tokens and stems, AFINN lexicon features and two small
 * sparse classifiers trained on datasets/support-tickets (+ GoEmotions for sentiment), with rules for
 * the categories where a rule is more trustworthy than a model. Pure and deterministic.
 */
export function createLocalAnalyzer(model: LocalModel = loadModel()): LocalAnalyzer {
  return {
    name: 'local',
    version: `${CODE_VERSION}.${model.version}`,
    analyze(ticket) {
      const subject = ticket.subject ?? '';
      const body = cleanBody(ticket.body ?? '');
      const x = extractFeatures(subject, body);
      const lower = `${subject}\n${body}`.toLowerCase();

      const sp = predictProba(model.sentiment, x);
      const si = sp.indexOf(Math.max(...sp));
      const label = model.sentiment.classes[si] as SentimentLabel;

      const cp = predictProba(model.category, categoryView(x));
      const ranked = model.category.classes
        .map((c, i) => ({ category: c as Category, confidence: cp[i]! }))
        .sort((a, b) => b.confidence - a.confidence);
      const ruled = ruleCategory(lower);
      let primary = ranked[0]!;
      if (ruled && ruled !== primary.category) {
        const modelP = ranked.find((r) => r.category === ruled)?.confidence ?? 0;
        primary = { category: ruled, confidence: Math.max(0.9, modelP) };
      }
      const secondary = ranked
        .filter((r) => r.category !== primary.category && r.category !== 'none' && r.confidence >= 0.15)
        .slice(0, 2)
        .map((r) => ({ category: r.category, confidence: round(r.confidence) }));
      return {
        sentiment: { label, score: sentimentScore(label, sp[si]!) },
        category: { primary: primary.category, confidence: round(primary.confidence), secondary },
        flags: keywordFlags(lower),
      };
    },
  };
}

const round = (n: number) => Math.round(n * 1000) / 1000;
