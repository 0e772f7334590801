import { pino, stdSerializers, type Logger } from 'pino';

/**
 * Structured logs. Anything that looks like a credential is redacted wherever it appears
 * in a logged object, so a careless `log.info({ config })` cannot leak a token.
 */
const SECRET_KEYS = [
  'password',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'apiKey',
  'api_key',
  'secret',
  'clientSecret',
  'signingSecret',
  'webhookSecret',
  'privateKey',
  'private_key',
  'credentials',
  'authorization',
  'Authorization',
];

/**
 * The product's own paths; each channel adds `config.<secret>` for the secrets it declares and its
 * own (a signature header): src/bots/registry.ts channelLogRedaction, passed as `redactPaths`.
 */
export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'headers.authorization',
  'req.headers.authorization',
  'config.FINCELO_ENCRYPTION_KEY',
  'config.OPENAI_API_KEY',
  'config.ANTHROPIC_API_KEY',
  'config.FINCELO_LLM_API_KEY',
  'config.DATABASE_URL',
];

/**
 * HTTP client errors (axios, gaxios, fetch wrappers) carry the whole request — headers with bearer
 * tokens, bodies with credentials — as enumerable properties that pino's standard serializer would
 * print. Keep what helps to debug (message, code, status, method, URL without its query) and drop
 * the rest.
 */
export function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const e = err as Error & {
    config?: { url?: string; method?: string };
    response?: { status?: number };
    request?: unknown;
  };
  if (!e.config && !e.response && !e.request) return stdSerializers.err(err);
  const plain = Object.assign(new Error(e.message), { name: e.name, stack: e.stack }) as Error &
    Record<string, unknown>;
  const code = (e as { code?: unknown }).code;
  if (code !== undefined) plain.code = code;
  if (e.response?.status) plain.status = e.response.status;
  if (e.config?.method) plain.method = String(e.config.method).toUpperCase();
  if (e.config?.url) plain.url = String(e.config.url).split('?')[0];
  return stdSerializers.err(plain);
}

/**
 * Credentials recognisable by their shape, wherever they appear in a line (a message text, an
 * error message, a URL): Slack-shaped tokens (xox…-, xapp-: api.slack.com/authentication/token-types),
 * bearer headers and the password of a connection URL.
 */
const TOKEN_PATTERNS = [
  /\bxox[abeposr]-[A-Za-z0-9-]{8,}/g,
  /\bxapp-[A-Za-z0-9-]{8,}/g,
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s"]*:)[^@\s"]+@/gi,
];

/**
 * Removes every configured secret value (and its JSON-escaped form) and anything shaped like a
 * credential from one serialized log line. Runs on the finished line, after pino's key-based
 * redaction, so a secret embedded in a message string (Bolt's debug logs print its installer
 * options, client secret included) or in an error message is caught too.
 */
export function createScrubber(secrets: readonly string[] = []): (line: string) => string {
  const values = [
    ...new Set(
      secrets
        .filter((v) => typeof v === 'string' && v.length >= 6)
        .flatMap((v) => [v, JSON.stringify(v).slice(1, -1)]),
    ),
  ].sort((a, b) => b.length - a.length);
  const escape = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const known = values.length ? new RegExp(values.map(escape).join('|'), 'g') : null;
  return (line) => {
    let out = known ? line.replace(known, '[redacted]') : line;
    for (const p of TOKEN_PATTERNS)
      out = out.replace(p, (m, g1: string | undefined) =>
        p === TOKEN_PATTERNS[3]
          ? `${g1}[redacted]@`
          : p === TOKEN_PATTERNS[2]
            ? `${g1} [redacted]`
            : '[redacted]',
      );
    return out;
  };
}

export interface LoggerOptions {
  /** Values that must never appear in a log line (the configured secrets, see secretValues). */
  secrets?: readonly string[];
  /** More paths to redact by key (the channels': src/bots/registry.ts channelLogRedaction). */
  redactPaths?: readonly string[];
}

export function createLogger(
  level = 'info',
  destination?: NodeJS.WritableStream,
  opts: LoggerOptions = {},
): Logger {
  const scrub = createScrubber(opts.secrets);
  const target = (destination ?? pino.destination({ dest: 1, sync: true })) as { write(s: string): unknown };
  return pino(
    {
      level,
      redact: { paths: [...new Set([...REDACT_PATHS, ...(opts.redactPaths ?? [])])], censor: '[redacted]' },
      serializers: { err: serializeError },
      base: { app: 'fincelo' },
    },
    { write: (line: string) => target.write(scrub(line)) } as unknown as pino.DestinationStream,
  );
}

export type { Logger };
