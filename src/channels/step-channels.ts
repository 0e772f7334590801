/**
 * The channels whose team conversations an escalation step can target (issue 20 item 6, role
 * channels), and what their conversation ids look like. WhatsApp and the playground are 1:1 only.
 *
 * - Slack: public/private channel ids start with C (G for old private channels), upper-case
 *   alphanumerics (docs.slack.dev/reference/objects/conversation-object). The bot must be a member
 *   (chat.postMessage answers `not_in_channel` otherwise).
 * - Teams: channel and group chat ids are `19:<id>@thread.tacv2|skype|v2` (learn.microsoft.com,
 *   "Get the channel ID"); a thread id (`…;messageid=…`) is not a channel. The app must be in the
 *   team: Fincelo writes to the conversation it stored from the team's events.
 * - Google Chat: spaces are `spaces/<id>` (developers.google.com/workspace/chat/api/reference/rest/v1/spaces).
 */
import type { StepChannelFormats } from '../engine/policy/channel-step.js';

export const STEP_CHANNEL_FORMATS: StepChannelFormats = {
  slack: { re: /^[CG][A-Z0-9]{6,20}$/, example: 'a Slack channel id such as C0123ABCD (not its #name)' },
  teams: {
    re: /^19:[A-Za-z0-9_.-]+@thread\.(tacv2|skype|v2)$/,
    example: 'a Teams conversation id such as 19:abc123@thread.tacv2',
  },
  gchat: { re: /^spaces\/[A-Za-z0-9_-]+$/, example: 'a Google Chat space such as spaces/AAAAbcd123' },
};
