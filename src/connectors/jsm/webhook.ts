import { header, hmac, safeEqual } from '../runtime/text.js';
import {
  WebhookParseError,
  type WebhookContent,
  type WebhookRequest,
  type WebhookVerdict,
} from '../types.js';

/**
 * Jira admin webhooks created with a secret send `X-Hub-Signature: sha256=<hex HMAC-SHA256(secret,
 * raw body)>` (developer.atlassian.com/cloud/jira/platform/webhooks/#secure-admin-webhooks). There
 * is no signed timestamp, so replays are caught by the delivery id and the ticket upsert instead.
 */
export function verifyJsmWebhook(req: WebhookRequest, secret: string | null): WebhookVerdict {
  if (!secret) return { ok: false, reason: 'no webhook secret is set for this connector' };
  const sig = header(req.headers, 'x-hub-signature');
  if (!sig) return { ok: false, reason: 'missing X-Hub-Signature' };
  const m = /^sha256=([0-9a-f]{64})$/i.exec(sig.trim());
  if (!m) return { ok: false, reason: 'X-Hub-Signature is not sha256=<hex>' };
  return safeEqual(hmac('sha256', secret, req.rawBody, 'hex'), m[1]!.toLowerCase())
    ? { ok: true }
    : { ok: false, reason: 'signature mismatch' };
}

/** Issue events whose issue should be (re)read. Deletions are not synced (tickets are kept). */
const ISSUE_EVENTS = /^(jira:issue_(created|updated)|comment_(created|updated|deleted))$/;

/**
 * The webhook body carries `issue` in the v2 representation (description as wiki text, no
 * Organizations field name we can trust), so the ticket is re-read through the API rather than
 * mapped from the payload: one mapping for poll and webhook.
 */
export function parseJsmWebhook(body: unknown, req: WebhookRequest): WebhookContent {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new WebhookParseError('expected a JSON object');
  const b = body as { webhookEvent?: unknown; issue?: { id?: unknown } };
  if (typeof b.webhookEvent !== 'string') throw new WebhookParseError('missing webhookEvent');
  const deliveryId = header(req.headers, 'x-atlassian-webhook-identifier');
  const out: WebhookContent = { tickets: [], ...(deliveryId ? { deliveryId: `jsm:${deliveryId}` } : {}) };
  if (!ISSUE_EVENTS.test(b.webhookEvent)) return out;
  const id = b.issue?.id;
  if (typeof id !== 'string' && typeof id !== 'number')
    throw new WebhookParseError(`${b.webhookEvent} without issue.id`);
  return { ...out, fetchIds: [String(id)] };
}
