import { type Person } from '../../engine/index.js';
import { renderTeamsCard } from '../../cards/render/teams.js';
import type { ChatServices } from '../../chat/services.js';
import type { CardCache } from './card-cache.js';
import {
  conversationKind,
  parseStoredReference,
  threadConversationId,
  type StoredReference,
} from './references.js';
import type { OutgoingMessage, TeamsSender } from './sender.js';
import { firstLine, teamsText } from './text.js';
import { findTeamsUser, saveTeamsUser } from './users.js';
import {
  type CardMessage,
  type ChannelGateway,
  type ConversationRef,
  PermanentDeliveryError,
} from '../../channels/port.js';

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** Written for the admin who sees a failed delivery: what happened and what the person should do. */
export const notInstalledMessage = (p: Person) =>
  `${p.name} has not installed Fincelo in Microsoft Teams yet, so alerts cannot reach them there. ` +
  'Ask them to add the Fincelo app in Teams (Apps → search "Fincelo" → Add) or to send it a message; alerts will then arrive in their chat with Fincelo.';

/**
 * The Teams channel gateway. Personal chats: the alert card is one message, updated in place
 * (PUT …/activities/{id}), with updates posted after it as replies. Channels: the card is a root
 * post and updates are replies in its thread (conversation `<channelId>;messageid=<rootId>`).
 */
export function createTeamsGateway(deps: {
  sender: TeamsSender;
  services: ChatServices;
  cards: CardCache;
}): ChannelGateway {
  const { sender, services, cards } = deps;

  function refOf(conv: ConversationRef): StoredReference {
    const ref = parseStoredReference(conv.reference);
    if (!ref)
      throw new PermanentDeliveryError(
        'This Teams conversation has no stored conversation reference: the person must open Fincelo in Teams once.',
      );
    return ref;
  }

  function cardMessage(ref: StoredReference, msg: CardMessage) {
    // refresh.userIds: the person the 1:1 chat belongs to (for the assignee's chat, the assignee).
    const viewer = conversationKind(ref) === 'personal' ? ref.user?.id : undefined;
    const card = renderTeamsCard(msg.card, { refreshUserIds: viewer ? [viewer] : [] });
    const out: OutgoingMessage = {
      summary: firstLine(msg.text),
      attachments: [{ contentType: ADAPTIVE_CARD, content: card }],
    };
    return { card, out };
  }

  return {
    channel: 'teams',
    async openConversation(person) {
      const aad = person.identities.teams?.aadObjectId;
      const known = aad ? await findTeamsUser(services, aad) : null;
      if (!aad || !known) throw new PermanentDeliveryError(notInstalledMessage(person));
      const { user, workspaceId } = known;
      if (user.personal)
        return { externalId: user.personal.conversationId, reference: { ...user.personal.reference } };
      // Known from a team or group chat but never in a 1:1: Teams lets the bot open the 1:1 while
      // the app is installed in a scope the user belongs to, and answers 403 otherwise.
      let conversationId: string;
      try {
        conversationId = await sender.createPersonal({
          serviceUrl: user.serviceUrl,
          tenantId: user.tenantId,
          agent: user.agent,
          userId: user.userId,
        });
      } catch (err) {
        if (err instanceof PermanentDeliveryError)
          throw new PermanentDeliveryError(notInstalledMessage(person));
        throw err;
      }
      const reference: StoredReference = {
        channelId: 'msteams',
        serviceUrl: user.serviceUrl,
        conversation: {
          id: conversationId,
          conversationType: 'personal',
          ...(user.tenantId ? { tenantId: user.tenantId } : {}),
        },
        agent: user.agent,
        user: { id: user.userId, aadObjectId: user.aadObjectId, ...(user.name ? { name: user.name } : {}) },
      };
      await saveTeamsUser(services, workspaceId, { ...user, personal: { conversationId, reference } }, user);
      return { externalId: conversationId, reference: { ...reference } };
    },
    async postCard(conv, msg) {
      const ref = refOf(conv);
      const { card, out } = cardMessage(ref, msg);
      const messageId = await sender.send(ref, ref.conversation.id, out);
      cards.remember(ref.conversation.id, messageId, card);
      return { messageId };
    },
    async updateCard(conv, messageId, msg) {
      const ref = refOf(conv);
      const { card, out } = cardMessage(ref, msg);
      const target =
        conversationKind(ref) === 'channel'
          ? threadConversationId(ref.conversation.id, messageId)
          : ref.conversation.id;
      await sender.update(ref, target, messageId, out);
      cards.remember(ref.conversation.id, messageId, card);
    },
    async postReply(conv, rootMessageId, text) {
      const ref = refOf(conv);
      const out: OutgoingMessage = { text: teamsText(text) };
      // Channels thread replies by conversation id; chats have no threads, so a reply is posted
      // after the card (POST …/activities/{rootId} keeps the link to the card it is about).
      const messageId =
        conversationKind(ref) === 'channel'
          ? await sender.send(ref, threadConversationId(ref.conversation.id, rootMessageId), out)
          : await sender.reply(ref, ref.conversation.id, rootMessageId, out);
      return { messageId };
    },
    async postText(conv, text) {
      const ref = refOf(conv);
      return { messageId: await sender.send(ref, ref.conversation.id, { text: teamsText(text) }) };
    },
  };
}
