/**
 * `connectors`: backfill of 20,000 tickets from the fake Zendesk (incremental cursor export,
 * 1,000 per page) through the shared sync runtime — fetch, map, store through the ticket
 * pipeline (with whatever subscribers the product registers), persist the cursor per page —
 * against fetching the same pages with no processing (HTTP + JSON parse) in the same run.
 */
import { zendesk } from '../src/connectors/zendesk/index.js';
import { PLATFORMS, platformFor } from '../src/connectors/registry.js';
import { createConnectorService } from '../src/connectors/service.js';
import { contextFor, runSync } from '../src/connectors/runtime/sync.js';
import type { ConnectorPlatform } from '../src/connectors/types.js';
import { createWorkspace } from '../src/store/workspaces.js';
import { createTicketPipeline } from '../src/tickets/pipeline.js';
import { FakeZendesk } from '../test/fakes/helpdesks/zendesk.js';
import { seedTickets } from '../test/fakes/helpdesks/common.js';
import { freshDatabase, ratio, secondsSince, startBenchApp, type BenchResult } from './lib.js';

const TICKETS = 20_000;

/** Pages through the export with the runtime's HTTP client only: no mapping, no storing. */
async function fetchOnly(fake: FakeZendesk): Promise<{ seconds: number; tickets: number }> {
  const ctx = contextFor(zendesk, fake.credentials(), fake.url, new Date());
  const t0 = process.hrtime.bigint();
  let cursor: string | null = null;
  let tickets = 0;
  for (;;) {
    const res = await ctx.http.request({
      method: 'GET',
      url: '/api/v2/incremental/tickets/cursor.json',
      query: cursor
        ? { cursor, include: 'users,organizations', per_page: 1000 }
        : { start_time: 0, include: 'users,organizations', per_page: 1000 },
    });
    const body = res.body as { tickets: unknown[]; after_cursor: string; end_of_stream: boolean };
    tickets += body.tickets.length;
    cursor = body.after_cursor;
    if (body.end_of_stream) break;
  }
  return { seconds: secondsSince(t0), tickets };
}

export async function runConnectors(): Promise<BenchResult> {
  const db = await freshDatabase('connectors');
  const notes: string[] = [`database: ${db.where}`];
  const fake = await new FakeZendesk().start();
  let bench: Awaited<ReturnType<typeof startBenchApp>> | undefined;
  try {
    fake.upsert(seedTickets(TICKETS, { endAgoMs: 60 * 60_000 }));
    // The fake Zendesk listens on the loopback, which the connector egress policy refuses by default.
    bench = await startBenchApp({ FINCELO_CONNECTOR_ALLOW_HOSTS: '127.0.0.1,localhost', ...db.env });
    const { app } = bench;
    const ws = await createWorkspace(app.database.db, { name: 'bench connectors' });
    const service = createConnectorService({
      pool: app.database.pool,
      cipher: app.cipher,
      tickets: app.tickets,
      platform: platformFor,
      platforms: () => Object.values(PLATFORMS) as ConnectorPlatform[],
      enqueueSync: async () => undefined, // the bench runs the sync itself, timed
    });
    const connect = async () =>
      (
        await service.connect({
          workspaceId: ws.workspaceId,
          platform: 'zendesk',
          credentials: fake.credentials(),
          baseUrl: fake.url,
          syncMode: 'poll',
          publicUrl: app.url,
          startSync: false,
          options: { backfillDays: 30 },
        })
      ).id;
    const backfill = async (tickets: typeof app.tickets) => {
      const id = await connect();
      const t0 = process.hrtime.bigint();
      const out = await runSync(
        { pool: app.database.pool, cipher: app.cipher, tickets, platform: platformFor },
        id,
      );
      const seconds = secondsSince(t0);
      const stored = Number(
        (
          await app.database.pool.query('SELECT count(*)::int AS n FROM tickets WHERE connector_id = $1', [
            id,
          ])
        ).rows[0].n,
      );
      return { seconds, stored, pages: out.pages, result: out.result };
    };

    await fetchOnly(fake); // warm-up: connections, JIT
    const before = await fetchOnly(fake);
    // The product as it runs: the pipeline with every subscriber registered at start-up (analysis).
    const full = await backfill(app.tickets);
    // The connector runtime alone: the same pipeline's store, no subscribers.
    const bare = await backfill(createTicketPipeline({ pool: app.database.pool }));
    const after = await fetchOnly(fake);
    const fetchSeconds = (before.seconds + after.seconds) / 2;
    const baseline = TICKETS / fetchSeconds;
    const rate = full.stored / full.seconds;
    const bareRate = bare.stored / bare.seconds;
    notes.push(
      `${TICKETS} tickets, ${full.pages} pages of ≤1,000 (sideloaded users and organisations); results ${full.result}/${bare.result}`,
      `baseline: the same export pages fetched and JSON-parsed through the runtime's HTTP client, mean of one run before and one after (${before.seconds.toFixed(2)} s, ${after.seconds.toFixed(2)} s)`,
      'first figure: the product as it runs (ticket pipeline with its start-up subscribers, i.e. analysis); second: the same backfill with no subscribers',
    );
    if (bench.errors.count)
      notes.push(`app logged ${bench.errors.count} error(s), first: ${bench.errors.first[0]}`);
    return {
      name: 'connectors',
      notes,
      figures: [
        {
          key: 'backfill_tickets_per_s',
          label: 'Zendesk backfill tickets/s (fetch, map, store, analyse)',
          value: rate,
          unit: '/s',
          baseline,
          ratio: ratio(rate, baseline),
          target: { on: 'ratio', op: '>=', limit: 0.25 },
        },
        {
          key: 'backfill_no_subscribers_tickets_per_s',
          label: 'same backfill, no pipeline subscribers',
          value: bareRate,
          unit: '/s',
          baseline,
          ratio: ratio(bareRate, baseline),
          target: { on: 'ratio', op: '>=', limit: 0.5 },
        },
        { key: 'backfill_seconds', label: 'backfill time', value: full.seconds, unit: 's' },
        { key: 'fetch_only_seconds', label: 'fetch-only time (baseline)', value: fetchSeconds, unit: 's' },
        {
          key: 'tickets_stored',
          label: 'tickets stored (each backfill)',
          value: Math.min(full.stored, bare.stored),
          unit: '',
          target: { on: 'value', op: '==', limit: TICKETS },
        },
      ],
    };
  } finally {
    await bench?.close();
    await fake.stop();
    await db.drop();
  }
}
