import { createHash, randomBytes } from 'node:crypto';
import type { CardMessage, ChannelGateway, Person } from '../../engine/index.js';
import { PermanentDeliveryError } from '../../jobs/deliveries.js';
import { renderGchatCard } from '../../cards/render/gchat.js';
import type { Logger } from '../../log.js';
import { ChatApiError, type ChatApi } from './api.js';
import type { CardCache } from './card-cache.js';
import type { SpacePacer } from './pacer.js';

/**
 * Message ids are the full message names `spaces/{space}/messages/client-fincelo-…`: the id is
 * client-assigned (prefix `client-`, ≤ 63 chars, unique per space), so the name is known before
 * the create answers and updates need no lookup
 * (developers.google.com/workspace/chat/create-messages#name_a_created_message).
 * Each root message starts a thread whose `threadKey` is its own client id, so a reply finds the
 * thread from the root's message id alone; replies go with REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD.
 */
export const newClientMessageId = () => `client-fincelo-${randomBytes(16).toString('hex')}`;

/** The alert id an alert card's actions carry, if any. */
function alertIdOf(card: Record<string, unknown>): string | null {
  const m = /"alertId":"([^"]+)"/.exec(JSON.stringify(card.actions ?? card));
  return m ? m[1]! : null;
}

/**
 * An alert has one root card per conversation, so its client message id (also the request id) is
 * derived from both: when the outbox retries a post whose response was lost, Chat answers with the
 * message it already created instead of posting the card twice. Other cards get a random id.
 */
export function cardMessageId(conversationId: string, card: Record<string, unknown>): string {
  const alertId = alertIdOf(card);
  if (!alertId) return newClientMessageId();
  const h = createHash('sha256').update(`${conversationId}:${alertId}`).digest('hex').slice(0, 32);
  return `client-fincelo-${h}`;
}

export const threadKeyOf = (rootMessageName: string) =>
  rootMessageName.split('/messages/')[1] ?? rootMessageName;

/** Chat messages are limited to 32,000 bytes; text well under it. */
const TEXT_MAX = 4000;

export const notReachableMessage = (p: Person) =>
  `${p.name} has not added Fincelo in Google Chat yet, so alerts cannot reach them there. ` +
  'Ask them to open Google Chat, search for the Fincelo app and start a chat with it (or send it a message); alerts will then arrive in that chat.';

function toDeliveryError(err: unknown): Error {
  if (err instanceof ChatApiError) {
    // 400/403/404: the request cannot succeed by retrying (app removed from the space, bad card…).
    if ([400, 401, 403, 404].includes(err.status)) return new PermanentDeliveryError(err.message);
    return Object.assign(err, err.retryAfterMs ? { retryAfterMs: err.retryAfterMs } : {});
  }
  return err as Error;
}

export function createGchatGateway(d: {
  api: ChatApi;
  pacer: SpacePacer;
  cards: CardCache;
  log: Logger;
}): ChannelGateway {
  const truncate = (t: string) => (t.length <= TEXT_MAX ? t : `${t.slice(0, TEXT_MAX - 1)}…`);

  async function create(space: string, message: Record<string, unknown>, threadKey?: string) {
    const id = newClientMessageId();
    await d.pacer.wait(space);
    try {
      const r = await d.api.createMessage({
        parent: space,
        messageId: id,
        requestId: id,
        message: { ...message, ...(threadKey ? { thread: { threadKey } } : {}) },
        ...(threadKey ? { messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' } : {}),
      });
      return r.name;
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  const cardsV2 = (msg: CardMessage, cardId: string) => [{ cardId, card: renderGchatCard(msg.card) }];

  return {
    channel: 'gchat',
    async openConversation(person) {
      const userName = person.identities.gchat?.userName;
      if (!userName) throw new PermanentDeliveryError(notReachableMessage(person));
      let space: string | null;
      try {
        space = await d.api.findDirectMessage(userName);
      } catch (err) {
        throw toDeliveryError(err);
      }
      if (!space) throw new PermanentDeliveryError(notReachableMessage(person));
      return { externalId: space, reference: { space, user: userName } };
    },
    async postCard(conv, msg) {
      const id = cardMessageId(conv.id, msg.card);
      await d.pacer.wait(conv.externalId);
      let name: string;
      try {
        // A new thread keyed by the card's own id; every update about it replies under that key.
        name = (
          await d.api.createMessage({
            parent: conv.externalId,
            messageId: id,
            requestId: id,
            messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD',
            message: {
              fallbackText: truncate(msg.text),
              cardsV2: cardsV2(msg, 'alert'),
              thread: { threadKey: id },
            },
          })
        ).name;
      } catch (err) {
        throw toDeliveryError(err);
      }
      d.cards.remember(name, msg.card);
      return { messageId: name };
    },
    async updateCard(conv, messageId, msg) {
      await d.pacer.wait(conv.externalId);
      try {
        await d.api.patchMessage(messageId, 'cardsV2', { cardsV2: cardsV2(msg, 'alert') });
      } catch (err) {
        if (err instanceof ChatApiError && err.status === 404) {
          d.log.warn({ messageId }, 'gchat: alert card was deleted in Google Chat; not updated');
          return;
        }
        throw toDeliveryError(err);
      }
      d.cards.remember(messageId, msg.card);
    },
    async postReply(conv, rootMessageId, text) {
      return {
        messageId: await create(conv.externalId, { text: truncate(text) }, threadKeyOf(rootMessageId)),
      };
    },
    async postText(conv, text) {
      return { messageId: await create(conv.externalId, { text: truncate(text) }) };
    },
  };
}
