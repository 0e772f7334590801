import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../log.js';

/** Messages a Slack user can meet, written for them. */
export const SAY = {
  notConnected: (installUrl: string | null) =>
    'This Slack workspace is not connected to a Fincelo workspace yet. ' +
    (installUrl
      ? `A Slack admin can install Fincelo at ${installUrl}.`
      : 'Ask your Fincelo admin to set SLACK_WORKSPACE_ID for this Slack app.'),
  unknownPerson:
    "I couldn't match your Slack account to a person in Fincelo. Ask a Fincelo admin to add you with the " +
    'email address of your Slack profile (`/fincelo settings person`).',
  staleButton: 'That button is from an old message; please use the latest alert card.',
  triggerExpired: 'Slack closed the window before the form could open. Please click again.',
};

/**
 * Tells one user something only they can see: an ephemeral message (chat.postEphemeral) in the
 * conversation they acted in, else in their DM with the bot. Failures are logged, never thrown:
 * the action itself has already been applied.
 */
export async function tellUser(
  client: WebClient,
  log: Logger,
  q: { userId: string; channelId?: string | null; text: string },
): Promise<void> {
  try {
    let channel = q.channelId;
    if (!channel) channel = (await client.conversations.open({ users: q.userId })).channel?.id;
    if (!channel) return;
    await client.chat.postEphemeral({ channel, user: q.userId, text: q.text });
  } catch (err) {
    log.warn({ err, userId: q.userId }, 'slack: could not post an ephemeral message');
  }
}
