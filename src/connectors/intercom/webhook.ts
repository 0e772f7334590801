import { header, hmac, safeEqual } from '../runtime/text.js';
import {
  WebhookParseError,
  type WebhookContent,
  type WebhookRequest,
  type WebhookVerdict,
} from '../types.js';
import { mapConversation, type IntercomConversation } from './map.js';

/**
 * Intercom signs each notification with `X-Hub-Signature: sha1=<hex HMAC-SHA1(client_secret, raw
 * body)>` (developers.intercom.com … /signed-notifications). The secret is the app's client secret
 * (Developer Hub → your app → Basic information). No signed timestamp: replays are caught by the
 * notification id and the upsert.
 */
export function verifyIntercomWebhook(req: WebhookRequest, secret: string | null): WebhookVerdict {
  if (!secret)
    return { ok: false, reason: 'no webhook secret (the app client secret) is set for this connector' };
  const sig = header(req.headers, 'x-hub-signature');
  if (!sig) return { ok: false, reason: 'missing X-Hub-Signature' };
  const m = /^sha1=([0-9a-f]{40})$/i.exec(sig.trim());
  if (!m) return { ok: false, reason: 'X-Hub-Signature is not sha1=<hex>' };
  return safeEqual(hmac('sha1', secret, req.rawBody, 'hex'), m[1]!.toLowerCase())
    ? { ok: true }
    : { ok: false, reason: 'signature mismatch' };
}

/** conversation.user.created / .user.replied / .admin.replied / .admin.closed / … carry the conversation. */
const CONVERSATION_TOPIC =
  /^conversation\.(user|admin|operator|contact)\.[a-z_.]+$|^conversation\.(rating\.added|priority\.updated|deleted)$/;

export function parseIntercomWebhook(body: unknown): WebhookContent {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new WebhookParseError('expected a JSON object');
  const b = body as {
    type?: unknown;
    id?: unknown;
    topic?: unknown;
    app_id?: unknown;
    data?: { item?: unknown };
  };
  if (b.type !== 'notification_event' || typeof b.topic !== 'string') {
    throw new WebhookParseError('expected an Intercom notification_event with a topic');
  }
  const out: WebhookContent = {
    tickets: [],
    ...(typeof b.id === 'string' ? { deliveryId: `intercom:${b.id}` } : {}),
  };
  // `ping` arrives when the endpoint is saved in the Developer Hub; other topics are not tickets.
  if (!CONVERSATION_TOPIC.test(b.topic) || b.topic === 'conversation.deleted') return out;
  const item = b.data?.item as IntercomConversation | undefined;
  if (!item || typeof item !== 'object' || (typeof item.id !== 'string' && typeof item.id !== 'number')) {
    throw new WebhookParseError(`${b.topic} without data.item.id`);
  }
  const appId = typeof b.app_id === 'string' ? b.app_id : null;
  return { ...out, tickets: [mapConversation(item, appId)] };
}
