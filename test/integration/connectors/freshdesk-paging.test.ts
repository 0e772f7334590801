/**
 * Freshdesk serves at most 300 pages of 100 per list query: past 30,000 changed tickets the
 * connector restarts at page 1 from the last ticket's updated_at (QUIRKS.md). Driven through the
 * platform and the runtime's HTTP client against the fake, which refuses page 301 as Freshdesk does.
 */
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { freshdesk, FRESHDESK_PAGE_LIMIT } from '../../../src/connectors/freshdesk/index.js';
import { contextFor } from '../../../src/connectors/runtime/sync.js';
import type { Cursor } from '../../../src/connectors/types.js';
import { FakeFreshdesk } from '../../fakes/helpdesks/freshdesk.js';
import { seedTickets } from '../../fakes/helpdesks/common.js';
import { configureEgress } from '../../../src/connectors/runtime/egress.js';

// The fake listens on loopback, which connectors refuse unless allowed (as FINCELO_CONNECTOR_ALLOW_HOSTS does).
configureEgress({ allowHosts: ['127.0.0.1', 'localhost'] });

const fd = new FakeFreshdesk();
beforeAll(async () => {
  await fd.start();
});
afterAll(() => fd.stop());

async function drain(since: Date) {
  const ctx = contextFor(freshdesk, fd.credentials(), fd.url, new Date());
  const seen = new Map<string, number>();
  let cursor: Cursor | null = null;
  let pages = 0;
  for (;;) {
    const page = await freshdesk.fetchPage(ctx, cursor, { since });
    pages++;
    for (const t of page.tickets) seen.set(t.externalId, (seen.get(t.externalId) ?? 0) + 1);
    cursor = page.cursor;
    if (page.done) break;
  }
  return { seen, pages };
}

it('pages past the 300-page limit by restarting from the last updated_at, with no gaps', async () => {
  const n = FRESHDESK_PAGE_LIMIT * 100 + 250;
  // Several tickets share each second, so the restart re-reads the boundary second.
  const seeds = seedTickets(n, { endAgoMs: 60 * 60_000 }).map((t, i) => ({
    ...t,
    updatedAt: new Date(Date.now() - 3 * 86_400_000 + Math.floor(i / 3) * 1000),
  }));
  fd.upsert(seeds);
  const { seen, pages } = await drain(new Date(Date.now() - 4 * 86_400_000));
  expect(seen.size).toBe(n);
  for (let id = 1; id <= n; id++) expect(seen.has(String(id))).toBe(true);
  expect(pages).toBeGreaterThan(FRESHDESK_PAGE_LIMIT);
  // The fake answers page 301 with 400, as Freshdesk does: the connector never asked for it.
  expect(fd.server.calls.every((c) => Number(c.query.page) <= FRESHDESK_PAGE_LIMIT && c.status === 200)).toBe(
    true,
  );
  expect(fd.server.calls.every((c) => c.query.per_page === '100' && c.query.order_by === 'updated_at')).toBe(
    true,
  );
  // Only the boundary second's tickets come twice.
  expect([...seen.values()].filter((v) => v > 1).length).toBeLessThanOrEqual(3);
}, 120_000);
