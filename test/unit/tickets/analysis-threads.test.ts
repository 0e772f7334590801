/**
 * The analyzer on worker threads (issue 18): a page of tickets is scored on another thread with
 * the same results as the main thread's analyzer, and the thread really starts — from the
 * TypeScript sources too (tests, `npm run bench`), where it registers tsx itself. A thread that
 * cannot start falls back to the main thread silently except for a warning, which is what hid a
 * broken thread before: the warning is asserted absent.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { createLocalAnalyzer } from '../../../src/engine/analysis/local.js';
import { threadedAnalyzer } from '../../../src/tickets/analysis-threads.js';

const local = createLocalAnalyzer();
const warnings: string[] = [];
const threaded = threadedAnalyzer(local, {
  threads: 1,
  log: { warn: (o: object, m?: string) => warnings.push(`${m}: ${String((o as { err?: unknown }).err)}`) },
});
afterAll(() => threaded.close());

const tickets = Array.from({ length: 200 }, (_, i) => ({
  id: `t-${i}`,
  subject: i % 3 ? `Invoice INV-${i} charged twice` : 'Dashboard export fails again',
  body:
    i % 2
      ? `This is the third time this month!! Refund the duplicate charge of $${i}.00 or we cancel.`
      : `Hi team, quick question about exporting report ${i} to CSV. Thanks a lot!`,
}));

describe('threaded analyzer', () => {
  it('scores a page on a worker thread with the same results as in-thread', async () => {
    const out = await Promise.all(tickets.map((t) => threaded.analyze(t)));
    expect(warnings).toEqual([]);
    expect(out).toEqual(tickets.map((t) => local.analyze(t)));
    expect(new Set(out.map((a) => a.sentiment.label)).size).toBeGreaterThan(1);
  });

  it('scores a small batch (a webhook ticket) in-thread, same result', async () => {
    expect(await threaded.analyze(tickets[1]!)).toEqual(local.analyze(tickets[1]!));
    expect(warnings).toEqual([]);
  });
});
