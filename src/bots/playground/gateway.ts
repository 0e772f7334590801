import type pg from 'pg';
import { type Person } from '../../engine/index.js';
import { type ChannelGateway, type ConversationRef } from '../../channels/port.js';
import {
  insertPlaygroundMessages,
  selectConversationsWorkspaceIdById,
  updatePlaygroundMessagesByIdConversationId,
} from '../../store/playground.js';

/**
 * The playground channel: a chat client in the browser (/playground) backed by the
 * playground_messages table. It is a real gateway — the same outbox, cards and actions as
 * Slack or Teams — so the product can be tried with no chat credentials.
 */
export function createPlaygroundGateway(pool: pg.Pool): ChannelGateway {
  const workspaceOf = async (conv: ConversationRef) =>
    (await selectConversationsWorkspaceIdById(pool, [conv.id])).rows[0]?.workspace_id as string;
  const insert = async (conv: ConversationRef, fields: { card?: unknown; text?: string; root?: string }) => {
    const r = await insertPlaygroundMessages(pool, [
      await workspaceOf(conv),
      conv.id,
      fields.root ? Number(fields.root) : null,
      fields.card ? JSON.stringify(fields.card) : null,
      fields.text ?? null,
    ]);
    return { messageId: String(r.rows[0].id) };
  };
  return {
    channel: 'playground',
    async openConversation(person: Person) {
      return { externalId: `person:${person.id}`, reference: {} };
    },
    postCard: (conv, msg) => insert(conv, { card: msg.card, text: msg.text }),
    async updateCard(conv, messageId, msg) {
      await updatePlaygroundMessagesByIdConversationId(pool, [
        Number(messageId),
        conv.id,
        JSON.stringify(msg.card),
        msg.text,
      ]);
    },
    postReply: (conv, root, text) => insert(conv, { text, root }),
    postText: (conv, text) => insert(conv, { text }),
  };
}
