import { type Person } from '../../engine/index.js';
import type { Logger } from '../../log.js';
import type { ChatServices } from '../../chat/services.js';
import { escapeMrkdwn, renderSlackBlocks, truncate } from '../../cards/render/slack.js';
import type { SlackAuth } from './auth.js';
import { slackErrorCode, toDeliveryError, retryAfterSeconds } from './errors.js';
import { PacedError, type Pacer } from './pacer.js';
import type { ClientFor } from './web-client.js';
import { type ChannelGateway, type ConversationRef } from '../../channels/port.js';

/**
 * Message ids are `<channel id>:<ts>`. A Slack `ts` is unique only inside its channel
 * (docs.slack.dev/messaging/retrieving-messages), and alert_threads.root_message_id is looked up
 * without the conversation, so the channel travels with it. Conversation externalId is the DM
 * channel id (D…); its reference holds {teamId, userId}.
 */
export function encodeMessageId(channel: string, ts: string): string {
  return `${channel}:${ts}`;
}

export function decodeMessageId(messageId: string): { channel: string; ts: string } {
  const i = messageId.lastIndexOf(':');
  if (i <= 0) throw new Error(`not a Slack message id: ${messageId}`);
  return { channel: messageId.slice(0, i), ts: messageId.slice(i + 1) };
}

/** Slack recommends keeping the top-level `text` under 4,000 characters (chat.postMessage docs). */
const TEXT_MAX = 4000;

export interface SlackGatewayDeps {
  auth: SlackAuth;
  clients: ClientFor;
  services: ChatServices;
  pacer: Pacer;
  log: Logger;
  /** Asks for an outbox drain once a deferred delivery is due (see wake.ts). */
  wakeAfter?(ms: number): void;
}

/** The Slack notifier: DMs people, posts/updates alert cards, replies in their threads. */
export function createSlackGateway(d: SlackGatewayDeps): ChannelGateway {
  const teamOf = (conv: ConversationRef) => (conv.reference?.teamId as string | undefined) ?? null;

  /** One Web API write to a conversation: paced, with Slack failures mapped for the outbox. */
  async function write<T>(
    conv: ConversationRef,
    channel: string,
    method: string,
    call: (token: string) => Promise<T>,
  ) {
    const token = await d.auth.forTeam(teamOf(conv));
    try {
      await d.pacer.wait(channel);
    } catch (err) {
      if (err instanceof PacedError) d.wakeAfter?.(err.retryAfterMs);
      throw err;
    }
    try {
      return await call(token);
    } catch (err) {
      const wait = retryAfterSeconds(err);
      if (wait !== null) {
        d.pacer.backOff(channel, wait * 1000);
        d.wakeAfter?.(wait * 1000);
      }
      throw toDeliveryError(err, method);
    }
  }

  async function slackUserId(person: Person, token: string): Promise<string | null> {
    const known = person.identities.slack?.userId;
    if (known) return known;
    if (!person.email) return null;
    let userId: string | undefined;
    try {
      userId = (await d.clients(token).users.lookupByEmail({ email: person.email })).user?.id;
    } catch (err) {
      if (slackErrorCode(err) === 'users_not_found') return null;
      throw toDeliveryError(err, 'users.lookupByEmail');
    }
    if (!userId) return null;
    // Remember the match so clicks from this Slack user resolve to the person without a lookup.
    await d.services.resolvePerson({
      workspaceId: person.workspaceId,
      channel: 'slack',
      identityKey: 'userId',
      identityValue: userId,
      email: person.email,
    });
    return userId;
  }

  const post = (conv: ConversationRef, args: { text: string; blocks?: unknown[]; thread_ts?: string }) =>
    write(conv, conv.externalId, 'chat.postMessage', async (token) => {
      const r = await d.clients(token).chat.postMessage({
        channel: conv.externalId,
        text: truncate(args.text, TEXT_MAX),
        ...(args.blocks ? { blocks: args.blocks as never } : {}),
        ...(args.thread_ts ? { thread_ts: args.thread_ts } : {}),
        unfurl_links: false,
        unfurl_media: false,
      });
      return { messageId: encodeMessageId(r.channel ?? conv.externalId, String(r.ts)) };
    });

  return {
    channel: 'slack',
    async openConversation(person) {
      const { token, teamId } = await d.auth.forWorkspace(person.workspaceId);
      const userId = await slackUserId(person, token);
      if (!userId) return null;
      try {
        const r = await d.clients(token).conversations.open({ users: userId });
        if (!r.channel?.id) return null;
        return { externalId: r.channel.id, reference: { teamId, userId } };
      } catch (err) {
        throw toDeliveryError(err, 'conversations.open');
      }
    },
    postCard: (conv, msg) =>
      post(conv, { text: escapeMrkdwn(msg.text), blocks: renderSlackBlocks(msg.card) }),
    async updateCard(conv, messageId, msg) {
      const { channel, ts } = decodeMessageId(messageId);
      try {
        await write(conv, channel, 'chat.update', (token) =>
          d.clients(token).chat.update({
            channel,
            ts,
            text: truncate(escapeMrkdwn(msg.text), TEXT_MAX),
            blocks: renderSlackBlocks(msg.card) as never,
          }),
        );
      } catch (err) {
        // The person deleted the card: there is nothing left to update, and retrying cannot help.
        if (/message_not_found/.test((err as Error).message)) {
          d.log.warn({ messageId }, 'slack: alert card was deleted in Slack; not updated');
          return;
        }
        throw err;
      }
    },
    // Replies go under the root's ts; Slack: "Avoid using a reply's ts value; use its parent's value instead".
    postReply: (conv, rootMessageId, text) =>
      post(conv, { text: escapeMrkdwn(text), thread_ts: decodeMessageId(rootMessageId).ts }),
    postText: (conv, text) => post(conv, { text: escapeMrkdwn(text) }),
    // A role channel step (issue 20 item 6): the channel id is the conversation; the bot must be a
    // member of it (chat.postMessage answers not_in_channel otherwise, a permanent failure).
    async openChannel(workspaceId, conversationId) {
      const { teamId } = await d.auth.forWorkspace(workspaceId);
      return { externalId: conversationId, reference: { teamId } };
    },
  };
}
