/**
 * `npm run eval`: scores the local analyzer on the held-out split of datasets/support-tickets (never
 * read by training) and on the GoEmotions test split, next to natural's bare AFINN
 * SentimentAnalyzer mapped to the five labels, in the same run.
 *
 * The baseline's four cut-points (average AFINN valence → label) are fitted on the train split, so
 * it gets the same chance our model gets; nothing here is fitted on a test split.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalAnalyzer } from '../src/engine/analysis/local.js';
import { bareAfinn } from '../src/engine/analysis/afinn-baseline.js';
import { cleanBody } from '../src/engine/analysis/clean.js';
import { CATEGORIES, FLAG_NAMES, SENTIMENTS } from '../src/engine/analysis/types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readJsonl = <T>(p: string): T[] =>
  readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

interface Labelled {
  id: string;
  subject: string;
  body: string;
  sentiment: string;
  category: string;
  flags: string[];
}

interface Report {
  accuracy: number;
  macroF1: number;
  perClass: { label: string; p: number; r: number; f1: number; n: number }[];
  confusion: number[][];
}

function score(labels: readonly string[], gold: string[], pred: string[]): Report {
  const idx = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  gold.forEach((g, i) => confusion[idx.get(g)!]![idx.get(pred[i]!)!]!++);
  const perClass = labels.map((label, i) => {
    const tp = confusion[i]![i]!;
    const n = confusion[i]!.reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[i]!, 0);
    const p = predicted ? tp / predicted : 0;
    const r = n ? tp / n : 0;
    return { label, p, r, f1: p + r ? (2 * p * r) / (p + r) : 0, n };
  });
  const present = perClass.filter((c) => c.n > 0);
  return {
    accuracy: gold.filter((g, i) => g === pred[i]).length / gold.length,
    macroF1: present.reduce((a, c) => a + c.f1, 0) / present.length,
    perClass,
    confusion,
  };
}

const f = (n: number) => n.toFixed(3);
function print(title: string, labels: readonly string[], rep: Report): void {
  console.log(`\n## ${title}`);
  console.log(`accuracy ${f(rep.accuracy)}   macro-F1 ${f(rep.macroF1)}`);
  console.log('class'.padEnd(22) + 'prec   rec    F1     n');
  for (const c of rep.perClass) console.log(`${c.label.padEnd(22)}${f(c.p)}  ${f(c.r)}  ${f(c.f1)}  ${c.n}`);
  const short = labels.map((l) => l.slice(0, 6).padStart(7));
  console.log('confusion (rows gold, columns predicted)');
  console.log(''.padEnd(22) + short.join(''));
  rep.confusion.forEach((row, i) =>
    console.log(labels[i]!.padEnd(22) + row.map((v) => String(v).padStart(7)).join('')),
  );
}

/** Bare AFINN average valence → five labels through four ordered cut-points. */
const ORDER = ['hostile', 'distressed', 'frustrated', 'neutral', 'positive'] as const;
const mapAfinn = (s: number, cuts: number[]) =>
  ORDER[cuts.findIndex((c) => s <= c) === -1 ? 4 : cuts.findIndex((c) => s <= c)]!;
function fitCuts(values: number[], gold: string[]): number[] {
  let cuts = [-0.6, -0.3, -0.1, 0.1];
  const acc = (cs: number[]) => values.filter((v, i) => mapAfinn(v, cs) === gold[i]).length;
  const grid = Array.from({ length: 61 }, (_, i) => -1.5 + i * 0.05);
  for (let round = 0; round < 3; round++)
    for (let k = 0; k < 4; k++) {
      let best = cuts;
      for (const g of grid) {
        const c = [...cuts];
        c[k] = g;
        if (c.some((v, i) => i > 0 && v < c[i - 1]!)) continue;
        if (acc(c) > acc(best)) best = c;
      }
      cuts = best;
    }
  return cuts;
}

const analyzer = createLocalAnalyzer();
const train = readJsonl<Labelled>(join(root, 'datasets', 'support-tickets', 'train.jsonl'));
const test = readJsonl<Labelled>(join(root, 'datasets', 'support-tickets', 'test.jsonl'));
const afinnText = (t: { subject: string; body: string }) => `${t.subject}. ${cleanBody(t.body)}`;
const cuts = fitCuts(
  train.map((t) => bareAfinn(afinnText(t))),
  train.map((t) => t.sentiment),
);

console.log(`# Support-ticket analyzer evaluation (${analyzer.name} ${analyzer.version})`);
console.log(`held-out test split: ${test.length} tickets (train split: ${train.length}, never scored here)`);
const results = test.map((t) => analyzer.analyze(t));
const sent = score(
  SENTIMENTS,
  test.map((t) => t.sentiment),
  results.map((r) => r.sentiment.label),
);
const base = score(
  SENTIMENTS,
  test.map((t) => t.sentiment),
  test.map((t) => mapAfinn(bareAfinn(afinnText(t)), cuts)),
);
print('Sentiment — local analyzer (held-out)', SENTIMENTS, sent);
print(
  `Sentiment — baseline: natural AFINN SentimentAnalyzer, cut-points ${cuts.map((c) => c.toFixed(2)).join('/')} fitted on train`,
  SENTIMENTS,
  base,
);
const cat = score(
  CATEGORIES,
  test.map((t) => t.category),
  results.map((r) => r.category.primary),
);
print('Category — local analyzer (held-out)', CATEGORIES, cat);
console.log('(the lexicon baseline scores sentiment only; it has no category output)');

console.log('\n## Keyword flags (held-out)');
console.log('flag'.padEnd(22) + 'prec   rec    predicted  gold');
const flagPrecision: Record<string, number> = {};
for (const name of FLAG_NAMES) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  test.forEach((t, i) => {
    const p = results[i]!.flags.some((fl) => fl.name === name);
    const g = t.flags.includes(name);
    if (p && g) tp++;
    else if (p) {
      fp++;
      if (process.argv.includes('--verbose'))
        console.log(`  false ${name}: ${t.id} ${JSON.stringify(results[i]!.flags)}`);
    } else if (g) fn++;
  });
  flagPrecision[name] = tp + fp ? tp / (tp + fp) : 1;
  console.log(
    `${name.padEnd(22)}${f(flagPrecision[name])}  ${f(tp + fn ? tp / (tp + fn) : 1)}  ${String(tp + fp).padStart(9)}  ${String(tp + fn).padStart(4)}`,
  );
}

const ge = readJsonl<{ text: string; label: string }>(
  join(root, '..', 'shared', 'datasets', 'goemotions', 'test.jsonl'),
);
const geOurs = score(
  SENTIMENTS,
  ge.map((r) => r.label),
  ge.map((r) => analyzer.analyze({ subject: '', body: r.text }).sentiment.label),
);
const geBase = score(
  SENTIMENTS,
  ge.map((r) => r.label),
  ge.map((r) => mapAfinn(bareAfinn(r.text), cuts)),
);
print(`GoEmotions test (${ge.length} Reddit comments, off-domain) — local analyzer`, SENTIMENTS, geOurs);
print('GoEmotions test — baseline (same cut-points)', SENTIMENTS, geBase);

const minFlag = Math.min(...Object.values(flagPrecision));
const rows: [string, number, number | null, number][] = [
  ['ticket sentiment accuracy', sent.accuracy, base.accuracy, 0.8],
  ['ticket sentiment macro-F1', sent.macroF1, base.macroF1, 0],
  ['ticket category macro-F1', cat.macroF1, null, 0.8],
  ['lowest flag precision', minFlag, null, 0.9],
  ['GoEmotions 5-label macro-F1', geOurs.macroF1, geBase.macroF1, 0.5],
];
console.log('\n## Headline (target; baseline)');
let ok = true;
for (const [name, v, b, target] of rows) {
  const pass = v >= target && (b === null || v > b);
  ok &&= pass;
  console.log(
    `${name.padEnd(30)}${f(v)}  target ${target ? f(target) : '  -  '}  baseline ${b === null ? '  n/a' : f(b)}  ${pass ? 'PASS' : 'FAIL'}`,
  );
}
process.exitCode = ok ? 0 : 1;
