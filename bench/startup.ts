/**
 * `startup`: cold start of the all-in-one process (`node bin/fincelo.js start`, embedded database
 * in a fresh data dir) to `/readyz` 200, its idle RSS, and graceful shutdown on SIGTERM.
 * Baseline in the same run: a bare `http.createServer` in a fresh node process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, onInterrupt, ratio, rssMb, sleep, type BenchResult } from './lib.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const POLL_MS = 50;
const READY_TIMEOUT_MS = 60_000;
const IDLE_MS = 3_000;
const SHUTDOWN_TARGET_MS = 15_000;

/** One GET on loopback with a fresh connection (no keep-alive: it would hold up shutdown). */
function httpStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 2_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

interface Started {
  child: ChildProcess;
  readyMs: number | null;
  output: () => string;
}

/** Spawns a process and polls `path` every 50 ms until it answers 200; readyMs from spawn. */
async function spawnUntilReady(
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
  path: string,
): Promise<Started> {
  let out = '';
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const forget = onInterrupt(async () => void child.kill('SIGKILL'));
  child.once('exit', forget);
  child.stdout!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
  child.stderr!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
  let exited = false;
  child.once('exit', () => (exited = true));
  while (!exited && performance.now() - t0 < READY_TIMEOUT_MS) {
    if ((await httpStatus(port, path)) === 200) {
      return { child, readyMs: performance.now() - t0, output: () => out };
    }
    await sleep(POLL_MS);
  }
  return { child, readyMs: null, output: () => out };
}

/** Sends `signal` and waits up to `limitMs` for the process to exit; SIGKILL after that. */
async function stopChild(child: ChildProcess, signal: NodeJS.Signals, limitMs: number) {
  if (child.exitCode !== null || child.signalCode !== null)
    return { ms: 0, code: child.exitCode, killed: false };
  const t0 = performance.now();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill(signal);
  const timer = sleep(limitMs).then(() => 'timeout' as const);
  const first = await Promise.race([exited, timer]);
  if (first === 'timeout') {
    child.kill('SIGKILL');
    await exited;
    return { ms: null, code: null, killed: true };
  }
  return { ms: performance.now() - t0, code: first, killed: false };
}

export async function runStartup(): Promise<BenchResult> {
  const notes: string[] = [];

  // Baseline: the cheapest Node HTTP server there is.
  const basePort = await freePort();
  const baseEnv = { ...process.env, PORT: String(basePort) };
  const baseline = await spawnUntilReady(
    ['-e', "require('http').createServer((q,s)=>s.end('ok')).listen(Number(process.env.PORT),'127.0.0.1')"],
    baseEnv,
    basePort,
    '/',
  );
  await sleep(IDLE_MS);
  const baseRss = rssMb(baseline.child.pid!);
  await stopChild(baseline.child, 'SIGKILL', 5_000);
  if (baseline.readyMs === null) notes.push(`baseline server did not answer: ${baseline.output()}`);

  // The product, as a newcomer starts it: all-in-one, embedded database, no demo.
  const dataDir = mkdtempSync(join(tmpdir(), 'fincelo-bench-startup-'));
  const forgetDir = onInterrupt(async () => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FINCELO_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    FINCELO_DEMO: 'off',
    LOG_LEVEL: 'warn',
  };
  delete env.DATABASE_URL;
  let appRss: { rss: number | null; peak: number | null } = { rss: null, peak: null };
  let shutdown: { ms: number | null; code: number | null; killed: boolean } = {
    ms: null,
    code: null,
    killed: false,
  };
  let started: Started | undefined;
  try {
    started = await spawnUntilReady(['bin/fincelo.js', 'start'], env, port, '/readyz');
    if (started.readyMs === null) {
      notes.push(
        `fincelo did not become ready within ${READY_TIMEOUT_MS / 1000} s. Output:\n${started.output()}`,
      );
    } else {
      await sleep(IDLE_MS);
      appRss = rssMb(started.child.pid!);
    }
    shutdown = await stopChild(started.child, 'SIGTERM', SHUTDOWN_TARGET_MS);
  } finally {
    if (started && started.child.exitCode === null && started.child.signalCode === null)
      started.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    forgetDir();
  }
  if (shutdown.killed) notes.push(`did not exit within ${SHUTDOWN_TARGET_MS / 1000} s of SIGTERM: killed`);
  else if (shutdown.code !== 0) notes.push(`exited with code ${shutdown.code} after SIGTERM (expected 0)`);
  notes.push(
    `node ${process.version}, embedded PGlite in a fresh temp dir, FINCELO_DEMO=off, LOG_LEVEL=warn; /readyz polled every ${POLL_MS} ms; RSS read after ${IDLE_MS / 1000} s idle`,
  );
  if (appRss.peak !== null) notes.push(`peak RSS during start (VmHWM): ${appRss.peak.toFixed(1)} MB`);
  const lines = started?.readyMs != null ? started.output().trim().split('\n').filter(Boolean) : [];
  for (const line of lines.slice(0, 3)) notes.push(`child said: ${logMessage(line)}`);

  const readyMs = started?.readyMs ?? null;
  return {
    name: 'startup',
    notes,
    figures: [
      {
        key: 'ready_ms',
        label: 'cold start to /readyz 200',
        value: readyMs,
        unit: 'ms',
        baseline: baseline.readyMs,
        ratio: ratio(readyMs, baseline.readyMs),
        target: { on: 'value', op: '<=', limit: 5_000 },
      },
      {
        key: 'idle_rss_mb',
        label: 'idle RSS',
        value: appRss.rss,
        unit: 'MB',
        baseline: baseRss.rss,
        ratio: ratio(appRss.rss, baseRss.rss),
        target: { on: 'value', op: '<=', limit: 250 },
      },
      {
        key: 'shutdown_ms',
        label: 'SIGTERM to exit (graceful)',
        value: shutdown.code === 0 ? shutdown.ms : null,
        unit: 'ms',
        target: { on: 'value', op: '<=', limit: SHUTDOWN_TARGET_MS },
      },
    ],
  };
}

/** The `msg` of a pino JSON line, or the line itself. */
function logMessage(line: string): string {
  try {
    const j = JSON.parse(line) as { level?: number; msg?: string };
    return `[${j.level === 40 ? 'warn' : j.level === 50 ? 'error' : String(j.level)}] ${j.msg ?? line}`.slice(
      0,
      200,
    );
  } catch {
    return line.slice(0, 200);
  }
}
