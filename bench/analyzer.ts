/**
 * Local analyzer throughput: tickets scored per second on one core (this benchmark runs in the
 * bench process, single-threaded), against natural's bare AFINN SentimentAnalyzer on the same
 * tickets in the same run. The local analyzer does more (HTML/quote/signature cleaning, two
 * classifiers, rules, four phrase lists), so the ratio says what that costs.
 */
import { readFileSync } from 'node:fs';
import { createLocalAnalyzer } from '../src/engine/analysis/local.js';
import { bareAfinn } from '../src/engine/analysis/afinn-baseline.js';
import type { BenchResult } from './lib.js';

function timeLoop(fn: () => void, minMs: number): { runs: number; ms: number } {
  let runs = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs) {
    fn();
    runs++;
  }
  return { runs, ms: performance.now() - t0 };
}

export async function runAnalyzerBench(): Promise<BenchResult> {
  const tickets = ['train', 'test'].flatMap((f) =>
    readFileSync(new URL(`../datasets/support-tickets/${f}.jsonl`, import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { subject: string; body: string }),
  );
  const analyzer = createLocalAnalyzer();
  // Warm-up (JIT, stem cache) for both, then timed passes over the whole set.
  for (const t of tickets) analyzer.analyze(t);
  for (const t of tickets) bareAfinn(`${t.subject}. ${t.body}`);
  const ours = timeLoop(() => {
    for (const t of tickets) analyzer.analyze(t);
  }, 3000);
  const base = timeLoop(() => {
    for (const t of tickets) bareAfinn(`${t.subject}. ${t.body}`);
  }, 3000);
  const oursRate = (ours.runs * tickets.length) / (ours.ms / 1000);
  const baseRate = (base.runs * tickets.length) / (base.ms / 1000);
  return {
    name: 'analyzer',
    figures: [
      {
        key: 'tickets_per_s',
        label: `local analyzer, tickets scored per second (one core, ${tickets.length} labelled tickets)`,
        value: Math.round(oursRate),
        unit: '/s',
        baseline: Math.round(baseRate),
        ratio: Math.round((oursRate / baseRate) * 1000) / 1000,
      },
    ],
    notes: [
      "baseline: natural's bare AFINN SentimentAnalyzer (tokenize + lexicon) on the same tickets, same run",
    ],
  };
}
