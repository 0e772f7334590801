import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Router } from 'express';
import type { Config } from './config.js';
import {
  deliverJob,
  fallbackChannel,
  REMINDER_JOB,
  FALLBACK_JOB,
  runFallback,
  runAlertTimer,
  runReminder,
  scanCollections,
  systemClock,
  TIMER_JOB,
  type Channel,
  type Clock,
  type EngineDeps,
} from './engine/index.js';
import { parseDurationMs } from './engine/duration.js';
import { createLogger, type Logger } from './log.js';
import { openDatabase, type Database } from './store/database.js';
import { migrate } from './store/migrate.js';
import { createCipher, resolveEncryptionKey, type Cipher } from './store/crypto.js';
import { createEngineStore } from './store/engine-store.js';
import { createDeliveriesRepo } from './store/deliveries-repo.js';
import { loadAlertCardData } from './store/alert-views.js';
import { alertViewFrom } from './cards/alert-view-data.js';
import { createJobRunner, type JobRunner } from './jobs/runner.js';
import { createDeliveryWorker, type CardRenderer } from './jobs/deliveries.js';
import { createAlertTimerLoop, type AlertTimerLoop } from './jobs/alert-timers.js';
import { FEEDS_HEARTBEAT_EVERY, FEEDS_HEARTBEAT_JOB, runFeedsHeartbeat } from './jobs/feeds-heartbeat.js';
import { countRequests } from './api/metrics.js';
import { createMetrics, type Metrics } from './metrics.js';
import { alertCountsByType } from './store/metrics-repo.js';
import { healthRoutes } from './api/health.js';
import { apiErrorHandler, apiV1Routes } from './api/v1/routes.js';
import { playgroundRoutes } from './api/playground/routes.js';
import { createPlaygroundTrust } from './api/playground/trust.js';
import { localAdminRoutes, publishLocalAdmin } from './api/local-admin.js';
import { renderAlertCard } from './cards/alert-card.js';
import { alertText } from './cards/build-view.js';
import { seedDemoIfEmpty } from './demo/seed.js';
import { CHANNEL_MODULES, channelLogRedaction, type ProcessRole } from './bots/registry.js';
import { createChatServices, type ChatServices } from './chat/services.js';
import { createTicketPipeline, type TicketPipeline } from './tickets/pipeline.js';
import type { AppFeature, FeatureRuntime } from './features.js';
import { connectorsFeature } from './connectors/feature.js';
import { intelligenceFeature } from './intelligence/service.js';
import { csvImportFeature } from './csv-import/feature.js';

/** Every feature of the product, created in this order at start-up. */
const FEATURES: AppFeature[] = [connectorsFeature, intelligenceFeature, csvImportFeature];
import { type ChannelGateway } from './channels/port.js';
import { listWorkspaceIds } from './store/workspaces.js';

export interface StartOptions {
  config: Config;
  role?: ProcessRole;
  log?: Logger;
  clock?: Clock;
  /** Extra gateways (tests, or channels added by their own modules). */
  gateways?: ChannelGateway[];
  /** Skip the first-start demo seeding regardless of FINCELO_DEMO. */
  noDemo?: boolean;
}

export interface RunningApp {
  url: string;
  port: number;
  role: ProcessRole;
  database: Database;
  jobs: JobRunner;
  engine: EngineDeps;
  cipher: Cipher;
  services: ChatServices;
  tickets: TicketPipeline;
  metrics: Metrics;
  log: Logger;
  /** The playground's address with this start's token (`?token=…`); null when it is off. */
  playgroundUrl: string | null;
  /** The Express application (its route table: the OpenAPI and tenant-isolation tests walk it). */
  http: express.Express;
  /** Sends every due delivery of a channel now (tests, CLI). */
  drain(channel: Channel): Promise<number>;
  close(): Promise<void>;
}

/** Which channels have credentials configured (deliveries for others go to the fallback channel). */
export function configuredChannels(config: Config): Set<Channel> {
  const set = new Set<Channel>([fallbackChannel()]);
  for (const m of CHANNEL_MODULES) if (m.configured(config)) set.add(m.channel);
  return set;
}

/** Starts one process role: database, migrations, jobs, engine, channels and the HTTP server. */
export async function startApp(opts: StartOptions): Promise<RunningApp> {
  const { config } = opts;
  const role = opts.role ?? 'all';
  const log = opts.log ?? createLogger(config.LOG_LEVEL, undefined, channelLogRedaction(config));
  if (!config.DATABASE_URL && role !== 'all') {
    throw new Error(
      `--role ${role} needs DATABASE_URL pointing at a PostgreSQL server: the embedded database serves a single process. ` +
        'Run `fincelo start` (all-in-one) for the embedded database.',
    );
  }
  const database = await openDatabase({
    databaseUrl: config.DATABASE_URL,
    dataDir: config.FINCELO_DATA_DIR,
    poolMax: config.DATABASE_POOL_MAX,
  });
  const cleanup: (() => Promise<void>)[] = [() => database.close()];
  try {
    const applied = await migrate(database.pool);
    if (applied.length) log.info({ applied }, 'database migrations applied');
    const key = resolveEncryptionKey({
      envKey: config.FINCELO_ENCRYPTION_KEY,
      dataDir: config.FINCELO_DATA_DIR,
      embedded: database.kind === 'embedded',
    });
    if (key.generatedAt) {
      log.warn(
        { file: key.generatedAt },
        'FINCELO_ENCRYPTION_KEY is not set: generated a key in the data directory (owner-only). Back it up, and set FINCELO_ENCRYPTION_KEY in production.',
      );
    }
    const cipher = createCipher(key.key);
    const metrics = createMetrics({ alertCounts: alertCountsByType(database.pool) });
    const clock = opts.clock ?? systemClock;
    const jobs = await createJobRunner({
      pool: database.pool,
      notifications: database.kind === 'server',
      pollIntervalMs: parseDurationMs(config.JOBS_POLL_INTERVAL) ?? 1000,
      name: `fincelo-${role}-${process.pid}`,
      log,
    });
    const enabled = configuredChannels(config);
    for (const g of opts.gateways ?? []) enabled.add(g.channel);
    const runsEngine = role === 'all' || role === 'worker';
    // Alert timers run on a claim loop over the alerts table (src/jobs/alert-timers.ts).
    const timers: { loop?: AlertTimerLoop } = {};
    const engine: EngineDeps = {
      store: createEngineStore(database.pool),
      scheduler: {
        ...jobs.scheduler,
        alertTimerSet: async (at) => {
          timers.loop?.wake(at);
          await timers.loop?.publish(at);
        },
      },
      clock,
      enabledChannels: enabled,
      log,
    };

    // The one way tickets enter (connectors, ticket webhooks, CSV imports); analysis subscribes.
    const tickets = createTicketPipeline({ pool: database.pool, log });
    // Channels this process serves (src/bots/registry.ts lists them).
    const services = createChatServices({
      pool: database.pool,
      engine,
      cipher,
      tickets,
      publicUrl: config.PUBLIC_URL,
      log,
    });
    const gateways: ChannelGateway[] = [...(opts.gateways ?? [])];
    const channelRouters: Router[] = [];
    for (const m of CHANNEL_MODULES) {
      if (role !== 'all' && role !== m.channel) continue;
      if (!m.configured(config)) {
        log.info({ channel: m.channel }, `${m.channel}: not configured (no credentials), skipped`);
        continue;
      }
      const runtime = await m.create({
        config,
        services,
        log: log.child({ channel: m.channel }),
        pool: database.pool,
      });
      gateways.push(runtime.gateway);
      if (runtime.router) channelRouters.push(runtime.router);
      if (runtime.close) cleanup.unshift(runtime.close);
    }
    if (
      role !== 'all' &&
      CHANNEL_MODULES.some((m) => m.role && m.channel === role) &&
      !gateways.some((g) => g.channel === role)
    ) {
      throw new Error(
        `--role ${role}: the ${role} channel is not configured. Run \`fincelo doctor\` to see which variables it needs.`,
      );
    }

    const renderCard: CardRenderer = async (alertId, o) => {
      const data = await loadAlertCardData(database.pool, alertId);
      if (!data) return null;
      const view = alertViewFrom(data, { intro: o.intro, viewer: o.viewer, publicUrl: config.PUBLIC_URL });
      return { card: renderAlertCard(view), text: alertText(view) };
    };
    const repo = createDeliveriesRepo(database.pool);
    // The embedded database serves one process (lock file), so any send still marked in flight was
    // cut off by a crash: give it back now rather than after its lease.
    if (database.kind === 'embedded') await repo.releaseAllLeases();
    const workers = new Map(
      gateways.map((g) => [
        g.channel,
        createDeliveryWorker({
          gateway: g,
          repo,
          renderCard,
          log,
          metrics,
          enabledChannels: enabled,
          kick: (c) => void jobs.scheduler.kick(deliverJob(c)).catch(() => undefined),
        }),
      ]),
    );
    for (const [channel, worker] of workers) {
      jobs.define(deliverJob(channel), async () => void (await worker.drain()), {
        concurrency: 1,
        lockLimit: 1,
        localKick: true,
      });
    }

    const parallel = database.kind === 'server' ? Math.max(1, Math.min(8, config.DATABASE_POOL_MAX - 2)) : 1;
    const timerLoop = await createAlertTimerLoop({
      engine,
      pool: database.pool,
      run: runsEngine,
      notifications: database.kind === 'server',
      lanes: parallel,
      batch: 100,
      log,
      onRan: (dueAt) => metrics.escalationLag.observe((Date.now() - dueAt.getTime()) / 1000),
    });
    timers.loop = timerLoop;
    cleanup.unshift(() => timerLoop.close());
    if (runsEngine) {
      jobs.define(
        TIMER_JOB,
        async (data) => {
          const due = data.dueAt ? Date.parse(String(data.dueAt)) : NaN;
          await runAlertTimer(engine, String(data.alertId), Number(data.token));
          if (!Number.isNaN(due)) metrics.escalationLag.observe((Date.now() - due) / 1000);
        },
        // lockLimit bounds Agenda's in-memory queue: without it, thousands of timers due at once are
        // all locked into memory and its queue scan (quadratic in size) starves the event loop.
        { concurrency: 20, lockLimit: 40 },
      );
      jobs.define(REMINDER_JOB, async (data) => void (await runReminder(engine, String(data.taskId))), {
        concurrency: 5,
      });
      // Issue 20 item 5: a card not acted on in time goes once more to the person's fallback channel.
      jobs.define(
        FALLBACK_JOB,
        async (d) => void (await runFallback(engine, String(d.alertId), String(d.personId), String(d.since))),
        { concurrency: 5 },
      );
      // Timers set before this version were Agenda jobs: TIMER_JOB above still runs them (fenced by
      // the token). This recurring job is the safety net that wakes the claim loop.
      jobs.define('alerts:sweep', async () => timerLoop.wake(), { concurrency: 1, lockLimit: 1 });
      jobs.define('deliveries:sweep', async () => {
        await repo.releaseExpiredLeases();
        for (const ch of await repo.channelsWithDueWork()) await jobs.scheduler.kick(deliverJob(ch));
      });
      jobs.define(
        FEEDS_HEARTBEAT_JOB,
        async () => void (await runFeedsHeartbeat(engine, database.pool, log)),
        { concurrency: 1, lockLimit: 1 },
      );
      jobs.define('collections:scan', async () => {
        for (const id of await listWorkspaceIds(database.pool)) await scanCollections(engine, id);
      });
    }

    const features: FeatureRuntime[] = [];
    for (const f of FEATURES) {
      const rt = await f.create({
        config,
        role,
        database,
        engine,
        jobs,
        services,
        tickets,
        cipher,
        log: log.child({ feature: f.name }),
        metrics,
        runsEngine,
        servesApi: role === 'all' || role === 'api',
      });
      features.push(rt);
      if (rt.close) cleanup.unshift(rt.close);
    }

    const app = express();
    app.disable('x-powered-by');
    app.use(countRequests(metrics));
    let started = false;
    app.use(healthRoutes({ pool: database.pool, metrics, role, started: () => started }));
    for (const r of channelRouters) app.use(r);
    for (const f of features) for (const r of f.routers ?? []) app.use(r);
    if (role === 'all' || role === 'api') {
      app.use(
        '/api/v1',
        express.json({ limit: '5mb' }),
        apiV1Routes({ database, engine, extra: features.flatMap((f) => f.apiV1 ?? []) }),
      );
    }
    // The CLI's door into this process while it holds the embedded database (src/api/local-admin.ts).
    const localAdmin =
      role === 'all' && database.kind === 'embedded' ? localAdminRoutes({ database, engine }) : null;
    if (localAdmin) app.use('/local-admin', express.json({ limit: '64kb' }), localAdmin.router);
    const playgroundTrust = createPlaygroundTrust({
      exposure: config.FINCELO_PLAYGROUND,
      behindProxy: config.FINCELO_PLAYGROUND_BEHIND_PROXY === 'on',
    });
    /** Demo API keys created by this start, offered to admins in the playground. */
    const demoKeys = new Map<string, string>();
    if (role === 'all' && config.FINCELO_PLAYGROUND !== 'off') {
      // Express routing is not strict about the trailing slash: compare the raw path.
      app.use((req, res, next) =>
        req.path === '/playground' && !req.originalUrl.startsWith('/playground/')
          ? res.redirect(301, '/playground/')
          : next(),
      );
      app.use(
        '/playground',
        express.json({ limit: '1mb' }),
        playgroundRoutes({
          database,
          engine,
          trust: playgroundTrust,
          services,
          demoKeys,
          csv: services.csv,
        }),
      );
      app.get('/', (_req, res) => res.redirect('/playground/'));
    }
    app.use(apiErrorHandler(log));

    const server: Server = createServer(app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => resolve());
    });
    cleanup.unshift(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections(); // keep-alive sockets would otherwise hold close() open
        }),
    );
    server.on('error', (err) => log.error({ err }, 'HTTP server error'));
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
    const playgroundUrl =
      role === 'all' && config.FINCELO_PLAYGROUND !== 'off'
        ? `${url}/playground/${config.FINCELO_PLAYGROUND === 'local' ? `?token=${playgroundTrust.token}` : ''}`
        : null;
    if (localAdmin) cleanup.unshift(await publishLocalAdmin(config.FINCELO_DATA_DIR, url, localAdmin.secret));

    await jobs.start();
    const grace = parseDurationMs(config.SHUTDOWN_GRACE) ?? 10_000;
    cleanup.splice(1, 0, () => jobs.stop(grace));
    if (runsEngine) {
      await jobs.every('2 seconds', 'alerts:sweep');
      await jobs.every('10 seconds', 'deliveries:sweep');
      await jobs.every('1 hour', 'collections:scan');
      await jobs.every(FEEDS_HEARTBEAT_EVERY, FEEDS_HEARTBEAT_JOB); // issue 21 item 3
      for (const f of features) for (const e of f.every ?? []) await jobs.every(e.interval, e.job);
    }

    if (role === 'all' && database.kind === 'embedded' && config.FINCELO_DEMO === 'on' && !opts.noDemo) {
      const seeded = await seedDemoIfEmpty(database, engine);
      if (seeded) {
        demoKeys.set(seeded.workspaceId, seeded.apiKey);
        // The demo's key is printed once, on purpose: it is the newcomer's way from the demo to the
        // API (README quick start). Admins can see it again in the playground while this start runs.
        log.info(
          { workspaceId: seeded.workspaceId },
          `demo workspace created (FINCELO_DEMO=off to skip). Its API key, shown once: ${seeded.apiKey}`,
        );
      }
    }

    started = true;
    metrics.ready.set(1);
    log.info(
      {
        url,
        ...(playgroundUrl ? { playground: playgroundUrl } : {}),
        role,
        database: database.kind === 'embedded' ? `embedded (${database.location})` : database.location,
      },
      playgroundUrl ? `Fincelo is ready: open ${playgroundUrl} to try it` : 'Fincelo is ready',
    );
    let closed = false;
    return {
      url,
      port,
      role,
      database,
      jobs,
      engine,
      cipher,
      services,
      tickets,
      metrics,
      log,
      playgroundUrl,
      http: app,
      drain: async (channel) => (workers.get(channel) ? workers.get(channel)!.drain() : 0),
      async close() {
        if (closed) return;
        closed = true;
        for (const step of cleanup) await step().catch((err) => log.error({ err }, 'error during shutdown'));
      },
    };
  } catch (err) {
    for (const step of cleanup) await step().catch(() => {});
    throw err;
  }
}
