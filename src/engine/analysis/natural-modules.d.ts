// Types for the two natural modules the analyzer imports directly (natural's index.d.ts types
// only the package root).
declare module 'natural/lib/natural/tokenizers/regexp_tokenizer.js' {
  interface WordPunctTokenizer {
    tokenize(text: string): string[];
  }
  const tokenizers: { WordPunctTokenizer: new () => WordPunctTokenizer };
  export default tokenizers;
}
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string };
  export default PorterStemmer;
}
