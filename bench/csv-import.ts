/**
 * `csv-import`: a 10 MB Zendesk-format export end to end through the CSV import service — analyse
 * (encoding, delimiter, format, mapping, structure check), store through the ticket pipeline
 * (idempotent upsert + customer matching) and the analysis hook when the support-intelligence
 * feature subscribes to it — against parsing the same bytes with bare `csv-parse` in the same run.
 *
 * Ratio = bare csv-parse seconds ÷ end-to-end seconds (the end-to-end throughput as a share of
 * the parser's). RSS growth is this process's peak resident memory during the import minus before
 * it; with the embedded database PGlite runs in this process, so its memory counts too.
 */
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { personById } from '../src/store/directory.js';
import { createWorkspace } from '../src/store/workspaces.js';
import {
  api,
  freshDatabase,
  ratio,
  secondsSince,
  seededRandom,
  startBenchApp,
  type BenchResult,
} from './lib.js';

const TARGET_BYTES = 10 * 1024 * 1024 - 64 * 1024;
const HEADER =
  'Summation column,Id,Requester,Requester id,Requester external id,Requester email,Requester domain,Submitter,Assignee,Group,Subject,Tags,Status,Priority,Via,Ticket type,Created at,Updated at,Assigned at,Organization,Due date,Initially assigned at,Solved at,Resolution time,Satisfaction Score,Group stations,Assignee stations,Reopens,Replies,First reply time in minutes';

const SUBJECTS = [
  'Export to CSV times out',
  'We will cancel if this is not fixed by Friday',
  'Invoice shows the wrong seat count',
  'Thank you, the new dashboard is great',
  'SSO login fails with "invalid audience"',
  'How do I add a user to my team?',
  'Data sync stopped overnight, urgent',
  'Legal: breach of contract, our lawyers will contact you',
];
const ORGS = ['Northwind', 'Contoso', 'Fabrikam', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay'];
const STATUSES = ['New', 'Open', 'Pending', 'Solved', 'Closed'];
const PRIORITIES = ['Low', 'Normal', 'High', 'Urgent'];

/** A Zendesk export of about 10 MB, the same every run. */
export function zendeskExport(): { bytes: Buffer; rows: number } {
  const rnd = seededRandom(6_2025);
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)]!;
  const lines = [HEADER];
  let size = HEADER.length + 1;
  let id = 100_000;
  while (size < TARGET_BYTES) {
    id++;
    const org = pick(ORGS);
    const domain = `${org.toLowerCase()}.example`;
    const day = 1 + Math.floor(rnd() * 28);
    const created = `2025-10-${String(day).padStart(2, '0')} ${String(Math.floor(rnd() * 24)).padStart(2, '0')}:${String(Math.floor(rnd() * 60)).padStart(2, '0')}`;
    const subject = `${pick(SUBJECTS)} (#${id})`;
    const line = [
      '',
      id,
      `User ${id}`,
      900_000 + id,
      '',
      `user${id}@${domain}`,
      domain,
      `User ${id}`,
      'Sam Lee',
      'Support',
      `"${subject.replace(/"/g, '""')}"`,
      'export billing',
      pick(STATUSES),
      pick(PRIORITIES),
      'Web form',
      'Problem',
      created,
      created,
      created,
      org,
      '',
      created,
      '',
      '',
      'Unoffered',
      1,
      1,
      0,
      Math.floor(rnd() * 6),
      Math.floor(rnd() * 120),
    ].join(',');
    lines.push(line);
    size += Buffer.byteLength(line) + 1;
  }
  return { bytes: Buffer.from(lines.join('\n') + '\n'), rows: lines.length - 1 };
}

async function bareParseSeconds(bytes: Buffer): Promise<{ seconds: number; records: number }> {
  const t0 = process.hrtime.bigint();
  let records = 0;
  const parser = Readable.from([bytes]).pipe(parse({ relax_column_count: true }));
  for await (const _ of parser) records++;
  return { seconds: secondsSince(t0), records: records - 1 };
}

export async function runCsvImportBench(): Promise<BenchResult> {
  const { bytes, rows } = zendeskExport();
  const db = await freshDatabase('csv');
  const bench = await startBenchApp(db.env);
  try {
    const { app } = bench;
    const ws = await createWorkspace(app.database.db, { name: 'CSV bench' });
    const people = await api<{ people: { id: string }[] }>(app.url, ws.apiKey, 'POST', '/people', [
      { externalId: 'admin', name: 'Bench Admin', email: 'admin@bench.example', role: 'admin' },
    ]);
    await api(
      app.url,
      ws.apiKey,
      'POST',
      '/customers',
      ORGS.map((name, i) => ({ externalId: `c${i}`, name, tier: 'good' })),
    );
    const actor = (await personById(app.database.pool, ws.workspaceId, people.people[0]!.id))!;

    // Bare csv-parse first (warms the module), then again for the figure.
    await bareParseSeconds(bytes);
    const bare = await bareParseSeconds(bytes);

    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 20);
    const t0 = process.hrtime.bigint();
    const started = await app.services.csv.startImport({
      workspaceId: ws.workspaceId,
      actor,
      channel: 'playground',
      filename: 'zendesk-10mb.csv',
      bytes,
      origin: { channel: 'playground', conversation: 'bench', thread: null },
    });
    if (!started.ok) throw new Error(started.error);
    const analysed_s = secondsSince(t0);
    const go = await app.services.csv.handleAction({
      workspaceId: ws.workspaceId,
      actor,
      importId: started.importId,
      step: 'import',
      // Progress lines (every ~10 %) go to stderr so a slow run shows where it is.
      progress: async (text) => void process.stderr.write(`  · ${round(secondsSince(t0))} s: ${text}\n`),
    });
    if (!go.ok || !go.done) throw new Error(go.ok ? 'no import started' : go.error);
    const result = await go.done;
    const total_s = secondsSince(t0);
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    const stored = Number(
      (
        await app.database.pool.query('SELECT count(*) AS n FROM tickets WHERE workspace_id = $1', [
          ws.workspaceId,
        ])
      ).rows[0].n,
    );
    const analysed = Number(
      (
        await app.database.pool
          .query('SELECT count(*) AS n FROM ticket_analyses WHERE workspace_id = $1', [ws.workspaceId])
          .catch(() => ({ rows: [{ n: 0 }] }))
      ).rows[0].n,
    );
    const rssGrowthMb = (rssPeak - rssBefore) / 1024 / 1024;
    return {
      name: 'csv-import',
      figures: [
        {
          key: 'total_s',
          label: `10 MB Zendesk export end to end (${rows.toLocaleString('en-US')} rows)`,
          value: round(total_s),
          unit: 's',
          target: { on: 'value', op: '<=', limit: 15 },
        },
        {
          key: 'rows_per_s',
          label: 'rows per second, end to end',
          value: Math.round(rows / total_s),
          unit: '/s',
        },
        {
          key: 'rss_growth_mb',
          label: 'peak RSS growth during the import',
          value: round(rssGrowthMb),
          unit: 'MB',
          target: { on: 'value', op: '<=', limit: 150 },
        },
        {
          key: 'throughput_vs_bare_parse',
          label: 'end-to-end throughput ÷ bare csv-parse throughput',
          value: round(total_s),
          unit: 's',
          baseline: round(bare.seconds),
          ratio: ratio(bare.seconds, total_s),
          target: { on: 'ratio', op: '>=', limit: 0.2 },
        },
      ],
      notes: [
        `${(bytes.length / 1024 / 1024).toFixed(2)} MB, ${rows} rows; analyse + review card ${round(analysed_s)} s; bare csv-parse ${round(bare.seconds)} s (${bare.records} records)`,
        `stored ${stored} tickets (${result.stats.imported} new, ${result.stats.skipped} skipped); ${analysed} analysed by the support-intelligence hook`,
        `database: ${db.where}; RSS includes the embedded database when it runs in this process`,
        ...(bench.errors.count
          ? [`${bench.errors.count} error log lines, e.g. ${bench.errors.first.join(' | ')}`]
          : []),
      ],
    };
  } finally {
    await bench.close();
    await db.drop();
  }
}

const round = (n: number) => Math.round(n * 100) / 100;
