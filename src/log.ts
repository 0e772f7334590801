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

export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'config.FINCELO_ENCRYPTION_KEY',
  'config.SLACK_BOT_TOKEN',
  'config.SLACK_SIGNING_SECRET',
  'config.SLACK_CLIENT_SECRET',
  'config.SLACK_APP_TOKEN',
  'config.SLACK_STATE_SECRET',
  'config.GOOGLE_CHAT_SERVICE_ACCOUNT_JSON',
  'config.OPENAI_API_KEY',
  'config.ANTHROPIC_API_KEY',
  'config.FINCELO_LLM_API_KEY',
  'config.MICROSOFT_APP_PASSWORD',
  'config.WHATSAPP_ACCESS_TOKEN',
  'config.WHATSAPP_APP_SECRET',
  'config.WHATSAPP_VERIFY_TOKEN',
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

export function createLogger(level = 'info', destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
      base: { app: 'fincelo' },
    },
    destination as pino.DestinationStream | undefined,
  );
}

export type { Logger };
