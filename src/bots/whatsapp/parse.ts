/**
 * The WhatsApp Cloud API webhook payload (object "whatsapp_business_account"): messages and
 * statuses live at entry[].changes[].value (CHAT.md §4; whatsapp-api-js types). Only the fields the
 * channel uses are kept; anything malformed is skipped rather than failing the whole delivery.
 */
export interface WaInbound {
  id: string;
  /** The sender's phone number (wa_id); empty when the user hides it behind a username. */
  from: string;
  /**
   * The sender's business-scoped user id (BSUID, e.g. `US.13491208655302741918`): Meta adds it to
   * message webhooks since April 2026 as `messages[].from_user_id` and `contacts[].user_id`, and
   * omits `from` / `wa_id` for users who adopted a username and hid their number (Cloud API
   * "Business-scoped user IDs"; 360dialog and YCloud's BSUID guides describe the same fields).
   */
  userId?: string;
  timestamp: Date;
  type: string;
  profileName?: string;
  text?: string;
  /** list_reply / button_reply id, or a template quick-reply payload (type "button"). */
  replyId?: string;
  replyTitle?: string;
  /** The message this one quotes or whose button was clicked (context.id). */
  contextId?: string;
  document?: { id: string; mimeType?: string; filename?: string; sha256?: string };
  phoneNumberId: string;
}

export interface WaStatus {
  id: string;
  status: string;
  recipientId?: string;
  timestamp: Date;
  errors: { code: number; title?: string; message?: string; details?: string }[];
  phoneNumberId: string;
}

/** A business-scoped user id (BSUID): two-letter country code, a dot, then up to 128 characters. */
export const isBsuid = (v: string) => /^[A-Z]{2}\.[A-Za-z0-9.]{1,140}$/.test(v);

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const when = (v: unknown) => {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? new Date(n * 1000) : new Date();
};

export function parseWebhook(body: unknown): { messages: WaInbound[]; statuses: WaStatus[] } {
  const messages: WaInbound[] = [];
  const statuses: WaStatus[] = [];
  if (!isObj(body) || body.object !== 'whatsapp_business_account') return { messages, statuses };
  for (const entry of list(body.entry).filter(isObj)) {
    for (const change of list(entry.changes).filter(isObj)) {
      if (change.field !== 'messages' || !isObj(change.value)) continue;
      const v = change.value;
      const phoneNumberId = str(isObj(v.metadata) ? v.metadata.phone_number_id : undefined) ?? '';
      const names = new Map<string, string>();
      const userIds = new Map<string, string>();
      const contacts = list(v.contacts).filter(isObj);
      for (const c of contacts) {
        const name = isObj(c.profile) ? str(c.profile.name) : undefined;
        if (str(c.wa_id) && name) names.set(str(c.wa_id)!, name);
        if (str(c.user_id) && name) names.set(str(c.user_id)!, name);
        if (str(c.wa_id) && str(c.user_id)) userIds.set(str(c.wa_id)!, str(c.user_id)!);
      }
      for (const m of list(v.messages).filter(isObj)) {
        const id = str(m.id);
        const from = str(m.from) ?? '';
        const type = str(m.type);
        // One contact per message webhook: its user_id is the sender's when from_user_id is absent.
        const userId =
          str(m.from_user_id) ??
          (from ? userIds.get(from) : contacts.length === 1 ? str(contacts[0]!.user_id) : undefined);
        if (!id || (!from && !userId) || !type) continue;
        const msg: WaInbound = { id, from, type, timestamp: when(m.timestamp), phoneNumberId };
        if (userId) msg.userId = userId;
        const name = names.get(from || userId!);
        if (name) msg.profileName = name;
        if (isObj(m.context) && str(m.context.id)) msg.contextId = str(m.context.id);
        if (type === 'text' && isObj(m.text)) msg.text = str(m.text.body) ?? '';
        if (type === 'interactive' && isObj(m.interactive)) {
          const r = m.interactive.list_reply ?? m.interactive.button_reply;
          if (isObj(r)) {
            msg.replyId = str(r.id);
            msg.replyTitle = str(r.title);
          }
        }
        // Template quick replies arrive as type "button", not "interactive" (CHAT.md §4).
        if (type === 'button' && isObj(m.button)) {
          msg.replyId = str(m.button.payload);
          msg.replyTitle = str(m.button.text);
        }
        if (type === 'document' && isObj(m.document) && str(m.document.id))
          msg.document = {
            id: str(m.document.id)!,
            mimeType: str(m.document.mime_type),
            filename: str(m.document.filename),
            sha256: str(m.document.sha256),
          };
        messages.push(msg);
      }
      for (const s of list(v.statuses).filter(isObj)) {
        const id = str(s.id);
        const status = str(s.status);
        if (!id || !status) continue;
        statuses.push({
          id,
          status,
          recipientId: str(s.recipient_id) ?? str(s.recipient_user_id),
          timestamp: when(s.timestamp),
          phoneNumberId,
          errors: list(s.errors)
            .filter(isObj)
            .map((e) => ({
              code: Number(e.code),
              title: str(e.title),
              message: str(e.message),
              details: isObj(e.error_data) ? str(e.error_data.details) : undefined,
            })),
        });
      }
    }
  }
  return { messages, statuses };
}
