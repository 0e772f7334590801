import { z } from 'zod';
export { parseDurationMs } from './engine/duration.js';

/**
 * Every environment variable the product reads, validated once at start-up.
 * `.env.example` documents each one; keep the two in step.
 */
const roles = ['all', 'slack', 'teams', 'gchat', 'whatsapp', 'worker', 'api'] as const;
export type ProcessRole = (typeof roles)[number];

interface VarSpec {
  schema: z.ZodType;
  example: string;
}

const optionalUrl = z.url({ message: 'must be an absolute URL' }).optional();
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, { message: 'must be a number followed by ms, s, m, h or d' });

const spec = {
  PORT: {
    schema: z.coerce.number().int().min(0).max(65535).default(3978),
    example: 'PORT=3978',
  },
  HOST: { schema: z.string().min(1).default('0.0.0.0'), example: 'HOST=127.0.0.1' },
  FINCELO_DATA_DIR: { schema: z.string().min(1).default('./data'), example: 'FINCELO_DATA_DIR=./data' },
  DATABASE_URL: {
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must start with postgres:// or postgresql://' })
      .optional(),
    example: 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/fincelo',
  },
  DATABASE_POOL_MAX: {
    schema: z.coerce.number().int().min(1).max(200).default(10),
    example: 'DATABASE_POOL_MAX=10',
  },
  FINCELO_ENCRYPTION_KEY: {
    schema: z
      .string()
      .refine((v) => decodeKey(v) !== null, {
        message: 'must be 32 bytes written as 64 hex characters or 44 base64 characters',
      })
      .optional(),
    example: 'FINCELO_ENCRYPTION_KEY=$(openssl rand -hex 32)',
  },
  FINCELO_DEMO: {
    schema: z.enum(['on', 'off']).default('on'),
    example: 'FINCELO_DEMO=off',
  },
  FINCELO_PLAYGROUND: {
    schema: z.enum(['local', 'public', 'off']).default('local'),
    example: 'FINCELO_PLAYGROUND=off',
  },
  // The playground refuses requests that came through a proxy (X-Forwarded-For, Forwarded, Via…):
  // a proxy on the same host would otherwise make every visitor look local. `on` lets them in
  // (they still need the per-start token); see README "Reaching the playground from another machine".
  FINCELO_PLAYGROUND_BEHIND_PROXY: {
    schema: z.enum(['on', 'off']).default('off'),
    example: 'FINCELO_PLAYGROUND_BEHIND_PROXY=on',
  },
  PUBLIC_URL: { schema: optionalUrl, example: 'PUBLIC_URL=https://fincelo.example.com' },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    example: 'LOG_LEVEL=info',
  },
  JOBS_POLL_INTERVAL: { schema: duration.default('1s'), example: 'JOBS_POLL_INTERVAL=1s' },
  SHUTDOWN_GRACE: { schema: duration.default('10s'), example: 'SHUTDOWN_GRACE=10s' },
  SLACK_BOT_TOKEN: {
    schema: z.string().startsWith('xoxb-', { message: 'must be a bot token starting with xoxb-' }).optional(),
    example: 'SLACK_BOT_TOKEN=xoxb-123-456-abc',
  },
  SLACK_SIGNING_SECRET: { schema: z.string().min(8).optional(), example: 'SLACK_SIGNING_SECRET=8f2c…' },
  SLACK_APP_TOKEN: {
    schema: z
      .string()
      .startsWith('xapp-', { message: 'must be an app token starting with xapp-' })
      .optional(),
    example: 'SLACK_APP_TOKEN=xapp-1-A0…',
  },
  SLACK_API_URL: { schema: optionalUrl, example: 'SLACK_API_URL=http://127.0.0.1:4001/api/' },
  SLACK_CLIENT_ID: { schema: z.string().min(1).optional(), example: 'SLACK_CLIENT_ID=1234567890.1234567890' },
  SLACK_CLIENT_SECRET: { schema: z.string().min(8).optional(), example: 'SLACK_CLIENT_SECRET=3f9a…' },
  SLACK_STATE_SECRET: {
    schema: z.string().min(16, { message: 'must be at least 16 characters' }).optional(),
    example: 'SLACK_STATE_SECRET=$(openssl rand -hex 16)',
  },
  SLACK_WORKSPACE_ID: {
    schema: z.uuid({ message: 'must be a workspace id (UUID)' }).optional(),
    example: 'SLACK_WORKSPACE_ID=0b9f6c1e-…',
  },
  MICROSOFT_APP_ID: { schema: z.string().min(1).optional(), example: 'MICROSOFT_APP_ID=00000000-0000-…' },
  MICROSOFT_APP_PASSWORD: { schema: z.string().min(1).optional(), example: 'MICROSOFT_APP_PASSWORD=…' },
  MICROSOFT_APP_TENANT_ID: { schema: z.string().min(1).optional(), example: 'MICROSOFT_APP_TENANT_ID=…' },
  MICROSOFT_APP_AUTHORITY: {
    schema: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).optional(),
    example: 'MICROSOFT_APP_AUTHORITY=https://login.microsoftonline.us',
  },
  TEAMS_ANONYMOUS: { schema: z.enum(['on', 'off']).default('off'), example: 'TEAMS_ANONYMOUS=on' },
  GOOGLE_CHAT_SERVICE_ACCOUNT_FILE: {
    schema: z.string().min(1).optional(),
    example: 'GOOGLE_CHAT_SERVICE_ACCOUNT_FILE=/etc/fincelo/chat-sa.json',
  },
  GOOGLE_CHAT_API_URL: { schema: optionalUrl, example: 'GOOGLE_CHAT_API_URL=http://127.0.0.1:4003/' },
  GOOGLE_CHAT_SERVICE_ACCOUNT_JSON: {
    schema: z.string().min(1).optional(),
    example: 'GOOGLE_CHAT_SERVICE_ACCOUNT_JSON={"type":"service_account",…}',
  },
  GOOGLE_CHAT_AUDIENCE_TYPE: {
    schema: z.enum(['endpoint_url', 'project_number']).default('endpoint_url'),
    example: 'GOOGLE_CHAT_AUDIENCE_TYPE=project_number',
  },
  GOOGLE_CHAT_AUDIENCE: {
    schema: z.string().min(1).optional(),
    example: 'GOOGLE_CHAT_AUDIENCE=https://fincelo.example.com/gchat/events',
  },
  GOOGLE_CHAT_PROJECT_NUMBER: {
    schema: z.string().regex(/^\d+$/, { message: 'must be the numeric Cloud project number' }).optional(),
    example: 'GOOGLE_CHAT_PROJECT_NUMBER=123456789012',
  },
  GOOGLE_CHAT_CERTS_URL: {
    schema: optionalUrl,
    example: 'GOOGLE_CHAT_CERTS_URL=http://127.0.0.1:4005/certs',
  },
  WHATSAPP_PHONE_NUMBER_ID: {
    schema: z.string().min(1).optional(),
    example: 'WHATSAPP_PHONE_NUMBER_ID=1234567890',
  },
  WHATSAPP_ACCESS_TOKEN: { schema: z.string().min(1).optional(), example: 'WHATSAPP_ACCESS_TOKEN=EAAG…' },
  WHATSAPP_APP_SECRET: { schema: z.string().min(1).optional(), example: 'WHATSAPP_APP_SECRET=…' },
  WHATSAPP_VERIFY_TOKEN: { schema: z.string().min(1).optional(), example: 'WHATSAPP_VERIFY_TOKEN=…' },
  WHATSAPP_WORKSPACE_ID: {
    schema: z.uuid({ message: 'must be a workspace id (UUID)' }).optional(),
    example: 'WHATSAPP_WORKSPACE_ID=0b9f6c1e-…',
  },
  WHATSAPP_API_URL: { schema: optionalUrl, example: 'WHATSAPP_API_URL=http://127.0.0.1:4004/' },
  WHATSAPP_GRAPH_VERSION: {
    schema: z
      .string()
      .regex(/^v\d+\.\d+$/, { message: 'must be a Graph API version such as v26.0' })
      .default('v26.0'),
    example: 'WHATSAPP_GRAPH_VERSION=v26.0',
  },
  WHATSAPP_TEMPLATE_ALERT: {
    schema: z.string().min(1).default('fincelo_alert'),
    example: 'WHATSAPP_TEMPLATE_ALERT=fincelo_alert',
  },
  WHATSAPP_TEMPLATE_NOTICE: {
    schema: z.string().min(1).default('fincelo_notice'),
    example: 'WHATSAPP_TEMPLATE_NOTICE=fincelo_notice',
  },
  WHATSAPP_TEMPLATE_LANGUAGE: {
    schema: z.string().min(2).default('en'),
    example: 'WHATSAPP_TEMPLATE_LANGUAGE=en_GB',
  },
  WHATSAPP_TEMPLATE_ALERT_PARAMS: {
    schema: z
      .string()
      .regex(/^(headline|summary|fact:[^,]+)(,(headline|summary|fact:[^,]+))*$/, {
        message: 'must list headline, summary or fact:<Title>, comma-separated',
      })
      .default('headline,summary'),
    example: 'WHATSAPP_TEMPLATE_ALERT_PARAMS=headline,fact:Usage',
  },
  WHATSAPP_TEMPLATE_ALERT_BUTTONS: {
    schema: z
      .string()
      .regex(/^(acknowledge|snooze|resolve|open)(,(acknowledge|snooze|resolve|open)){0,2}$/, {
        message: 'must list up to 3 of acknowledge, snooze, resolve, open, comma-separated',
      })
      .default('acknowledge,snooze,open'),
    example: 'WHATSAPP_TEMPLATE_ALERT_BUTTONS=acknowledge,snooze,open',
  },
  WHATSAPP_RATE_PER_SECOND: {
    schema: z.coerce.number().int().min(1).max(1000).default(80),
    example: 'WHATSAPP_RATE_PER_SECOND=80',
  },
  WHATSAPP_RECIPIENT_GAP: { schema: duration.default('1s'), example: 'WHATSAPP_RECIPIENT_GAP=1s' },
  // Support intelligence: the optional LLM ticket analyzer (unset = the offline local analyzer).
  FINCELO_LLM_PROVIDER: {
    schema: z.enum(['openai', 'anthropic', 'ollama']).optional(),
    example: 'FINCELO_LLM_PROVIDER=openai',
  },
  FINCELO_LLM_MODEL: { schema: z.string().min(1).optional(), example: 'FINCELO_LLM_MODEL=gpt-4o-mini' },
  FINCELO_LLM_API_KEY: { schema: z.string().min(1).optional(), example: 'FINCELO_LLM_API_KEY=sk-…' },
  FINCELO_LLM_BASE_URL: { schema: optionalUrl, example: 'FINCELO_LLM_BASE_URL=http://127.0.0.1:11434' },
  FINCELO_LLM_TIMEOUT: { schema: duration.default('20s'), example: 'FINCELO_LLM_TIMEOUT=20s' },
  FINCELO_LLM_CONCURRENCY: {
    schema: z.coerce.number().int().min(1).max(32).default(4),
    example: 'FINCELO_LLM_CONCURRENCY=4',
  },
  // Connector SSRF guard (src/connectors/runtime/egress.ts): hosts a connector may reach although
  // they are not the platform's own or resolve to an internal address (local fakes, a proxy).
  FINCELO_CONNECTOR_ALLOW_HOSTS: {
    schema: z.string().max(2000).optional(),
    example: 'FINCELO_CONNECTOR_ALLOW_HOSTS=127.0.0.1,localhost',
  },
} satisfies Record<string, VarSpec>;

type Spec = typeof spec;
export type Config = { [K in keyof Spec]: z.output<Spec[K]['schema']> };

/** A configuration problem, written for the person starting the process. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates every variable; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, { schema, example }] of Object.entries(spec) as [string, VarSpec][]) {
    const raw = env[name] === '' ? undefined : env[name];
    const parsed = schema.safeParse(raw);
    if (parsed.success) {
      out[name] = parsed.data;
    } else {
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      const shown =
        raw !== undefined && isSecretName(name) ? '(hidden)' : JSON.stringify(withoutPassword(raw));
      problems.push(`${name} ${why} (got ${shown}). Example: ${example}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Config;
}

function isSecretName(name: string): boolean {
  return /KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL|SERVICE_ACCOUNT_JSON/.test(name);
}

/** A URL-like value with its password masked (a mistyped DATABASE_URL is shown, its password not). */
export function withoutPassword(raw: string | undefined): string | undefined {
  return raw?.replace(/^([^:/?#\s]*:\/\/[^:/@\s]*:)[^@\s]*@/, '$1***@');
}

/**
 * Every secret the configuration holds, for the logger to scrub from every line at every level:
 * the values of secret-named variables, the password of DATABASE_URL (however it is written) and
 * the private key of a Google service account given inline.
 */
export function secretValues(env: NodeJS.ProcessEnv | Record<string, unknown> = process.env): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== 'string' || !value) continue;
    if (isSecretName(name)) out.push(value);
    if (/_URL$/.test(name)) {
      const pw = /^[^:/?#\s]*:\/\/[^:/@\s]*:([^@\s]+)@/.exec(value)?.[1];
      if (pw) out.push(pw, decodeURIComponentSafe(pw));
    }
    if (/SERVICE_ACCOUNT_JSON$/.test(name)) {
      try {
        const key = (JSON.parse(value) as { private_key?: string }).private_key;
        if (key) out.push(key, ...key.split('\n').filter((l) => l.length >= 16 && !l.startsWith('-----')));
      } catch {
        /* not JSON: the whole value is already listed */
      }
    }
  }
  return out;
}

function decodeURIComponentSafe(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

/** Decodes a 32-byte key given as hex or base64; null when it is neither. */
export function decodeKey(value: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/]{43}=?$/.test(value)) {
    const b = Buffer.from(value, 'base64');
    return b.length === 32 ? b : null;
  }
  return null;
}

export const PROCESS_ROLES = roles;
