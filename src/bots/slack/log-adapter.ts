import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../log.js';

/**
 * Bolt, WebClient and the OAuth installer log through this adapter into the product's pino
 * logger (its level and redaction apply). Slack's loggers take a list of arguments; an Error among
 * them becomes pino's `err`. The other arguments become the message text, where key-based
 * redaction cannot see them — Bolt's debug logs print its installer options, client secret
 * included (issue 15 item 8) —, so the logger also scrubs every finished line of the configured
 * secrets and of anything shaped like a Slack token (createScrubber in src/log.ts).
 */
export function slackLogger(log: Logger): SlackLogger {
  let level: LogLevel = LogLevel.INFO;
  const write =
    (fn: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) => {
      const err = msg.find((m): m is Error => m instanceof Error);
      const text = msg
        .filter((m) => m !== err)
        .map((m) => (typeof m === 'string' ? m : JSON.stringify(m)))
        .join(' ');
      log[fn](err ? { err } : {}, text || err?.message || 'slack');
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    // pino's level governs; remember what Bolt asked for so getLevel() is consistent.
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}
