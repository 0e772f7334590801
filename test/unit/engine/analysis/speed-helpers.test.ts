import { describe, expect, it } from '@jest/globals';
import { mayMatch, requiredLiterals } from '../../../../src/engine/analysis/nlp.js';
import { jointScorer, predictProba, type SoftmaxModel } from '../../../../src/engine/analysis/softmax.js';
import { categoryScale, categoryView } from '../../../../src/engine/analysis/features.js';
import { CATEGORY_TERMS } from '../../../../src/engine/analysis/category-lexicon.js';
import { LEGAL_PHRASES, CHURN_PHRASES } from '../../../../src/engine/analysis/phrases.js';

describe('requiredLiterals (the prefilter that skips expressions)', () => {
  it('finds the text every match contains', () => {
    expect(requiredLiterals('thanks?')).toEqual(['thank']);
    expect(requiredLiterals('keeps? happening')).toEqual([' happening']);
    expect(requiredLiterals('(?:lawyers?|attorneys?) (?:are|will)')).toEqual(['lawyer', 'attorney']);
    expect(requiredLiterals('(?<=\\b(?:to|will) )sue|suing')).toEqual(['sue', 'suing']);
    expect(requiredLiterals('f[u*]ck\\w*')).toEqual(['ck']);
  });

  it('says null when a match needs no fixed text', () => {
    expect(requiredLiterals('\\d+%?')).toBeNull();
    expect(requiredLiterals('a|[xy]')).toBeNull();
    expect(requiredLiterals('a|[xy]z')).toEqual(['a', 'z']);
    expect(requiredLiterals('(?:extra)?\\s+')).toBeNull();
  });

  it('never skips an expression that matches', () => {
    const texts = [
      'our lawyers say this is a breach of contract',
      'we will sue you and cancel our subscription',
      'switching to hubspot; evaluating other vendors',
      'I was double-charged, the fee shows up two times',
    ];
    const sources = [
      ...LEGAL_PHRASES.map((r) => r.pattern.source),
      ...CHURN_PHRASES.map((r) => r.pattern.source),
      ...Object.values(CATEGORY_TERMS).flat(),
    ];
    for (const src of sources)
      for (const t of texts)
        if (new RegExp(src).test(t)) expect(mayMatch(t, requiredLiterals(src))).toBe(true);
  });
});

describe('jointScorer', () => {
  it('gives exactly the probabilities of predictProba on the full vector and on its category view', () => {
    const a: SoftmaxModel = {
      classes: ['x', 'y'],
      weights: { 'u:a': [0.5, -1], 'b:a_b': [2, 0.1], bias: [0.1, 0] },
    };
    const b: SoftmaxModel = {
      classes: ['p', 'q', 'r'],
      weights: { 'u:a': [1, 2, 3], 'cat:p': [0.3, 0, -0.2], bias: [0, 0.5, 0] },
    };
    const x = new Map([
      ['u:a', 1],
      ['b:a_b', 1],
      ['cat:p', 2],
      ['bias', 1],
      ['u:zz', 1],
    ]);
    const [pa, pb] = jointScorer(a, b, (k) => categoryScale(k)).score(x);
    expect(pa).toEqual(predictProba(a, x));
    expect(pb).toEqual(predictProba(b, categoryView(x)));
  });
});
