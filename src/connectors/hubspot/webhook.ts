import { createHash, createHmac } from 'node:crypto';
import { header, safeEqual, WEBHOOK_TOLERANCE_MS } from '../runtime/text.js';
import {
  WebhookParseError,
  type WebhookContent,
  type WebhookRequest,
  type WebhookVerdict,
} from '../types.js';

/** The v3 scheme asks receivers to refuse timestamps more than 5 minutes old. */
export const HUBSPOT_SIGNATURE_WINDOW_MS = WEBHOOK_TOLERANCE_MS;

/**
 * The request URI as HubSpot signs it: the full URL, with these percent-encodings decoded
 * (developers.hubspot.com/docs/apps/legacy-apps/authentication/validating-requests, v3 table).
 */
const DECODE: Record<string, string> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};
export function signedUri(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (m) => DECODE[m.toUpperCase()] ?? m);
}

export function hubspotSignature(
  secret: string,
  method: string,
  url: string,
  rawBody: Buffer,
  timestamp: string,
): string {
  return createHmac('sha256', secret)
    .update(`${method.toUpperCase()}${signedUri(url)}`)
    .update(rawBody)
    .update(timestamp)
    .digest('base64');
}

/**
 * v3 signature: `X-HubSpot-Signature-v3` = base64 HMAC-SHA256(app secret, method + URI + body +
 * timestamp), `X-HubSpot-Request-Timestamp` in ms and at most 5 minutes old
 * (developers.hubspot.com/changelog/introducing-version-3-of-webhook-signatures).
 */
export function verifyHubSpotWebhook(req: WebhookRequest, secret: string | null): WebhookVerdict {
  if (!secret)
    return { ok: false, reason: "no webhook secret (the app's client secret) is set for this connector" };
  const sig = header(req.headers, 'x-hubspot-signature-v3');
  const ts = header(req.headers, 'x-hubspot-request-timestamp');
  if (!sig || !ts)
    return { ok: false, reason: 'missing X-HubSpot-Signature-v3 or X-HubSpot-Request-Timestamp' };
  const at = Number(ts);
  if (!/^\d+$/.test(ts.trim()) || Math.abs(req.now.getTime() - at) > HUBSPOT_SIGNATURE_WINDOW_MS) {
    return { ok: false, reason: 'timestamp outside the 5-minute window' };
  }
  return safeEqual(hubspotSignature(secret, req.method, req.url, req.rawBody, ts.trim()), sig.trim())
    ? { ok: true }
    : { ok: false, reason: 'signature mismatch' };
}

interface HubSpotEvent {
  eventId?: unknown;
  subscriptionType?: unknown;
  objectId?: unknown;
  objectTypeId?: unknown;
}

/** Tickets are CRM object type 0-5 (generic `object.*` subscriptions name it). */
function isTicketEvent(e: HubSpotEvent): boolean {
  const t = typeof e.subscriptionType === 'string' ? e.subscriptionType : '';
  if (t === 'ticket.deletion' || t === 'object.deletion') return false;
  return t.startsWith('ticket.') || (t.startsWith('object.') && e.objectTypeId === '0-5');
}

/**
 * The body is a JSON array of events carrying only ids; the tickets are re-read through the API
 * (search results and the ticket read share one mapping). The delivery id is derived from the
 * event ids, so a retried batch is recognised as a replay.
 */
export function parseHubSpotWebhook(body: unknown): WebhookContent {
  if (!Array.isArray(body)) throw new WebhookParseError('expected a JSON array of events');
  const ids = new Set<string>();
  const eventIds: string[] = [];
  for (const e of body as HubSpotEvent[]) {
    if (!e || typeof e !== 'object' || e.subscriptionType === undefined)
      throw new WebhookParseError('event without subscriptionType');
    if (typeof e.eventId === 'number' || typeof e.eventId === 'string') eventIds.push(String(e.eventId));
    if (!isTicketEvent(e)) continue;
    if (typeof e.objectId !== 'number' && typeof e.objectId !== 'string')
      throw new WebhookParseError('ticket event without objectId');
    ids.add(String(e.objectId));
  }
  const deliveryId = eventIds.length
    ? `hubspot:${createHash('sha256').update(eventIds.sort().join(',')).digest('hex').slice(0, 32)}`
    : undefined;
  return { tickets: [], ...(ids.size ? { fetchIds: [...ids] } : {}), ...(deliveryId ? { deliveryId } : {}) };
}
