import { isBsuid } from './parse.js';
import type { ChatServices } from '../../chat/services.js';
import type { WhatsAppSender } from './sender.js';
import { type ChannelGateway } from '../../channels/port.js';

/** wa_id as WhatsApp writes it: the international number, digits only (no +, spaces or dashes). */
/** The chat key of a WhatsApp user: their number (digits only), or their BSUID when it is hidden. */
export const normalizeWaId = (v: string) => (isBsuid(v.trim()) ? v.trim() : v.replace(/[^\d]/g, ''));

/**
 * The WhatsApp channel gateway. WhatsApp has no threads and no edits: the alert card is a list
 * message; an update is a new card quoting the first one (context.message_id), and replies quote it
 * too. Which message type may be sent depends on the 24-hour window (see sender.ts).
 */
export function createWhatsAppGateway(deps: {
  sender: WhatsAppSender;
  services: ChatServices;
}): ChannelGateway {
  const { sender, services } = deps;
  return {
    channel: 'whatsapp',
    async openConversation(person) {
      const wa = person.identities.whatsapp;
      const waId = normalizeWaId(wa?.waId || wa?.bsuid || '');
      // No number, no chat: the delivery worker reports "cannot be reached on whatsapp" to admins.
      return waId ? { externalId: waId, reference: {} } : null;
    },
    async postCard(conv, msg) {
      return { messageId: await sender.postCard(await sender.chat(conv.externalId, conv.id), msg) };
    },
    async updateCard(conv, messageId, msg, opts) {
      const c = await sender.chat(conv.externalId, conv.id);
      // WhatsApp cannot edit a message: an "update" is a new message (and, since October 2026, a
      // billed one). A quiet update (a reading the open alert absorbed) sends nothing; the card is
      // remembered, and the next message about the alert (an action, an escalation, the card sent
      // when the window opens) shows the count and latest value. CHAT.md §4.
      if (opts?.quiet) await sender.rememberCard(c, messageId, msg);
      else await sender.updateCard(c, messageId, msg);
    },
    async updateCardWithReply(conv, messageId, msg, text) {
      // Issue 21 item 7: an action, escalation or wake-up is one billed message (what happened,
      // above the new card) instead of a reply and then the card.
      await sender.updateCardWithNote(await sender.chat(conv.externalId, conv.id), messageId, msg, text);
    },
    async postReply(conv, rootMessageId, text) {
      const c = await sender.chat(conv.externalId, conv.id);
      const alertId = (await services.state.message('whatsapp', rootMessageId))?.alertId ?? null;
      return { messageId: await sender.postText(c, text, { alertId, quote: rootMessageId, kind: 'reply' }) };
    },
    async postText(conv, text) {
      const c = await sender.chat(conv.externalId, conv.id);
      return { messageId: await sender.postText(c, text, { alertId: null, kind: 'notice' }) };
    },
  };
}
