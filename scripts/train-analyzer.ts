/**
 * Trains the local analyzer's two classifiers and writes src/engine/analysis/model.json,
 * deterministically (fixed seed, sorted output): `npx tsx scripts/train-analyzer.ts`.
 *
 * - sentiment: our labelled tickets (train split only) + GoEmotions train (Apache-2.0, mapped to the
 *   five labels upstream), class-balanced per source, tickets weighted up because they are in-domain;
 * - category: our labelled tickets (train split only).
 * The test split (datasets/support-tickets/test.jsonl) and GoEmotions test are never read here.
 * `--dev` instead trains without a quarter of the train split's fragments and prints scores on it
 * (the tuning set), so nothing is tuned on the test split.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { categoryView, extractFeatures } from '../src/engine/analysis/features.js';
import { trainSoftmax, type SoftmaxModel } from '../src/engine/analysis/softmax.js';
import { CATEGORIES, SENTIMENTS } from '../src/engine/analysis/types.js';
import { createLocalAnalyzer, type LocalModel } from '../src/engine/analysis/local.js';
import { cleanBody } from '../src/engine/analysis/clean.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MODEL_VERSION = '2025.11.1';

interface Labelled {
  id: string;
  subject: string;
  body: string;
  sentiment: string;
  category: string;
}

const readJsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

const TICKET_WEIGHT = 6;
const GOEMO_WEIGHT = 1;

function balanced<T>(rows: T[], label: (r: T) => string, total: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(label(r), (counts.get(label(r)) ?? 0) + 1);
  const w = new Map<string, number>();
  for (const [k, c] of counts) w.set(k, total * (rows.length / (counts.size * c)));
  return w;
}

export function train(tickets: Labelled[]): LocalModel {
  const goemo = readJsonl<{ text: string; label: string }>(
    join(root, '..', 'shared', 'datasets', 'goemotions', 'train.jsonl'),
  );
  const gw = balanced(goemo, (r) => r.label, GOEMO_WEIGHT);
  const tw = balanced(tickets, (r) => r.sentiment, TICKET_WEIGHT);
  const sentEx = [
    ...goemo.map((r) => ({
      x: extractFeatures('', r.text),
      y: SENTIMENTS.indexOf(r.label as never),
      weight: gw.get(r.label)!,
    })),
    ...tickets.map((t) => ({
      x: extractFeatures(t.subject, cleanBody(t.body)),
      y: SENTIMENTS.indexOf(t.sentiment as never),
      weight: tw.get(t.sentiment)!,
    })),
  ];
  const sentiment: SoftmaxModel = trainSoftmax([...SENTIMENTS], sentEx, {
    epochs: 8,
    learningRate: 0.1,
    l2: 1e-5,
    seed: 7,
    minCount: 3,
  });
  const cw = balanced(tickets, (r) => r.category, 1);
  const category = trainSoftmax(
    [...CATEGORIES],
    tickets.map((t) => ({
      x: categoryView(extractFeatures(t.subject, cleanBody(t.body))),
      y: CATEGORIES.indexOf(t.category as never),
      weight: cw.get(t.category)!,
    })),
    { epochs: 30, learningRate: 0.2, l2: 1e-4, seed: 11, minCount: 1 },
  );
  return { version: MODEL_VERSION, sentiment, category };
}

const ticketsTrain = readJsonl<Labelled>(join(root, 'datasets', 'support-tickets', 'train.jsonl'));
const started = Date.now();
if (process.argv.includes('--dev')) {
  // Tuning split: every fourth fragment of the train split (ids come in threes per fragment).
  const core = (t: Labelled) => Math.floor((Number(t.id.slice(2)) - 1) / 3);
  const isDev = (t: Labelled) => core(t) % 4 === 2;
  const model = train(ticketsTrain.filter((t) => !isDev(t)));
  const a = createLocalAnalyzer(model);
  const dev = ticketsTrain.filter(isDev);
  let s = 0;
  let c = 0;
  for (const t of dev) {
    const r = a.analyze(t);
    if (r.sentiment.label === t.sentiment) s++;
    else console.log('S', t.id, t.sentiment, '→', r.sentiment.label);
    if (r.category.primary === t.category) c++;
    else console.log('C', t.id, t.category, '→', r.category.primary);
  }
  console.log(
    `dev n=${dev.length} sentiment acc ${(s / dev.length).toFixed(3)} category acc ${(c / dev.length).toFixed(3)}`,
  );
  const ge = readJsonl<{ text: string; label: string }>(
    join(root, '..', 'shared', 'datasets', 'goemotions', 'dev.jsonl'),
  );
  const per = new Map<string, [number, number, number]>();
  for (const l of SENTIMENTS) per.set(l, [0, 0, 0]);
  for (const r of ge) {
    const p = a.analyze({ subject: '', body: r.text }).sentiment.label;
    if (p === r.label) per.get(p)![0]++;
    else {
      per.get(p)![1]++;
      per.get(r.label)![2]++;
    }
  }
  let f1 = 0;
  for (const [, [tp, fp, fn]] of per) f1 += tp ? (2 * tp) / (2 * tp + fp + fn) : 0;
  console.log(`goemotions dev macro-F1 ${(f1 / 5).toFixed(3)}`);
} else {
  const model = train(ticketsTrain);
  writeFileSync(join(root, 'src', 'engine', 'analysis', 'model.json'), JSON.stringify(model) + '\n');
  console.log(
    `trained on ${ticketsTrain.length} tickets in ${Date.now() - started} ms; ` +
      `${Object.keys(model.sentiment.weights).length} sentiment / ${Object.keys(model.category.weights).length} category features`,
  );
}
