import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Config } from '../config.js';
import type { Analyzer } from '../engine/analysis/types.js';
import { listWorkspaceIds } from '../store/workspaces.js';
import { ticketIdsAfter } from '../store/tickets.js';

/**
 * `fincelo analyze`: tickets as JSON lines on stdin (`{"id","subject","body"}`), one JSON line per
 * ticket on stdout: `{"id","sentiment":{"label","score"},"category":{"primary","confidence",
 * "secondary"},"flags":[{"name","matches"}]}`. Bad lines are reported on stderr with their line
 * number and skipped; the exit code is then 1. Nothing but results is written to stdout.
 */
export async function analyzeStream(
  input: Readable,
  analyzer: Analyzer,
  out: (line: string) => void,
  err: (line: string) => void,
): Promise<number> {
  const rl = createInterface({ input, crlfDelay: Infinity });
  let n = 0;
  let bad = 0;
  for await (const raw of rl) {
    n++;
    const line = raw.trim();
    if (!line) continue;
    let t: unknown;
    try {
      t = JSON.parse(line);
    } catch {
      bad++;
      err(`line ${n}: not valid JSON; expected {"id","subject","body"}`);
      continue;
    }
    if (typeof t !== 'object' || t === null || Array.isArray(t)) {
      bad++;
      err(`line ${n}: expected a JSON object {"id","subject","body"}`);
      continue;
    }
    const o = t as Record<string, unknown>;
    const id = o.id;
    if (typeof id !== 'string' && typeof id !== 'number') {
      bad++;
      err(`line ${n}: "id" is missing (a string or number)`);
      continue;
    }
    const field = (k: string) => (o[k] === undefined || o[k] === null ? '' : o[k]);
    const subject = field('subject');
    const body = field('body');
    if (typeof subject !== 'string' || typeof body !== 'string') {
      bad++;
      err(`line ${n}: "subject" and "body" must be strings`);
      continue;
    }
    const a = await analyzer.analyze({ id: String(id), subject, body });
    out(
      JSON.stringify({
        id,
        sentiment: { label: a.sentiment.label, score: a.sentiment.score },
        category: {
          primary: a.category.primary,
          confidence: a.category.confidence,
          secondary: a.category.secondary,
        },
        flags: a.flags.map((f) => ({ name: f.name, matches: f.matches })),
      }),
    );
  }
  return bad ? 1 : 0;
}

const stderrLog = {
  info: () => undefined,
  warn: (o: object, m?: string) => process.stderr.write(`fincelo: ${m ?? ''} ${JSON.stringify(o)}\n`),
  error: (o: object, m?: string) => process.stderr.write(`fincelo: ${m ?? ''} ${JSON.stringify(o)}\n`),
};

/** The analyze subcommand: stdin → stdout, or `--rescore` of stored tickets. */
export async function runAnalyze(
  config: Config,
  o: { rescore?: boolean; workspace?: string },
): Promise<number> {
  const { createAnalyzerFromEnv } = await import('../intelligence/llm-analyzer.js');
  const analyzer = await createAnalyzerFromEnv(config, stderrLog);
  if (!o.rescore) {
    return analyzeStream(
      process.stdin,
      analyzer,
      (l) => process.stdout.write(l + '\n'),
      (l) => process.stderr.write(`fincelo analyze: ${l}\n`),
    );
  }
  const { openDatabase } = await import('../store/database.js');
  const { migrate } = await import('../store/migrate.js');
  const { createIntelligence } = await import('../intelligence/service.js');
  const { systemClock } = await import('../engine/ports.js');
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.FINCELO_DATA_DIR });
  try {
    await migrate(database.pool);
    const intel = createIntelligence({
      pool: database.pool,
      engine: { clock: systemClock },
      analyzer,
      log: stderrLog,
    });
    const workspaces = o.workspace ? [o.workspace] : await listWorkspaceIds(database.pool);
    let total = 0;
    for (const ws of workspaces) {
      // Keyset paging keeps memory flat on large ticket tables.
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const ids = await ticketIdsAfter(database.pool, ws, after, 500);
        if (ids.length === 0) break;
        const r = await intel.processTickets(ws, ids, { alerts: false });
        total += r.analysed;
        after = ids[ids.length - 1]!;
      }
    }
    process.stdout.write(
      JSON.stringify({
        rescored: total,
        workspaces: workspaces.length,
        analyzer: analyzer.name,
        version: analyzer.version,
      }) + '\n',
    );
    return 0;
  } finally {
    await database.close();
  }
}
