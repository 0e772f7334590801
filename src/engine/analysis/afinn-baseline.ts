import './quiet-dotenv.js';
import natural from 'natural';

/**
 * natural's bare AFINN SentimentAnalyzer, the lexicon baseline that `npm run eval` and the bench
 * compare the local analyzer with (not used by the product). Loads natural's whole index.
 */
const analyzer = new natural.SentimentAnalyzer('English', undefined, 'afinn');
const tokenizer = new natural.WordTokenizer();

/** Average AFINN valence of the words; natural flips every word after the first negation. */
export function bareAfinn(text: string): number {
  return analyzer.getSentiment(tokenizer.tokenize(text) ?? []);
}
