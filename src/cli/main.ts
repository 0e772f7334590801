import { Command, Option } from 'commander';
import { ConfigError, type Config, type ProcessRole } from '../config.js';
import { channelLogRedaction, loadConfig, PROCESS_ROLES } from '../bots/registry.js';
import { createLogger, createScrubber } from '../log.js';
import { DataDirInUseError } from '../store/embedded.js';

/** Loads configuration or exits with the list of bad variables. */
function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`fincelo: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
}

function fail(err: unknown): never {
  const msg =
    err instanceof DataDirInUseError || err instanceof ConfigError ? err.message : (err as Error).message;
  // A driver's message may quote what it was given (a connection URL): no configured secret is printed.
  process.stderr.write(`fincelo: ${createScrubber(channelLogRedaction().secrets)(msg)}\n`);
  process.exit(1);
}

/**
 * Runs `work` on the database; when the embedded database is held by a running `fincelo start`,
 * asks that server instead over its loopback admin door (src/cli/local-admin.ts).
 */
async function withDatabaseOrServer<T>(
  config: Config,
  work: (database: import('../store/database.js').Database) => Promise<T>,
  beside: { path: '/workspaces' | '/demo'; body: Record<string, unknown> },
  openDatabase: typeof import('../store/database.js').openDatabase,
): Promise<T> {
  let database: import('../store/database.js').Database;
  try {
    database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.FINCELO_DATA_DIR });
  } catch (err) {
    if (!(err instanceof DataDirInUseError) || config.DATABASE_URL) throw err;
    const { viaRunningServer } = await import('./local-admin.js');
    const r = await viaRunningServer(config.FINCELO_DATA_DIR, beside.path, beside.body);
    if (!r) throw err;
    return r as T;
  }
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

const program = new Command();
program
  .name('fincelo')
  .description('Fincelo CSM Hub: alerting and escalation for Customer Success teams, inside chat.')
  .version('0.1.0');

program
  .command('start')
  .description(
    'Start the product: every configured channel, the engine workers and the HTTP API (all-in-one), or one role.',
  )
  .addOption(
    new Option('--role <role>', 'run one process role (production: one process per channel)')
      .choices([...PROCESS_ROLES])
      .default('all'),
  )
  .action(async (o: { role: ProcessRole }) => {
    const config = configOrExit();
    const log = createLogger(config.LOG_LEVEL, undefined, channelLogRedaction());
    const { startApp } = await import('../app.js');
    let app: Awaited<ReturnType<typeof startApp>>;
    try {
      app = await startApp({ config, role: o.role, log });
    } catch (err) {
      fail(err);
    }
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down: no new jobs, finishing running ones');
      await app.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
  });

program
  .command('migrate')
  .description('Apply database migrations and exit (start does this too).')
  .action(async () => {
    const config = configOrExit();
    const { openDatabase } = await import('../store/database.js');
    const { migrate } = await import('../store/migrate.js');
    try {
      const database = await openDatabase({
        databaseUrl: config.DATABASE_URL,
        dataDir: config.FINCELO_DATA_DIR,
      });
      const applied = await migrate(database.pool);
      await database.close();
      process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'Database is up to date.\n');
    } catch (err) {
      fail(err);
    }
  });

const workspace = program.command('workspace').description('Manage workspaces.');
workspace
  .command('create')
  .description('Create a workspace and print its API key (shown once).')
  .requiredOption('--name <name>', 'workspace name')
  .option('--timezone <tz>', 'IANA time zone of the workspace', 'UTC')
  .option('--json', 'print {"workspaceId","apiKey"} as JSON')
  .action(async (o: { name: string; timezone: string; json?: boolean }) => {
    const config = configOrExit();
    const { openDatabase } = await import('../store/database.js');
    const { migrate } = await import('../store/migrate.js');
    const { createWorkspace } = await import('../store/workspaces.js');
    let created: { workspaceId: string; apiKey: string };
    try {
      created = await withDatabaseOrServer(
        config,
        async (database) => {
          await migrate(database.pool);
          return createWorkspace(database.db, { name: o.name, timezone: o.timezone });
        },
        { path: '/workspaces', body: { name: o.name, timezone: o.timezone } },
        openDatabase,
      );
    } catch (err) {
      fail(err);
    }
    if (o.json) process.stdout.write(JSON.stringify(created) + '\n');
    else
      process.stdout.write(
        `Workspace "${o.name}" created.\n  workspaceId: ${created.workspaceId}\n  API key:     ${created.apiKey}\n` +
          'Keep the API key safe: it is shown only this once. Use it as "Authorization: Bearer <key>".\n',
      );
  });

program
  .command('demo')
  .description('Create a demo workspace with people, customers, usage and invoices, and print where to look.')
  .option('--json', 'print {"workspaceId","apiKey"} as JSON')
  .action(async (o: { json?: boolean }) => {
    const config = configOrExit();
    const { DataDirInUseError: InUse } = await import('../store/embedded.js');
    let created: { workspaceId: string; apiKey: string };
    let beside = false;
    try {
      const { startApp } = await import('../app.js');
      const { seedDemo } = await import('../demo/seed.js');
      try {
        // A private, short-lived instance: no playground, no HTTP exposure, no background sweeps
        // worth waiting for; close() gives running jobs 2 s (SHUTDOWN_GRACE).
        const app = await startApp({
          config: {
            ...config,
            PORT: 0,
            HOST: '127.0.0.1',
            LOG_LEVEL: 'warn',
            FINCELO_PLAYGROUND: 'off',
            SHUTDOWN_GRACE: '2s',
          },
          noDemo: true,
          log: createLogger('warn'),
        });
        try {
          created = await seedDemo(app.database, app.engine);
        } finally {
          await app.close();
        }
      } catch (err) {
        if (!(err instanceof InUse) || config.DATABASE_URL) throw err;
        const { viaRunningServer } = await import('./local-admin.js');
        const r = await viaRunningServer(config.FINCELO_DATA_DIR, '/demo', {});
        if (!r) throw err;
        created = r;
        beside = true;
      }
    } catch (err) {
      fail(err);
    }
    if (o.json) process.stdout.write(JSON.stringify(created) + '\n');
    else
      process.stdout.write(
        `Demo workspace created (workspaceId ${created.workspaceId}).\n  API key: ${created.apiKey}\n` +
          (beside
            ? 'The running server has it: pick it in the playground’s workspace menu.\n'
            : `Run \`npm start\` and open the playground link it prints to see the alerts as each person.\n`),
      );
    // Nothing else to do: do not wait for idle sockets or timers of libraries to wind down.
    process.exitCode = 0;
    await new Promise<void>((r) => process.stdout.write('', () => r()));
    process.exit(0);
  });

program
  .command('doctor')
  .description(
    'Check configuration, database and each channel’s credentials; print what is missing and how to fix it.',
  )
  .action(async () => {
    const { runDoctor } = await import('./doctor.js');
    const ok = await runDoctor(process.env, (line) => process.stdout.write(line + '\n'));
    process.exit(ok ? 0 : 1);
  });

program
  .command('csv')
  .description('CSV ticket exports (what the chat import reads).')
  .command('inspect <file>')
  .description(
    'Detected format, encoding, delimiter, field mapping with confidence, and the first rows normalised.',
  )
  .option('--json', 'machine-readable output')
  .option('--rows <n>', 'rows to normalise', (v) => Number.parseInt(v, 10), 5)
  .option('--timezone <tz>', 'time zone for dates without one (the workspace time zone in chat)', 'UTC')
  .action(async (file: string, o: { json?: boolean; rows: number; timezone: string }) => {
    const { inspectCsvFile } = await import('./csv.js');
    process.exitCode = await inspectCsvFile(file, o, (line) => process.stdout.write(line + '\n'));
  });

program
  .command('analyze')
  .description(
    'Score tickets: JSON lines {"id","subject","body"} on stdin → one JSON line each on stdout; --rescore re-scores stored tickets.',
  )
  .option('--rescore', 'analyze every stored ticket again with the current analyzer (no alerts are raised)')
  .option('--workspace <id>', 'with --rescore: only this workspace')
  .action(async (o: { rescore?: boolean; workspace?: string }) => {
    const config = configOrExit();
    const { runAnalyze } = await import('./analyze.js');
    try {
      process.exitCode = await runAnalyze(config, o);
    } catch (err) {
      fail(err);
    }
  });

await program.parseAsync(process.argv);
