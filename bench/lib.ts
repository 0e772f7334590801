/**
 * Shared helpers for `npm run bench`: figures and targets, the results table, fresh databases,
 * free loopback ports, and starting the app in-process with configuration overrides.
 *
 * Speed is measured, never asserted: a slow figure prints MISS, it does not fail the run.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { startApp, type RunningApp, type StartOptions } from '../src/app.js';
import { type Config } from '../src/config.js';
import { loadConfig } from '../src/bots/registry.js';
import { createLogger } from '../src/log.js';

// ---------------------------------------------------------------------------------------------
// Figures, targets and results

/** A target a figure (or its ratio to the baseline) is compared with. */
export interface Target {
  on: 'value' | 'ratio';
  op: '<=' | '>=' | '==';
  limit: number;
}

/** One measured number, with its baseline and target when it has them. */
export interface Figure {
  /** Machine key in BENCH_JSON, e.g. `ready_ms`. */
  key: string;
  label: string;
  value: number | null;
  /** Shown instead of the value (e.g. a lower bound when the value is unknown); JSON keeps `value`. */
  display?: string;
  unit: string;
  baseline?: number | null;
  /** value ÷ baseline unless the benchmark defines it otherwise. */
  ratio?: number | null;
  target?: Target;
}

/** What one benchmark hands back to the runner. */
export interface BenchResult {
  name: string;
  figures: Figure[];
  /** Context lines printed under the table (settings used, counts, caveats). */
  notes: string[];
}

export type Verdict = 'PASS' | 'MISS' | '';

export function verdict(f: Figure): Verdict {
  if (!f.target) return '';
  const x = f.target.on === 'ratio' ? f.ratio : f.value;
  if (x === null || x === undefined || !Number.isFinite(x)) return 'MISS';
  const { op, limit } = f.target;
  const ok = op === '<=' ? x <= limit : op === '>=' ? x >= limit : x === limit;
  return ok ? 'PASS' : 'MISS';
}

export function ratio(value: number | null, baseline: number | null): number | null {
  if (value === null || baseline === null || baseline === 0) return null;
  return value / baseline;
}

// ---------------------------------------------------------------------------------------------
// Statistics

/** Nearest-rank percentile (p in 0..100) of unsorted values; null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function maxOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((m, v) => (v > m ? v : m), -Infinity);
}

/** Small deterministic PRNG (mulberry32) so every run sends the same data. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until it returns true or `timeoutMs` passes; returns whether it did. */
export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Printing

function fmtNumber(v: number | null | undefined, unit = ''): string {
  if (v === null || v === undefined) return '—';
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const digits = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  const s = v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return unit ? `${s} ${unit}` : s;
}

function fmtTarget(f: Figure): string {
  if (!f.target) return '';
  const { on, op, limit } = f.target;
  return on === 'ratio' ? `ratio ${op} ${fmtNumber(limit)}` : `${op} ${fmtNumber(limit, f.unit)}`;
}

/** Prints one benchmark's figures as an aligned table, followed by its notes. */
export function printTable(
  r: BenchResult,
  write: (s: string) => void = (s) => process.stdout.write(s),
): void {
  const head = ['figure', 'value', 'baseline', 'ratio', 'target', 'result'];
  const rows = r.figures.map((f) => [
    f.label,
    f.display ?? fmtNumber(f.value, f.unit),
    f.baseline === undefined ? '' : fmtNumber(f.baseline, f.unit),
    f.ratio === undefined ? '' : f.ratio === null ? '—' : `${fmtNumber(f.ratio)}×`,
    fmtTarget(f),
    verdict(f),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ') + '\n';
  write(`\n== ${r.name} ==\n`);
  write(line(head));
  write(widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
  for (const row of rows) write(line(row));
  for (const n of r.notes) write(`  · ${n}\n`);
}

/** The machine-readable form of one result for BENCH_JSON. */
export function resultJson(r: BenchResult) {
  const figures: Record<string, number | null> = {};
  const baselines: Record<string, number | null> = {};
  const ratios: Record<string, number | null> = {};
  const targets: {
    figure: string;
    on: string;
    op: string;
    limit: number;
    actual: number | null;
    result: Verdict;
  }[] = [];
  for (const f of r.figures) {
    figures[f.key] = round(f.value);
    if (f.baseline !== undefined) baselines[f.key] = round(f.baseline);
    if (f.ratio !== undefined) ratios[f.key] = round(f.ratio);
    if (f.target) {
      const actual = f.target.on === 'ratio' ? (f.ratio ?? null) : f.value;
      targets.push({ figure: f.key, ...f.target, actual: round(actual), result: verdict(f) });
    }
  }
  const shown = Object.fromEntries(r.figures.filter((f) => f.display).map((f) => [f.key, f.display!]));
  return {
    ok: true,
    figures,
    ...(Object.keys(shown).length ? { shown } : {}),
    baselines,
    ratios,
    targets,
    notes: r.notes,
  };
}

function round(v: number | null | undefined): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  return Math.round(v * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Databases, ports, processes

const cleanups = new Set<() => Promise<void>>();

/** Registers work to do if the run is interrupted (Ctrl-C); returns the function to unregister it. */
export function onInterrupt(fn: () => Promise<void>): () => void {
  cleanups.add(fn);
  return () => void cleanups.delete(fn);
}

/** Runs every registered clean-up once, newest first (apps stop before their database is dropped). */
export async function cleanUpAfterInterrupt(): Promise<void> {
  const all = [...cleanups].reverse();
  cleanups.clear();
  // Dropping a database cuts the connections of anything still using it: nothing to report then.
  process.on('uncaughtException', () => {});
  for (const fn of all) await fn().catch(() => {});
}

/** A database made for one benchmark, and how to remove it. */
export interface FreshDatabase {
  kind: 'embedded' | 'server';
  /** Environment overrides that point the app at it. */
  env: Record<string, string>;
  /** Where it is, for the notes (never a password). */
  where: string;
  drop(): Promise<void>;
}

/**
 * With DATABASE_URL: `CREATE DATABASE fincelo_bench_<random>` on that server (the URL's user must
 * be allowed to create databases). Without: the embedded PGlite in a fresh temporary data dir.
 * Both come with a fresh FINCELO_DATA_DIR so no key or lock file is shared with a real install.
 */
export async function freshDatabase(label: string): Promise<FreshDatabase> {
  const dataDir = mkdtempSync(join(tmpdir(), `fincelo-bench-${label}-`));
  const removeDir = () => rmSync(dataDir, { recursive: true, force: true });
  const url = process.env.DATABASE_URL;
  if (!url) {
    const forget = onInterrupt(async () => removeDir());
    return {
      kind: 'embedded',
      env: { DATABASE_URL: '', FINCELO_DATA_DIR: dataDir },
      where: `embedded PGlite in ${dataDir}`,
      async drop() {
        forget();
        removeDir();
      },
    };
  }
  const name = `fincelo_bench_${randomBytes(5).toString('hex')}`;
  await adminQuery(url, `CREATE DATABASE "${name}"`);
  const drop = async () => {
    try {
      await adminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    } catch {
      await adminQuery(url, `DROP DATABASE IF EXISTS "${name}"`); // servers before PostgreSQL 13
    }
    removeDir();
  };
  const forget = onInterrupt(drop);
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  return {
    kind: 'server',
    env: {
      DATABASE_URL: dbUrl.toString(),
      FINCELO_DATA_DIR: dataDir,
      // The server mode requires a key shared by every process; any key does for a throw-away database.
      FINCELO_ENCRYPTION_KEY: process.env.FINCELO_ENCRYPTION_KEY || randomBytes(32).toString('hex'),
    },
    where: `PostgreSQL database ${name} on ${dbUrl.host}`,
    async drop() {
      forget();
      await drop();
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A TCP port free on the loopback interface right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Resident set size of a process in MB (Linux /proc), or null where unavailable. */
export function rssMb(pid: number): { rss: number | null; peak: number | null } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => {
      const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status);
      return m ? Number(m[1]) / 1024 : null;
    };
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return { rss: null, peak: null };
  }
}

// ---------------------------------------------------------------------------------------------
// The app in-process

/** Counts (and keeps the first few of) the error-level log lines the app writes. */
export interface ErrorLog {
  count: number;
  first: string[];
}

export interface BenchApp {
  app: RunningApp;
  config: Config;
  errors: ErrorLog;
  /** Stops the app (use this, not app.close, so an interrupt does not close it twice). */
  close(): Promise<void>;
}

/**
 * Starts the all-in-one app on 127.0.0.1 with a free port, no demo, and the given overrides
 * merged over process.env through `loadConfig`. Logs below error level are dropped; errors are
 * counted so a benchmark can report them without flooding the table.
 */
export async function startBenchApp(
  overrides: Record<string, string>,
  opts: Omit<StartOptions, 'config' | 'log'> = {},
): Promise<BenchApp> {
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    FINCELO_DEMO: 'off',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
  const errors: ErrorLog = { count: 0, first: [] };
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        errors.count += 1;
        if (errors.first.length < 3) errors.first.push(errorSummary(line));
      }
      done();
    },
  });
  const app = await startApp({
    ...opts,
    config,
    role: opts.role ?? 'all',
    noDemo: true,
    log: createLogger('error', sink),
  });
  const forget = onInterrupt(() => Promise.race([app.close(), sleep(3_000)]));
  return {
    app,
    config,
    errors,
    async close() {
      forget();
      await app.close();
    },
  };
}

/** `message: err.message` of a pino JSON line, short enough for a note. */
function errorSummary(line: string): string {
  try {
    const j = JSON.parse(line) as { msg?: string; job?: string; err?: { message?: string } };
    return [j.msg, j.job, j.err?.message].filter(Boolean).join(': ').slice(0, 240);
  } catch {
    return line.slice(0, 240);
  }
}

/** Calls the HTTP API v1 with the workspace's key; throws with the response body on non-2xx. */
export async function api<T = unknown>(
  baseUrl: string,
  apiKey: string,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${baseUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} /api/v1${path} → ${res.status}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : null) as T;
}

/** Splits a list into chunks of `size`. */
export function chunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export const secondsSince = (startNs: bigint) => Number(process.hrtime.bigint() - startNs) / 1e9;
