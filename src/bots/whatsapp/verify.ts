import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * X-Hub-Signature-256: `sha256=<hex HMAC-SHA256(app secret, raw body)>`, computed over the raw bytes
 * exactly as received and compared in constant time (developers.facebook.com/docs/graph-api/webhooks/getting-started).
 */
export function validSignature(appSecret: string, rawBody: Buffer, header: string | undefined): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  const given = Buffer.from(m[1]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** GET verification: echo hub.challenge when the mode is subscribe and the token matches. */
export function verifyChallenge(
  verifyToken: string,
  q: Record<string, unknown>,
): { ok: true; challenge: string } | { ok: false } {
  const token = typeof q['hub.verify_token'] === 'string' ? q['hub.verify_token'] : '';
  const challenge = typeof q['hub.challenge'] === 'string' ? q['hub.challenge'] : '';
  const a = Buffer.from(token);
  const b = Buffer.from(verifyToken);
  const same = a.length === b.length && timingSafeEqual(a, b);
  return q['hub.mode'] === 'subscribe' && same && challenge ? { ok: true, challenge } : { ok: false };
}
