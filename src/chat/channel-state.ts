import type pg from 'pg';
import type { Channel, EngineDeps } from '../engine/index.js';
import {
  deleteChatDialogsByChannelConversationKey,
  deleteChatDialogsByChannelConversationKey2,
  deleteProcessedEventsBySourceEventId,
  selectChannelMessagesByChannelExternalMessageId,
  selectChatDialogsWorkspaceIdKindStateExpiresAtByChannelConve,
  updateChannelMessagesByChannelExternalMessageId,
  upsertChannelMessages,
  upsertChatDialogs,
  upsertProcessedEvents,
} from '../store/chat-state.js';

/**
 * Channel-agnostic conversation state that platforms without threads or modals need (WhatsApp,
 * SMS-like channels): short dialogs (chat_dialogs, one per channel + conversation key, with an
 * expiry) and every platform message id we sent about an alert (channel_messages) with its
 * delivery status. Timeline events go through the engine's store.
 */
export interface ChannelState {
  /** The live dialog of a conversation key; an expired one is deleted and reported as null. */
  dialog(
    channel: Channel,
    key: string,
  ): Promise<{ workspaceId: string; kind: string; state: Record<string, unknown>; expiresAt: Date } | null>;
  saveDialog(q: {
    workspaceId: string;
    channel: Channel;
    key: string;
    kind: string;
    state: Record<string, unknown>;
    expiresAt: Date;
  }): Promise<void>;
  endDialog(channel: Channel, key: string): Promise<void>;
  /** Remembers a message we sent (alertId null for messages outside any alert). */
  recordMessage(q: {
    channel: Channel;
    messageId: string;
    workspaceId: string;
    alertId: string | null;
    conversationId: string | null;
    kind: string;
  }): Promise<void>;
  message(
    channel: Channel,
    messageId: string,
  ): Promise<{
    workspaceId: string;
    alertId: string | null;
    conversationId: string | null;
    kind: string;
    status: string | null;
  } | null>;
  /**
   * A delivery status from the platform (sent | delivered | read | failed). Statuses can arrive out
   * of order, so a later stage is never overwritten by an earlier one. Returns true when it changed
   * the stored status; the alert's timeline gets a `message_<status>` event then.
   */
  messageStatus(q: {
    channel: Channel;
    messageId: string;
    status: string;
    at: Date;
    details?: Record<string, unknown>;
  }): Promise<boolean>;
  /** Adds an event to the timeline of the alert a sent message belongs to (no-op otherwise). */
  messageEvent(
    channel: Channel,
    messageId: string,
    kind: string,
    details: Record<string, unknown>,
  ): Promise<void>;
  /** Records an inbound platform event id; false when already seen (a retry or duplicate). */
  rememberEvent(source: string, eventId: string, workspaceId: string | null): Promise<boolean>;
  /** Forgets an event id whose handling failed, so the platform's retry is handled again. */
  forgetEvent(source: string, eventId: string, workspaceId: string | null): Promise<void>;
}

const RANK: Record<string, number> = { sent: 1, delivered: 2, read: 3, failed: 4 };

export function createChannelState(pool: pg.Pool, engine: EngineDeps): ChannelState {
  const message: ChannelState['message'] = async (channel, messageId) => {
    const r = (await selectChannelMessagesByChannelExternalMessageId(pool, [channel, messageId])).rows[0];
    return r
      ? {
          workspaceId: r.workspace_id,
          alertId: r.alert_id,
          conversationId: r.conversation_id,
          kind: r.kind,
          status: r.status,
        }
      : null;
  };
  const addEvent = async (
    workspaceId: string,
    alertId: string,
    channel: Channel,
    kind: string,
    at: Date,
    details: Record<string, unknown>,
  ) => engine.store.transaction((tx) => tx.addEvent(workspaceId, alertId, { at, kind, channel, details }));

  return {
    async dialog(channel, key) {
      const r = (await selectChatDialogsWorkspaceIdKindStateExpiresAtByChannelConve(pool, [channel, key]))
        .rows[0];
      if (!r) return null;
      if (new Date(r.expires_at).getTime() <= engine.clock.now().getTime()) {
        await deleteChatDialogsByChannelConversationKey(pool, [channel, key, engine.clock.now()]);
        return null;
      }
      return { workspaceId: r.workspace_id, kind: r.kind, state: r.state, expiresAt: new Date(r.expires_at) };
    },
    async saveDialog(q) {
      await upsertChatDialogs(pool, [
        q.workspaceId,
        q.channel,
        q.key,
        q.kind,
        JSON.stringify(q.state),
        q.expiresAt,
      ]);
    },
    async endDialog(channel, key) {
      await deleteChatDialogsByChannelConversationKey2(pool, [channel, key]);
    },
    async recordMessage(q) {
      await upsertChannelMessages(pool, [
        q.channel,
        q.messageId,
        q.workspaceId,
        q.alertId,
        q.conversationId,
        q.kind,
      ]);
    },
    message,
    async messageStatus(q) {
      const rank = RANK[q.status];
      if (!rank) return false;
      const r = (
        await updateChannelMessagesByChannelExternalMessageId(pool, [q.channel, q.messageId, q.status, rank])
      ).rows[0];
      if (!r) return false;
      if (r.alert_id)
        await addEvent(r.workspace_id, r.alert_id, q.channel, `message_${q.status}`, q.at, {
          messageId: q.messageId,
          messageKind: r.kind,
          ...(q.details ?? {}),
        });
      return true;
    },
    async messageEvent(channel, messageId, kind, details) {
      const m = await message(channel, messageId);
      if (m?.alertId)
        await addEvent(m.workspaceId, m.alertId, channel, kind, engine.clock.now(), {
          messageId,
          ...details,
        });
    },
    async rememberEvent(source, eventId, workspaceId) {
      const r = await upsertProcessedEvents(pool, [source, eventId, workspaceId]);
      return (r.rowCount ?? 0) > 0;
    },
    async forgetEvent(source, eventId, workspaceId) {
      await deleteProcessedEventsBySourceEventId(pool, [source, eventId, workspaceId]);
    },
  };
}
