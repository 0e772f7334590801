/**
 * `npm run bench [-- --only <name>]`: runs the benchmarks, prints a table per benchmark (figure,
 * baseline measured in the same run, ratio, target, PASS/MISS) and a final `BENCH_JSON {...}` line.
 *
 * Exit code: 0 whatever the figures are (speed is measured, not asserted); 1 when a benchmark
 * crashed; 2 on a bad command line.
 */
import { availableParallelism, loadavg } from 'node:os';
import { cleanUpAfterInterrupt, printTable, resultJson, verdict, type BenchResult } from './lib.js';
import { runStartup } from './startup.js';
import { runUsageIngest } from './usage-ingest.js';
import { runEscalation } from './escalation.js';
import { benchSlackDelivery } from './slack-delivery.js';

/** 1,000 alerts to 200 Slack DMs through the local fake Slack (per-DM pacing ≈ 1 message/s). */
async function runSlackDelivery(): Promise<BenchResult> {
  const r = await benchSlackDelivery();
  return {
    name: 'slack-delivery',
    figures: [
      { key: 'total_s', label: 'total time, 1,000 alerts → 200 DMs', value: r.total_s ?? null, unit: 's' },
      { key: 'messages_per_s', label: 'messages per second', value: r.messages_per_s ?? null, unit: '/s' },
      {
        key: 'max_messages_per_s_one_conversation',
        label: 'most messages one DM got in 1 s',
        value: r.max_messages_per_s_one_conversation ?? null,
        unit: '',
        target: { on: 'value', op: '<=', limit: 1 },
      },
      {
        key: 'deliveries_failed',
        label: 'deliveries failed',
        value: r.deliveries_failed ?? null,
        unit: '',
        target: { on: 'value', op: '==', limit: 0 },
      },
    ],
    notes: ['no same-run baseline: the pacing bound (1 message/s per DM) is the reference'],
  };
}

const BENCHMARKS: Record<string, () => Promise<BenchResult>> = {
  startup: runStartup,
  'usage-ingest': runUsageIngest,
  escalation: runEscalation,
  'slack-delivery': runSlackDelivery,
  connectors: async () => (await import('./connectors.js')).runConnectors(),
  'scale-out': async () => (await import('./scale-out.js')).runScaleOut(),
  analyzer: async () => (await import('./analyzer.js')).runAnalyzerBench(),
  'csv-import': async () => (await import('./csv-import.js')).runCsvImportBench(),
  crash: async () => (await import('./crash.js')).runCrashBench(),
};
/** Run only when named (`npm run bench:crash`): a hundred real kills take minutes. */
const OPT_IN = ['crash'];

function selected(argv: string[]): string[] {
  const names = Object.keys(BENCHMARKS);
  const only: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--only') only.push(...(argv[++i] ?? '').split(','));
    else if (a.startsWith('--only=')) only.push(...a.slice('--only='.length).split(','));
    else if (a === '--help' || a === '-h') {
      process.stdout.write(`usage: npm run bench [-- --only <${names.join('|')}>[,…]]\n`);
      process.exit(0);
    } else {
      process.stderr.write(`bench: unknown argument "${a}". Usage: npm run bench [-- --only <name>]\n`);
      process.exit(2);
    }
  }
  const unknown = only.filter((n) => !names.includes(n));
  if (unknown.length || (only.length && only.every((n) => !n))) {
    process.stderr.write(
      `bench: unknown benchmark "${unknown.join(', ')}". Choose from: ${names.join(', ')}\n`,
    );
    process.exit(2);
  }
  return only.length ? names.filter((n) => only.includes(n)) : names.filter((n) => !OPT_IN.includes(n));
}

let interrupted = false;

/** Other work on the machine skews every figure: the load average is printed with them. */
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

async function main(): Promise<number> {
  const names = selected(process.argv.slice(2));
  const mode = process.env.DATABASE_URL ? 'postgres' : 'embedded';
  const started = Date.now();
  const loadAtStart = loadavg().map((x) => Math.round(x * 100) / 100);
  process.stdout.write(
    `Fincelo bench: ${names.join(', ')} — database mode ${mode}` +
      `${mode === 'postgres' ? ' (a fresh database per benchmark on DATABASE_URL’s server)' : ' (PGlite in fresh temp dirs)'}` +
      `, node ${process.version}, ${availableParallelism()} CPU(s), load average ${load()}\n`,
  );

  const out: Record<string, unknown> = {};
  let pass = 0;
  let miss = 0;
  let crashed = 0;
  for (const name of names) {
    const t0 = Date.now();
    process.stdout.write(`\n… running ${name}\n`);
    try {
      const r = await BENCHMARKS[name]!();
      printTable(r);
      process.stdout.write(`  · took ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
      for (const f of r.figures) {
        const v = verdict(f);
        if (v === 'PASS') pass++;
        if (v === 'MISS') miss++;
      }
      out[name] = { ...resultJson(r), seconds: (Date.now() - t0) / 1000 };
    } catch (err) {
      if (interrupted) return new Promise<number>(() => {}); // the signal handler exits
      crashed++;
      process.stdout.write(`\n== ${name} ==\n  CRASHED: ${(err as Error).stack ?? String(err)}\n`);
      out[name] = { ok: false, error: (err as Error).message, seconds: (Date.now() - t0) / 1000 };
    }
  }

  const seconds = (Date.now() - started) / 1000;
  process.stdout.write(
    `\nSummary: ${pass} PASS, ${miss} MISS${crashed ? `, ${crashed} CRASHED` : ''} in ${seconds.toFixed(1)} s ` +
      `(a MISS is reported, not a failure); load average now ${load()}\n`,
  );
  const summary = {
    mode,
    node: process.version,
    cpus: availableParallelism(),
    loadAverage: { start: loadAtStart, end: loadavg().map((x) => Math.round(x * 100) / 100) },
    at: new Date(started).toISOString(),
    seconds,
    pass,
    miss,
    crashed,
    benchmarks: out,
  };
  process.stdout.write(`BENCH_JSON ${JSON.stringify(summary)}\n`);
  return crashed ? 1 : 0;
}

// Ctrl-C: drop the bench databases and temp dirs made so far, then stop.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    process.stderr.write(`\nbench: ${signal}: removing bench databases and temp dirs…\n`);
    void cleanUpAfterInterrupt().finally(() => process.exit(130));
  });
}

// Exit explicitly: a crashed benchmark may leave sockets or timers behind.
main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
