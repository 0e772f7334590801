import type { Config } from '../../config.js';

/**
 * How this deployment connects to Slack.
 *
 * * `token` — one Slack workspace: the bot token of an app installed there (SLACK_BOT_TOKEN), with
 *   the signing secret for HTTP, or an app-level token (SLACK_APP_TOKEN) for Socket Mode.
 * * `oauth` — any number of Slack workspaces install the app through /slack/install; each
 *   installation (bot token included) is stored encrypted in chat_installations and bound to the
 *   Fincelo workspace created for that Slack team. Needs HTTP (Socket Mode apps cannot be
 *   distributed: docs.slack.dev/apis/events-api/using-socket-mode).
 */
export type SlackMode =
  | { kind: 'token'; botToken: string; signingSecret?: string; appToken?: string }
  | { kind: 'oauth'; clientId: string; clientSecret: string; stateSecret: string; signingSecret: string };

/** The mode the configuration selects, or null when Slack is not (fully) configured. */
export function slackMode(config: Config): SlackMode | null {
  const { SLACK_CLIENT_ID, SLACK_CLIENT_SECRET, SLACK_STATE_SECRET, SLACK_SIGNING_SECRET } = config;
  if (SLACK_CLIENT_ID && SLACK_CLIENT_SECRET && SLACK_STATE_SECRET && SLACK_SIGNING_SECRET) {
    return {
      kind: 'oauth',
      clientId: SLACK_CLIENT_ID,
      clientSecret: SLACK_CLIENT_SECRET,
      stateSecret: SLACK_STATE_SECRET,
      signingSecret: SLACK_SIGNING_SECRET,
    };
  }
  if (config.SLACK_BOT_TOKEN && (SLACK_SIGNING_SECRET || config.SLACK_APP_TOKEN)) {
    return {
      kind: 'token',
      botToken: config.SLACK_BOT_TOKEN,
      signingSecret: SLACK_SIGNING_SECRET,
      appToken: config.SLACK_APP_TOKEN,
    };
  }
  return null;
}

/** The slash command (manifests/slack/manifest.yaml declares the same). */
export const SLACK_COMMAND = '/fincelo';

/**
 * Bot scopes the app asks for (kept equal to the manifest's oauth_config.scopes.bot):
 * chat:write (post/update cards, ephemeral replies), im:write (conversations.open for DMs),
 * im:history (message.im events: commands typed in the DM), users:read + users:read.email
 * (users.info, users.lookupByEmail), commands (/fincelo).
 */
export const SLACK_BOT_SCOPES = [
  // channels:history / groups:history: message.channels / message.groups, so a CSV export shared in
  // a channel the app was added to starts an import in that thread (other messages are ignored).
  'channels:history',
  'chat:write',
  'commands',
  // files:read: download a CSV export shared with the bot (url_private_download, files.info).
  'files:read',
  'groups:history',
  'im:history',
  'im:write',
  'users:read',
  'users:read.email',
];
