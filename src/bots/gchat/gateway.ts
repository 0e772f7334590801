import { createHash, randomBytes } from 'node:crypto';
import { type Person } from '../../engine/index.js';
import { renderGchatCard } from '../../cards/render/gchat.js';
import type { Logger } from '../../log.js';
import { ChatApiError, type ChatApi } from './api.js';
import type { CardCache } from './card-cache.js';
import type { SpacePacer } from './pacer.js';
import { type CardMessage, type ChannelGateway, PermanentDeliveryError } from '../../channels/port.js';

/**
 * Every create carries a client-assigned id (`client-…`, ≤ 63 chars, unique per space) as
 * `messageId` and `requestId`. Chat does NOT name the message after it: the response's `name` is
 * server-generated (`spaces/{space}/messages/{server id}`) and the client id is only echoed as
 * `clientAssignedMessageId` (developers.google.com/workspace/chat/create-messages#name_a_created_message).
 * The returned `name` is what we store and patch. Replies about an alert are addressed to the
 * thread the card itself created — `thread.name` from the create response — never derived from the
 * message name (that split escalation/ack/resolve notes into a second thread). See QUIRKS.md.
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

/** The client id a root card was created with: its thread key (card ids live under `/messages/`). */
export const clientIdOf = (messageName: string) => messageName.split('/messages/')[1] ?? messageName;

/**
 * `messageReplyOption` is "only supported in named spaces" (spaces.messages.create reference); a
 * DM (our conversations are `spaces.findDirectMessage` DMs, with `reference.user`) is addressed by
 * `thread.name` alone.
 */
const isDirectMessage = (conv: { reference?: Record<string, unknown> | null }) =>
  typeof conv.reference?.user === 'string';

/** The first line of a card's fallback text, to name the alert in a reply (≤ 80 chars). */
function labelOf(text: string | null | undefined): string | null {
  const first = (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .find(Boolean);
  if (!first) return null;
  return first.length <= 80 ? first : `${first.slice(0, 79)}…`;
}

/** Where a root card lives: its thread, and a label naming its alert. */
interface RootInfo {
  threadName: string | null;
  label: string | null;
}
const ROOTS_MAX = 5000;

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

  async function create(
    space: string,
    message: Record<string, unknown>,
    thread?: { name?: string; threadKey?: string; named: boolean },
  ) {
    const id = newClientMessageId();
    await d.pacer.wait(space);
    try {
      const r = await d.api.createMessage({
        parent: space,
        messageId: id,
        requestId: id,
        message: {
          ...message,
          ...(thread
            ? { thread: thread.name ? { name: thread.name } : { threadKey: thread.threadKey } }
            : {}),
        },
        ...(thread?.named ? { messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' } : {}),
      });
      return r.name;
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  // Root card → its thread and label. Filled when the card is posted; after a restart (or for a
  // card stored before thread names were kept) the card is read back once with spaces.messages.get.
  const roots = new Map<string, RootInfo>();
  const rememberRoot = (name: string, info: RootInfo) => {
    roots.delete(name);
    roots.set(name, info);
    if (roots.size > ROOTS_MAX) roots.delete(roots.keys().next().value!);
  };
  async function rootInfo(name: string): Promise<RootInfo> {
    const known = roots.get(name);
    if (known) return known;
    let info: RootInfo;
    try {
      const m = await d.api.getMessage(name);
      info = { threadName: m.threadName, label: labelOf(m.fallbackText ?? m.text) };
    } catch (err) {
      if (err instanceof ChatApiError && err.status === 404) {
        // The card was deleted: reply under the key it was created with (a client id) if any.
        info = { threadName: null, label: null };
      } else throw toDeliveryError(err);
    }
    rememberRoot(name, info);
    return info;
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
      const named = !isDirectMessage(conv);
      await d.pacer.wait(conv.externalId);
      let created: { name: string; threadName: string | null };
      try {
        // A new thread, keyed by the card's own client id; every update about it replies there.
        created = await d.api.createMessage({
          parent: conv.externalId,
          messageId: id,
          requestId: id,
          ...(named ? { messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' as const } : {}),
          message: {
            fallbackText: truncate(msg.text),
            cardsV2: cardsV2(msg, 'alert'),
            thread: { threadKey: id },
          },
        });
      } catch (err) {
        throw toDeliveryError(err);
      }
      rememberRoot(created.name, { threadName: created.threadName, label: labelOf(msg.text) });
      d.cards.remember(created.name, msg.card);
      return { messageId: created.name };
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
      const named = !isDirectMessage(conv);
      const root = await rootInfo(rootMessageId);
      // A card named by its client id (older rows) still has that id as its thread key.
      const key = clientIdOf(rootMessageId);
      const thread = root.threadName
        ? { name: root.threadName, named }
        : key.startsWith('client-')
          ? { threadKey: key, named }
          : undefined;
      // In a DM the reference does not promise threaded replies (DMs are UNTHREADED_MESSAGES
      // spaces, messageReplyOption is named-space only), so the reply also names its alert: read
      // flat, the DM still shows which alert each line belongs to.
      const body = !named && root.label ? `↳ ${root.label}\n${text}` : text;
      return { messageId: await create(conv.externalId, { text: truncate(body) }, thread) };
    },
    async postText(conv, text) {
      return { messageId: await create(conv.externalId, { text: truncate(text) }) };
    },
    // A role channel step (issue 20 item 6): a named space, where each alert card opens its thread.
    async openChannel(_workspaceId, conversationId) {
      return { externalId: conversationId, reference: { space: conversationId } };
    },
  };
}
