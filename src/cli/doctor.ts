import { ConfigError, type Config } from '../config.js';
import { CHANNEL_MODULES, loadConfig } from '../bots/registry.js';
import { DataDirInUseError } from '../store/embedded.js';

type Out = (line: string) => void;

/** Prints a check list; returns false when something blocks start-up. */
export async function runDoctor(env: NodeJS.ProcessEnv, out: Out): Promise<boolean> {
  let ok = true;
  let config: Config;
  try {
    config = loadConfig(env);
    out('✔ configuration: every variable is valid');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    out('✘ configuration:');
    for (const p of err.problems) out(`    ${p}`);
    return false;
  }

  const { openDatabase } = await import('../store/database.js');
  const { pendingMigrations } = await import('../store/migrate.js');
  try {
    const database = await openDatabase({
      databaseUrl: config.DATABASE_URL,
      dataDir: config.FINCELO_DATA_DIR,
    });
    try {
      await database.pool.query('SELECT 1');
      const pending = await pendingMigrations(database.pool);
      out(
        `✔ database: ${database.kind === 'embedded' ? `embedded PGlite in ${database.location}` : database.location} reachable`,
      );
      if (pending.length)
        out(
          `  ! ${pending.length} migration(s) not applied yet (${pending.join(', ')}): \`fincelo migrate\` or start applies them`,
        );
    } finally {
      await database.close();
    }
  } catch (err) {
    ok = false;
    if (err instanceof DataDirInUseError)
      out(
        `✔ database: embedded data directory is in use by a running Fincelo (pid ${err.pid}) — that is fine`,
      );
    else
      out(
        `✘ database: ${(err as Error).message}\n    Fix DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/fincelo), or unset it to use the embedded database.`,
      );
    if (err instanceof DataDirInUseError) ok = true;
  }

  if (config.DATABASE_URL && !config.FINCELO_ENCRYPTION_KEY) {
    ok = false;
    out(
      '✘ FINCELO_ENCRYPTION_KEY: required with DATABASE_URL so every process can read stored credentials. Example: FINCELO_ENCRYPTION_KEY=$(openssl rand -hex 32)',
    );
  } else if (!config.FINCELO_ENCRYPTION_KEY) {
    out(
      `  ! FINCELO_ENCRYPTION_KEY not set: the embedded mode keeps a generated key in ${config.FINCELO_DATA_DIR}/encryption.key (back it up)`,
    );
  } else out('✔ FINCELO_ENCRYPTION_KEY is set');

  // Each channel's own checks (its descriptor, src/bots/<channel>/descriptor.ts).
  for (const ch of CHANNEL_MODULES)
    for (const check of ch.doctor(config)) {
      out(check.line);
      if (!check.ok) ok = false;
    }
  return ok;
}
