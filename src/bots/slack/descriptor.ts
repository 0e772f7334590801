import { z } from 'zod';
import { optionalUrl, type SettingsOf, type VarSpec } from '../../config.js';
import { credentialsCheck, type ChannelDescriptor } from '../descriptor.js';
import { slackMode } from './mode.js';

/** Slack's settings (README "Slack"; .env.example documents each). */
const env = {
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
} satisfies Record<string, VarSpec>;

declare module '../../config.js' {
  // Merges this channel's variables into Config (the interface is the point, not its body).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ChannelSettings extends SettingsOf<typeof env> {}
}
declare module '../../engine/types.js' {
  interface ChannelNames {
    slack: true;
  }
}

/**
 * Slack as the product sees it. Bolt is loaded only by a process that runs Slack (it costs
 * ~0.7 s at start-up): index.ts, which imports it, is imported on create().
 */
export const slackDescriptor: ChannelDescriptor = {
  channel: 'slack',
  env,
  secrets: [
    'SLACK_BOT_TOKEN',
    'SLACK_SIGNING_SECRET',
    'SLACK_CLIENT_SECRET',
    'SLACK_APP_TOKEN',
    'SLACK_STATE_SECRET',
  ],
  redact: ['req.headers["x-slack-signature"]'],
  doctor: credentialsCheck(
    'Slack',
    ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET'],
    'create the app from manifests/slack/manifest.yaml, install it, copy the bot token and signing secret',
  ),
  // Role channels: public/private channel ids start with C (G for old private channels),
  // upper-case alphanumerics (docs.slack.dev/reference/objects/conversation-object). The bot must be
  // a member (chat.postMessage answers `not_in_channel` otherwise).
  stepChannel: {
    re: /^[CG][A-Z0-9]{6,20}$/,
    example: 'a Slack channel id such as C0123ABCD (not its #name)',
  },
  routes: ['/slack/events', '/slack/install', '/slack/oauth_redirect'],
  role: true,
  configured: (config) => slackMode(config) !== null,
  create: async (ctx) => (await import('./index.js')).slackChannel.create(ctx),
};
