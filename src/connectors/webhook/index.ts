import { z } from 'zod';
import { WebhookParseError, type ConnectorPlatform } from '../types.js';
import { header, hmac, htmlToPlain, safeEqual, toDate, WEBHOOK_TOLERANCE_MS } from '../runtime/text.js';

/**
 * "Any platform": the sender POSTs the documented JSON shape (README, "Helpdesk connectors")
 * signed with HMAC-SHA256 under the connector's webhook secret:
 *   X-Fincelo-Timestamp: <unix seconds>
 *   X-Fincelo-Signature: sha256=<hex HMAC_SHA256(secret, timestamp + "." + rawBody)>
 * The timestamp is signed so a captured request cannot be replayed after 5 minutes; within
 * them, `deliveryId` and the upsert make a replay change nothing.
 */
export const SIGNATURE_HEADER = 'x-fincelo-signature';
export const TIMESTAMP_HEADER = 'x-fincelo-timestamp';

export function signGenericWebhook(secret: string, rawBody: string | Buffer, unixSeconds: number) {
  const ts = String(unixSeconds);
  const sig = hmac('sha256', secret, Buffer.concat([Buffer.from(`${ts}.`), Buffer.from(rawBody)]), 'hex');
  return { [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: `sha256=${sig}` };
}

// Every string is bounded and free of control characters: a NUL byte is refused by PostgreSQL's
// text type, and a 5xx makes the sender retry the same delivery forever.
const NO_CONTROL = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;
const str = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .regex(NO_CONTROL, 'must not contain control characters (such as NUL)');
// An ISO 8601 date-time, or unix seconds; "last tuesday" is refused rather than stored as no date.
const date = z
  .union(
    [
      z.iso.datetime({ offset: true, local: true }),
      z.iso.date(),
      z.number().int().min(0).max(32_503_680_000),
    ],
    { error: () => 'must be an ISO 8601 date-time such as 2026-11-23T10:00:00Z, or unix seconds' },
  )
  .nullish();
const ticket = z.object({
  id: z.union([str(200).min(1), z.number().int().min(0)], { error: () => 'must be a string or a number' }),
  subject: str(2000).refine((v) => v.trim().length > 0, 'is required (the ticket’s title)'),
  body: str(200_000).optional(),
  bodyHtml: str(400_000).optional(),
  status: str(100).nullish(),
  priority: str(100).nullish(),
  requesterEmail: str(320).nullish(),
  organization: str(500).nullish(),
  organizationId: str(200).nullish(),
  url: str(2000).nullish(),
  createdAt: date,
  updatedAt: date,
});
const payload = z.object({
  deliveryId: str(200).min(1).optional(),
  tickets: z.array(ticket).min(1).max(1000),
});

export const webhook: ConnectorPlatform = {
  id: 'webhook',
  generatesWebhookSecret: true,
  label: 'Any platform (signed webhook)',
  credentialFields: [],
  baseUrl: () => 'http://localhost',
  authHeaders: () => ({}),
  async test() {
    return { ok: true, account: 'signed webhook' };
  },
  // Nothing to poll: tickets arrive only by webhook.
  async fetchPage() {
    return { tickets: [], cursor: {}, done: true };
  },
  verifyWebhook(req, secret) {
    if (!secret) return { ok: false, reason: 'no webhook secret is stored for this connector' };
    const sig = header(req.headers, SIGNATURE_HEADER);
    const ts = header(req.headers, TIMESTAMP_HEADER);
    if (!sig || !ts || !/^\d{1,12}$/.test(ts))
      return { ok: false, reason: 'missing X-Fincelo-Signature/Timestamp' };
    const expected = signGenericWebhook(secret, req.rawBody, Number(ts))[SIGNATURE_HEADER];
    if (!safeEqual(sig, expected)) return { ok: false, reason: 'signature mismatch' };
    if (Math.abs(req.now.getTime() - Number(ts) * 1000) > WEBHOOK_TOLERANCE_MS)
      return { ok: false, reason: 'stale signature timestamp' };
    return { ok: true };
  },
  parseWebhook(body) {
    const r = payload.safeParse(body);
    if (!r.success) {
      const details: Record<string, string> = {};
      for (const i of r.error.issues) details[i.path.join('.') || '(body)'] = i.message;
      throw new WebhookParseError(
        Object.entries(details)
          .map(([k, v]) => `${k}: ${v}`)
          .join('; '),
        details,
      );
    }
    return {
      deliveryId: r.data.deliveryId,
      tickets: r.data.tickets.map((t) => ({
        externalId: String(t.id),
        subject: t.subject,
        body: t.body ?? htmlToPlain(t.bodyHtml),
        status: t.status ?? null,
        priority: t.priority ?? null,
        requesterEmail: t.requesterEmail ?? null,
        organization: t.organization ?? null,
        organizationExternalId: t.organizationId ?? null,
        url: t.url ?? null,
        createdAt: toDate(typeof t.createdAt === 'number' ? t.createdAt * 1000 : t.createdAt),
        updatedAt: toDate(typeof t.updatedAt === 'number' ? t.updatedAt * 1000 : t.updatedAt),
      })),
    };
  },
};
