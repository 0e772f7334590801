/**
 * Worker-thread side of the threaded analyzer (analysis-threads.ts): scores batches of tickets
 * with the local analyzer, off the main event loop.
 */
import { parentPort } from 'node:worker_threads';
import { createLocalAnalyzer } from '../engine/analysis/local.js';
import type { TicketText } from '../engine/analysis/types.js';

const analyzer = createLocalAnalyzer();
parentPort!.on('message', (m: { id: number; tickets: TicketText[] }) => {
  try {
    parentPort!.postMessage({ id: m.id, analyses: m.tickets.map((t) => analyzer.analyze(t)) });
  } catch (err) {
    parentPort!.postMessage({ id: m.id, error: (err as Error)?.message ?? String(err) });
  }
});
