import { createHmac, timingSafeEqual } from 'node:crypto';
import { compile } from 'html-to-text';

// Compiled once: html-to-text's convert() re-compiles its options on every call, which made
// mapping a 1,000-ticket page cost more than fetching it.
const toText = compile({
  wordwrap: false,
  selectors: [
    { selector: 'img', format: 'skip' },
    { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
  ],
});

/** Plain text from a helpdesk's HTML (links kept as "text [url]", images dropped). */
export function htmlToPlain(html: string | null | undefined): string {
  if (!html) return '';
  if (!/<[a-z!/][^>]*>/i.test(html)) return html.trim();
  return toText(html).trim();
}

/** Constant-time comparison of two strings (signatures). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function hmac(
  alg: 'sha256' | 'sha1',
  secret: string,
  data: string | Buffer,
  enc: 'hex' | 'base64',
): string {
  return createHmac(alg, secret).update(data).digest(enc);
}

export function header(h: Record<string, string | undefined>, name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export const toDate = (v: unknown): Date | null => {
  if (v === null || v === undefined || v === '') return null;
  const d = typeof v === 'number' ? new Date(v) : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d;
};

/** A timestamp header older (or newer) than this is stale: a replay, or a clock far off. */
export const WEBHOOK_TOLERANCE_MS = 5 * 60_000;
