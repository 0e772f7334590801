import { ConfigError, loadConfig, type Config } from '../config.js';
import { DataDirInUseError } from '../store/embedded.js';

type Out = (line: string) => void;

interface ChannelCheck {
  name: string;
  /** Every entry is required; an entry that is a list is satisfied by any one of its variables. */
  vars: (keyof Config | (keyof Config)[])[];
  hint: string;
}

const CHANNELS: ChannelCheck[] = [
  {
    name: 'Slack',
    vars: ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'],
    hint: 'create the app from manifests/slack/manifest.yaml, install it, copy the bot token and signing secret',
  },
  {
    name: 'Microsoft Teams',
    vars: ['MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID'],
    hint: 'register an Azure Bot (single tenant) and copy its app id, client secret and tenant id',
  },
  {
    name: 'Google Chat',
    vars: [['GOOGLE_CHAT_SERVICE_ACCOUNT_FILE', 'GOOGLE_CHAT_SERVICE_ACCOUNT_JSON'], 'GOOGLE_CHAT_AUDIENCE'],
    hint: 'create a service account with the Chat API enabled, give its JSON key (file or JSON), and set the audience the Chat app configuration uses (manifests/gchat/README.md)',
  },
  {
    name: 'WhatsApp Business',
    vars: [
      'WHATSAPP_PHONE_NUMBER_ID',
      'WHATSAPP_ACCESS_TOKEN',
      'WHATSAPP_APP_SECRET',
      'WHATSAPP_VERIFY_TOKEN',
    ],
    hint: 'from the Meta app dashboard (WhatsApp → API setup)',
  },
];

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

  const label = (v: ChannelCheck['vars'][number]) => (Array.isArray(v) ? v.join(' or ') : v);
  for (const ch of CHANNELS) {
    const missing = ch.vars.filter((v) => (Array.isArray(v) ? v.every((x) => !config[x]) : !config[v]));
    if (missing.length === ch.vars.length)
      out(
        `- ${ch.name}: not configured (optional). To enable: ${ch.hint}; set ${ch.vars.map(label).join(', ')}`,
      );
    else if (missing.length) {
      out(`✘ ${ch.name}: partly configured, missing ${missing.map(label).join(', ')} (${ch.hint})`);
      ok = false;
    } else out(`✔ ${ch.name}: credentials present`);
  }
  out('- playground: always available in all-in-one mode at /playground/');
  return ok;
}
