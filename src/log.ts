import { pino, type Logger } from 'pino';

/**
 * Structured logs. Anything that looks like a credential is redacted wherever it appears
 * in a logged object, so a careless `log.info({ config })` cannot leak a token.
 */
export const REDACT_PATHS = [
  '*.password',
  '*.token',
  '*.accessToken',
  '*.apiKey',
  '*.secret',
  '*.signingSecret',
  '*.webhookSecret',
  '*.credentials',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers["x-slack-signature"]',
  'config.FINCELO_ENCRYPTION_KEY',
  'config.SLACK_BOT_TOKEN',
  'config.SLACK_SIGNING_SECRET',
  'config.SLACK_APP_TOKEN',
  'config.MICROSOFT_APP_PASSWORD',
  'config.WHATSAPP_ACCESS_TOKEN',
  'config.WHATSAPP_APP_SECRET',
  'config.DATABASE_URL',
];

export function createLogger(level = 'info', destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: { app: 'fincelo' } },
    destination as pino.DestinationStream | undefined,
  );
}

export type { Logger };
