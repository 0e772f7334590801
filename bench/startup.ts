/**
 * `startup`: cold start of the all-in-one process (`node bin/fincelo.js start`, embedded database
 * in a fresh data dir) to `/readyz` 200, its idle RSS, and graceful shutdown on SIGTERM.
 * Baseline in the same run: a bare `http.createServer` in a fresh node process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { freePort, freshDatabase, onInterrupt, ratio, rssMb, sleep, type BenchResult } from './lib.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Logs every channel/LLM SDK package the child resolves (bench/sdk-probe.mjs). */
const PROBE = pathToFileURL(join(ROOT, 'bench', 'sdk-probe.mjs')).href;
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
  let sdksIdle: string[] | null = null;
  try {
    started = await spawnUntilReady(
      ['--import', PROBE, 'bin/fincelo.js', 'start'],
      { ...env, FINCELO_SDK_PROBE: join(dataDir, 'sdks.txt') },
      port,
      '/readyz',
    );
    if (started.readyMs === null) {
      notes.push(
        `fincelo did not become ready within ${READY_TIMEOUT_MS / 1000} s. Output:\n${started.output()}`,
      );
    } else {
      await sleep(IDLE_MS);
      appRss = rssMb(started.child.pid!);
      sdksIdle = loadedSdks(join(dataDir, 'sdks.txt'));
    }
    shutdown = await stopChild(started.child, 'SIGTERM', SHUTDOWN_TARGET_MS);
  } finally {
    if (started && started.child.exitCode === null && started.child.signalCode === null)
      started.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    forgetDir();
  }
  const all = await idleWithAllChannels();
  // On a PostgreSQL server run (DATABASE_URL set) the same idle process on the server: production's
  // set-up, without PGlite's WASM heap (≈ 140 MB) in the process.
  const server = process.env.DATABASE_URL ? await freshDatabase('startup') : null;
  const onServer = server
    ? await idleWith('server', () => ({
        DATABASE_URL: server.env.DATABASE_URL,
        FINCELO_ENCRYPTION_KEY: randomBytes(32).toString('hex'), // required with DATABASE_URL
      })).finally(() => server.drop())
    : null;
  if (onServer) notes.push(`on the PostgreSQL server (fresh database): ${onServer.note}`);
  notes.push(
    `channel/LLM SDKs loaded, nothing configured: ${sdksIdle === null ? 'not measured' : sdksIdle.join(', ') || 'none'}`,
    `all four channels configured (fake credentials, API URLs on a closed loopback port, nothing dialled): ${all.note}`,
  );
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
        target: { on: 'value', op: '<=', limit: 200 },
      },
      {
        key: 'idle_rss_all_channels_mb',
        label: 'idle RSS, Slack + Teams + Google Chat + WhatsApp configured',
        value: all.rss,
        unit: 'MB',
        baseline: appRss.rss,
        ratio: ratio(all.rss, appRss.rss),
      },
      ...(onServer
        ? [
            {
              key: 'idle_rss_server_mb',
              label: 'idle RSS on the PostgreSQL server (no PGlite), nothing configured',
              value: onServer.rss,
              unit: 'MB',
              baseline: baseRss.rss,
              ratio: ratio(onServer.rss, baseRss.rss),
              target: { on: 'value' as const, op: '<=' as const, limit: 200 },
            },
          ]
        : []),
      {
        key: 'sdks_loaded_unconfigured',
        label: 'channel/LLM SDK packages loaded with nothing configured',
        value: sdksIdle === null ? null : sdksIdle.length,
        unit: '',
        target: { on: 'value', op: '==', limit: 0 },
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

/** The distinct SDK packages the probe recorded. */
function loadedSdks(file: string): string[] {
  if (!existsSync(file)) return [];
  return [...new Set(readFileSync(file, 'utf8').split('\n').filter(Boolean))].sort();
}

/**
 * The same all-in-one start with Slack (bot token + signing secret), Teams (app id + password),
 * Google Chat (a generated service-account key + audience) and WhatsApp (the four Cloud API
 * settings) configured. The credentials are fake and every platform API URL points at a closed
 * loopback port, so nothing leaves the machine; RSS after the same idle time.
 */
/** Idle RSS of `fincelo start` with every channel configured (nothing dialled). */
async function idleWithAllChannels(): Promise<{ rss: number | null; note: string }> {
  return idleWith('channels', (port, closed, serviceAccount) => ({
    SLACK_BOT_TOKEN: 'xoxb-000-000-bench',
    SLACK_SIGNING_SECRET: 'bench-signing-secret',
    SLACK_API_URL: `${closed}api/`,
    MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000000',
    MICROSOFT_APP_PASSWORD: 'bench-password',
    MICROSOFT_APP_TENANT_ID: '00000000-0000-0000-0000-000000000001',
    GOOGLE_CHAT_SERVICE_ACCOUNT_JSON: serviceAccount,
    GOOGLE_CHAT_AUDIENCE: `http://127.0.0.1:${port}/gchat/events`,
    GOOGLE_CHAT_API_URL: closed,
    WHATSAPP_PHONE_NUMBER_ID: '1234567890',
    WHATSAPP_ACCESS_TOKEN: 'EAAG-bench',
    WHATSAPP_APP_SECRET: 'bench-app-secret',
    WHATSAPP_VERIFY_TOKEN: 'bench-verify-token',
    WHATSAPP_API_URL: closed,
  }));
}

/**
 * Idle RSS of `fincelo start` with `extra` in its environment (given its port, a closed loopback
 * URL and a generated service-account key); the embedded database unless `extra` sets DATABASE_URL.
 */
async function idleWith(
  label: string,
  extra: (port: number, closed: string, serviceAccount: string) => NodeJS.ProcessEnv,
): Promise<{ rss: number | null; note: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), `fincelo-bench-${label}-`));
  const forgetDir = onInterrupt(async () => rmSync(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  const closed = `http://127.0.0.1:${await freePort()}/`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serviceAccount = JSON.stringify({
    type: 'service_account',
    project_id: 'fincelo-bench',
    private_key_id: 'bench',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: 'bench@fincelo-bench.iam.gserviceaccount.com',
    client_id: '1',
    token_uri: `${closed}token`,
  });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FINCELO_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    FINCELO_DEMO: 'off',
    LOG_LEVEL: 'warn',
    FINCELO_SDK_PROBE: join(dataDir, 'sdks.txt'),
  };
  delete env.DATABASE_URL;
  Object.assign(env, extra(port, closed, serviceAccount));
  let started: Started | undefined;
  try {
    started = await spawnUntilReady(['--import', PROBE, 'bin/fincelo.js', 'start'], env, port, '/readyz');
    if (started.readyMs === null)
      return { rss: null, note: `did not become ready: ${started.output().slice(-300)}` };
    await sleep(IDLE_MS);
    const rss = rssMb(started.child.pid!).rss;
    const sdks = loadedSdks(join(dataDir, 'sdks.txt'));
    await stopChild(started.child, 'SIGTERM', SHUTDOWN_TARGET_MS);
    return { rss, note: `SDKs loaded: ${sdks.join(', ') || 'none'}` };
  } finally {
    if (started && started.child.exitCode === null && started.child.signalCode === null)
      started.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    forgetDir();
  }
}
