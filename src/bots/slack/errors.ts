import { webApi } from '@slack/bolt';
import { PermanentDeliveryError } from '../../channels/port.js';

/** Slack error codes that retrying cannot fix, with what an admin should do about each. */
const PERMANENT: Record<string, string> = {
  invalid_auth: 'Slack rejected the bot token: reinstall the Slack app, or update SLACK_BOT_TOKEN.',
  not_authed: 'No Slack bot token was sent: set SLACK_BOT_TOKEN or reinstall the Slack app.',
  token_revoked: 'The Slack bot token was revoked: reinstall the Slack app.',
  token_expired: 'The Slack bot token expired: reinstall the Slack app.',
  account_inactive: 'The Slack app was deactivated in that workspace: reinstall it.',
  team_access_not_granted: 'The Slack app has no access to that workspace: reinstall it.',
  missing_scope:
    'The Slack app lacks a permission: update it from manifests/slack/manifest.yaml and reinstall it.',
  channel_not_found: 'The Slack conversation no longer exists, or the app is not in it.',
  not_in_channel: 'The Slack app is not a member of that conversation.',
  is_archived: 'The Slack conversation is archived.',
  users_not_found: 'No Slack user has that email address.',
  user_not_found: 'That Slack user no longer exists.',
  user_disabled: 'That Slack user is deactivated.',
  cannot_dm_bot: 'That Slack user is a bot and cannot receive direct messages.',
  invalid_blocks: 'Slack refused the message layout (invalid_blocks); please report this as a bug.',
  msg_too_long: 'The message is too long for Slack; please report this as a bug.',
  no_text: 'Slack refused an empty message; please report this as a bug.',
  invalid_arguments: 'Slack refused the request (invalid_arguments); please report this as a bug.',
};

/** The Slack error code (`channel_not_found`, …) of a Web API failure, if it is one. */
export function slackErrorCode(err: unknown): string | null {
  const e = err as { code?: string; data?: { error?: string } };
  return e?.code === webApi.ErrorCode.PlatformError ? (e.data?.error ?? null) : null;
}

/** Seconds Slack asked us to wait (HTTP 429 Retry-After), if the call was rate limited. */
export function retryAfterSeconds(err: unknown): number | null {
  const e = err as { code?: string; retryAfter?: number };
  return e?.code === webApi.ErrorCode.RateLimitedError ? Number(e.retryAfter ?? 1) : null;
}

/**
 * Turns a Web API failure into what the outbox understands: an error with `retryAfterMs` for a
 * 429, a PermanentDeliveryError for a hopeless send, any other error for "retry with backoff".
 */
export function toDeliveryError(err: unknown, method: string): Error {
  const wait = retryAfterSeconds(err);
  if (wait !== null) {
    return Object.assign(new Error(`Slack rate limit on ${method}: Slack asked to retry in ${wait} s`), {
      retryAfterMs: Math.max(1, wait) * 1000,
    });
  }
  const code = slackErrorCode(err);
  if (code && PERMANENT[code]) return new PermanentDeliveryError(`${PERMANENT[code]} (${method}: ${code})`);
  if (code) return new Error(`Slack ${method} failed: ${code}`);
  if (err instanceof Error) return err;
  return new Error(`Slack ${method} failed: ${String(err)}`);
}
