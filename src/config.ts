import { z } from 'zod';
import type { Channel } from './engine/types.js';
export { parseDurationMs } from './engine/duration.js';

/**
 * Every environment variable the product reads, validated once at start-up. The settings of the
 * product itself are here; each chat channel brings its own (its descriptor in
 * src/bots/<channel>/descriptor.ts), and src/bots/registry.ts's `loadConfig` reads both.
 * `.env.example` documents each one; keep the two in step.
 */
export interface VarSpec {
  schema: z.ZodType;
  example: string;
}

/**
 * A process role: all-in-one, one channel alone (those whose descriptor has `role`; the list is
 * src/bots/registry.ts PROCESS_ROLES), the engine worker, or the API.
 */
export type ProcessRole = 'all' | 'worker' | 'api' | Channel;

/** The settings a group of variables yields (a channel's `SettingsOf<typeof env>`). */
export type SettingsOf<S extends Record<string, VarSpec>> = { [K in keyof S]: z.output<S[K]['schema']> };

/**
 * The settings the channels add to `Config`: each channel's descriptor augments this interface
 * with its own variables (`declare module '../../config.js'`), so a channel's code reads its
 * settings typed and this file names none of them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ChannelSettings {}

export const optionalUrl = z.url({ message: 'must be an absolute URL' }).optional();
export const duration = z
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
} satisfies Record<string, VarSpec>;

/** The settings read after the channels' (kept in this order: the order of .env.example). */
const lateSpec = {
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

export type Config = SettingsOf<typeof spec> & SettingsOf<typeof lateSpec> & ChannelSettings;

/** A configuration problem, written for the person starting the process. */
export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A channel's variables, and those of them that hold credentials (never echoed, always scrubbed). */
export interface ConfigGroup {
  env: Record<string, VarSpec>;
  secrets: readonly string[];
}

/**
 * Reads and validates every variable of the product and of the given channel groups (their
 * variables come after the product's own, before the intelligence and connector settings, as in
 * `.env.example`); throws ConfigError naming each bad variable. Callers use
 * src/bots/registry.ts's `loadConfig`, which passes every channel's variables.
 */
export function readConfig(
  env: NodeJS.ProcessEnv = process.env,
  channels: readonly ConfigGroup[] = [],
): Config {
  const all: Record<string, VarSpec> = Object.assign({}, spec, ...channels.map((c) => c.env), lateSpec);
  const secret = new Set(channels.flatMap((c) => c.secrets));
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, { schema, example }] of Object.entries(all)) {
    const raw = env[name] === '' ? undefined : env[name];
    const parsed = schema.safeParse(raw);
    if (parsed.success) {
      out[name] = parsed.data;
    } else {
      const why = parsed.error.issues.map((i) => i.message).join('; ');
      const shown =
        raw !== undefined && (isSecretName(name) || secret.has(name))
          ? '(hidden)'
          : JSON.stringify(withoutPassword(raw));
      problems.push(`${name} ${why} (got ${shown}). Example: ${example}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return out as unknown as Config;
}

/** A variable whose value is a credential by its name; a channel also lists its own (descriptor `secrets`). */
export function isSecretName(name: string): boolean {
  return /KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL|SERVICE_ACCOUNT_JSON/.test(name);
}

/** A URL-like value with its password masked (a mistyped DATABASE_URL is shown, its password not). */
export function withoutPassword(raw: string | undefined): string | undefined {
  return raw?.replace(/^([^:/?#\s]*:\/\/[^:/@\s]*:)[^@\s]*@/, '$1***@');
}

/**
 * Every secret the configuration holds, for the logger to scrub from every line at every level:
 * the values of secret-named variables and of the variables the channels declare secret
 * (`names`), the password of DATABASE_URL (however it is written) and the private key of a
 * service account given inline.
 */
export function secretValues(env: object = process.env, names: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env as Record<string, unknown>)) {
    if (typeof value !== 'string' || !value) continue;
    if (isSecretName(name) || names.includes(name)) out.push(value);
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
