import {
  renderWhatsAppCard,
  truncate,
  whatsappListMessage,
  WHATSAPP_LIMITS,
} from '../../cards/render/whatsapp.js';
import type { ChatServices } from '../../chat/services.js';
import type { Logger } from '../../log.js';
import { loadCardState, saveCardState, type AlertCardState } from './card-state.js';
import { GraphError, WA_ERRORS, type GraphClient } from './graph.js';
import { alertTemplate, noticeTemplate, type TemplateConfig } from './templates.js';
import { addPending } from './pending.js';
import { type CardMessage, PermanentDeliveryError } from '../../channels/port.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The window is 24 h from the person's last message; keep a margin for clock skew and queueing. */
export const WINDOW_MS = 24 * 3600_000;
const WINDOW_MARGIN_MS = 60_000;

/** A person's chat as the sender needs it: their wa_id, workspace and our conversation row. */
export interface WaChat {
  waId: string;
  workspaceId: string;
  conversationId: string | null;
  lastInboundAt: Date | null;
}

export type SentKind = 'card' | 'template' | 'reply' | 'text' | 'notice';

/**
 * Sends on behalf of the gateway and the inbound handlers, applying the 24-hour window: inside it,
 * interactive messages and text; outside it (or when WhatsApp refuses with 131047) the approved
 * template, with the refusal written on the alert's timeline. Every message about an alert quotes
 * the alert's first message and is recorded in channel_messages.
 */
export function createWhatsAppSender(deps: {
  graph: GraphClient;
  services: ChatServices;
  templates: TemplateConfig;
  log: Logger;
}) {
  const { graph, services, templates, log } = deps;

  /**
   * The chat with a number, in one workspace: the stored conversation `conversationId` (outbound:
   * the delivery's own, so another workspace's conversation with the same number is never used),
   * or the workspace's conversation with that number (inbound, after the actor was resolved).
   */
  async function chat(waId: string, conversationId?: string, workspaceId?: string): Promise<WaChat> {
    const c = await services.findConversation('whatsapp', waId, { id: conversationId, workspaceId });
    if (!c)
      throw new PermanentDeliveryError(
        `No WhatsApp conversation is stored for ${waId}: the person must be added with their WhatsApp number.`,
      );
    return { waId, workspaceId: c.workspaceId, conversationId: c.id, lastInboundAt: c.lastInboundAt };
  }

  const windowOpen = (c: WaChat) =>
    !!c.lastInboundAt && Date.now() - new Date(c.lastInboundAt).getTime() < WINDOW_MS - WINDOW_MARGIN_MS;

  /** Maps Graph errors the outbox should not retry to PermanentDeliveryError, with a useful text. */
  function classify(err: unknown): never {
    if (err instanceof GraphError && !err.retryable) {
      if (err.code === WA_ERRORS.tokenExpired)
        throw new PermanentDeliveryError(
          'The WhatsApp access token has expired or was revoked: set a new WHATSAPP_ACCESS_TOKEN (a system-user token does not expire).',
        );
      throw new PermanentDeliveryError(err.message);
    }
    throw err;
  }

  async function send(
    c: WaChat,
    message: Record<string, unknown>,
    meta: { kind: SentKind; alertId: string | null; quote?: string | null },
  ): Promise<string> {
    // Templates do not show the quote bubble (CHAT.md §4), so context is only added to service messages.
    const body =
      meta.quote && message.type !== 'template'
        ? { ...message, context: { message_id: meta.quote } }
        : message;
    const id = await graph.send(c.waId, body);
    if (!c.workspaceId) return id; // an unknown number: nothing to remember
    await services.state.recordMessage({
      channel: 'whatsapp',
      messageId: id,
      workspaceId: c.workspaceId,
      // Only real alert ids reference the alerts table (a card built elsewhere may carry any id).
      alertId: meta.alertId && UUID.test(meta.alertId) ? meta.alertId : null,
      conversationId: c.conversationId,
      kind: meta.kind,
    });
    return id;
  }

  /**
   * Tries a service message; when the window is closed (by our clock or by WhatsApp's 131047)
   * sends `fallback()` instead and notes it on the timeline.
   */
  async function serviceOrTemplate(
    c: WaChat,
    service: Record<string, unknown>,
    fallback: Record<string, unknown>,
    meta: { kind: SentKind; alertId: string | null; quote?: string | null },
  ): Promise<{ messageId: string; template: boolean }> {
    try {
      if (windowOpen(c)) {
        try {
          return { messageId: await send(c, service, meta), template: false };
        } catch (err) {
          if (!(err instanceof GraphError) || err.code !== WA_ERRORS.reEngagement) throw err;
          log.info(
            { alertId: meta.alertId },
            'whatsapp: 131047 (window closed); sending the template instead',
          );
          const messageId = await send(c, fallback, { ...meta, kind: 'template' });
          await services.state.messageEvent('whatsapp', messageId, 'whatsapp_template_fallback', {
            reason:
              'WhatsApp refused a message outside the 24-hour window (131047); the approved template was sent instead.',
          });
          return { messageId, template: true };
        }
      }
      return { messageId: await send(c, fallback, { ...meta, kind: 'template' }), template: true };
    } catch (err) {
      return classify(err);
    }
  }

  /**
   * The alert card as a list message (plain text when it has no actions, e.g. resolved); `note`
   * (what just happened) goes above the card's text, in the same message.
   */
  function cardService(msg: CardMessage, note?: string) {
    const rendered = renderWhatsAppCard(msg.card);
    const r = note
      ? { ...rendered, body: truncate(`${whatsappText(note)}\n\n${rendered.body}`, WHATSAPP_LIMITS.body) }
      : rendered;
    const list = whatsappListMessage(r);
    const service = list
      ? { type: 'interactive', interactive: list }
      : { type: 'text', text: { body: r.body } };
    return { r, service };
  }

  const textMessage = (text: string) => ({
    type: 'text',
    text: { body: truncate(whatsappText(text), WHATSAPP_LIMITS.text), preview_url: false },
  });

  const sender = {
    chat,
    windowOpen,
    send,
    /** A new alert card (first message of the alert in this chat). */
    async postCard(c: WaChat, msg: CardMessage): Promise<string> {
      const { r, service } = cardService(msg);
      const out = await serviceOrTemplate(c, service, alertTemplate(templates, r, msg.text), {
        kind: 'card',
        alertId: r.alertId,
      });
      if (r.alertId) {
        const state: AlertCardState = {
          alertId: r.alertId,
          rootMessageId: out.messageId,
          version: r.version,
          forms: r.forms,
          latest: msg,
          pending: out.template,
        };
        await saveCardState(services, c.workspaceId, c.waId, state);
        if (out.template) await addPending(services, c, r.alertId);
      }
      return out.messageId;
    },
    /**
     * The current card of an alert. WhatsApp cannot edit a sent message, so inside the window the
     * new card is sent quoting the first one; outside it, it waits for the person's next message
     * (one template per alert is enough to get their attention).
     */
    async updateCard(
      c: WaChat,
      rootMessageId: string,
      msg: CardMessage,
      force = false,
      note?: string,
    ): Promise<string | null> {
      const { r, service } = cardService(msg, note);
      const alertId = r.alertId ?? (await services.state.message('whatsapp', rootMessageId))?.alertId ?? null;
      const prev = alertId ? await loadCardState(services, c.waId, alertId) : null;
      const state: AlertCardState | null = alertId
        ? {
            alertId,
            rootMessageId: prev?.rootMessageId ?? rootMessageId,
            version: r.version ?? prev?.version ?? null,
            forms: r.alertId ? r.forms : (prev?.forms ?? {}),
            latest: msg,
            pending: true,
          }
        : null;
      if (!windowOpen(c) && !force) {
        if (state) {
          await saveCardState(services, c.workspaceId, c.waId, state);
          await addPending(services, c, state.alertId);
        }
        return null;
      }
      let id: string;
      try {
        id = await send(c, service, { kind: 'card', alertId, quote: rootMessageId });
      } catch (err) {
        if (err instanceof GraphError && err.code === WA_ERRORS.reEngagement && state) {
          await saveCardState(services, c.workspaceId, c.waId, state);
          await addPending(services, c, state.alertId);
          await services.state.messageEvent('whatsapp', rootMessageId, 'whatsapp_update_deferred', {
            reason:
              'Outside the 24-hour window (131047): the updated card is sent when the person next writes.',
          });
          return null;
        }
        return classify(err);
      }
      if (state) await saveCardState(services, c.workspaceId, c.waId, { ...state, pending: false });
      return id;
    },
    /**
     * What happened and the new card, as one message inside the 24-hour window. Outside it the
     * note goes as today's reply would (the approved notice template, to get their attention) and
     * the card waits for the person's next message, as an update does.
     */
    async updateCardWithNote(
      c: WaChat,
      rootMessageId: string,
      msg: CardMessage,
      note: string,
    ): Promise<void> {
      if (windowOpen(c)) {
        const sent = await sender.updateCard(c, rootMessageId, msg, false, note);
        if (sent) return;
      } else await sender.updateCard(c, rootMessageId, msg);
      // Window closed (by our clock, or WhatsApp said 131047 and the card is now pending).
      const alertId = (await services.state.message('whatsapp', rootMessageId))?.alertId ?? null;
      await sender.postText(c, note, { alertId, quote: rootMessageId, kind: 'reply' });
    },
    /**
     * Keeps the latest card of an alert already in this chat without sending it (a quiet update):
     * a card still waiting for the window (pending) is sent as this one.
     */
    async rememberCard(c: WaChat, rootMessageId: string, msg: CardMessage): Promise<void> {
      const { r } = cardService(msg);
      const alertId = r.alertId ?? (await services.state.message('whatsapp', rootMessageId))?.alertId ?? null;
      const prev = alertId ? await loadCardState(services, c.waId, alertId) : null;
      if (!prev) return;
      await saveCardState(services, c.workspaceId, c.waId, {
        ...prev,
        version: r.version ?? prev.version,
        forms: r.alertId ? r.forms : prev.forms,
        latest: msg,
      });
    },
    /** Text about an alert (quoting its first message) or outside any alert. */
    async postText(
      c: WaChat,
      text: string,
      meta: { alertId: string | null; quote?: string | null; kind: SentKind },
    ): Promise<string> {
      return (await serviceOrTemplate(c, textMessage(text), noticeTemplate(templates, text), meta)).messageId;
    },
    /**
     * WhatsApp may accept a message and report 131047 later in a `failed` status: send the alert's
     * template then, as for a refusal at send time.
     */
    async templateFallback(c: WaChat, failedMessageId: string, state: AlertCardState): Promise<void> {
      if (!state.latest) return;
      const r = renderWhatsAppCard(state.latest.card);
      const id = await send(c, alertTemplate(templates, r, state.latest.text), {
        kind: 'template',
        alertId: state.alertId,
      }).catch((err: unknown) => classify(err));
      await services.state.messageEvent('whatsapp', id, 'whatsapp_template_fallback', {
        reason: `WhatsApp reported message ${failedMessageId} as failed outside the 24-hour window (131047); the approved template was sent instead.`,
      });
      await saveCardState(services, c.workspaceId, c.waId, { ...state, pending: true });
      await addPending(services, c, state.alertId);
    },
    /** A reply to someone who just wrote (the window is open by definition). */
    async answer(c: WaChat, message: Record<string, unknown>, quote?: string | null): Promise<string> {
      try {
        return await send(c, message, { kind: 'text', alertId: null, quote });
      } catch (err) {
        return classify(err);
      }
    },
    textMessage,
  };
  return sender;
}

export type WhatsAppSender = ReturnType<typeof createWhatsAppSender>;

/** Our texts use Slack-like `*bold*` and backticks; WhatsApp shows `*bold*` and ```mono```, and no `•` issue. */
export function whatsappText(text: string): string {
  return text.replace(/`([^`\n]+)`/g, '$1');
}
