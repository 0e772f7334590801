import { isBsuid } from './parse.js';
import axios, { type AxiosInstance } from 'axios';
import type { Logger } from '../../log.js';
import { createPacer, type Pacer } from './pacer.js';

/**
 * The WhatsApp Cloud API over axios: POST /{phone-number-id}/messages and the two-step media
 * download (CHAT.md §4). Throughput errors are retried here a few times with backoff; what still
 * fails is thrown with `retryAfterMs` so the outbox retries later and, in the end, reports it.
 */

/** Error codes (developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes). */
export const WA_ERRORS = {
  /** Re-engagement message: the 24-hour customer service window is closed. */
  reEngagement: 131047,
  /** Throughput: too many messages per second for the phone number. */
  throughput: 130429,
  /** Pair rate limit: too many messages to one user in a short time. */
  pairRate: 131056,
  undeliverable: 131026,
  spamRate: 131048,
  tokenExpired: 190,
  appRate: 4,
  wabaRate: 80007,
} as const;

const RETRYABLE = new Set<number>([
  WA_ERRORS.throughput,
  WA_ERRORS.pairRate,
  WA_ERRORS.spamRate,
  WA_ERRORS.appRate,
  WA_ERRORS.wabaRate,
]);

export class GraphError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: number | null,
    readonly retryable: boolean,
    /** For the outbox: wait at least this long before the next attempt. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

export interface GraphClientOptions {
  /** WHATSAPP_API_URL, default https://graph.facebook.com/ */
  apiUrl: string;
  version: string;
  phoneNumberId: string;
  accessToken: string;
  ratePerSecond: number;
  recipientGapMs: number;
  log: Logger;
  /** In-process attempts for throughput errors before giving the send back to the outbox. */
  attempts?: number;
  /** First backoff (doubles each attempt, with jitter). */
  backoffMs?: number;
}

export interface GraphClient {
  /** Sends one message to `to` (a wa_id); returns the wamid. */
  send(to: string, message: Record<string, unknown>): Promise<string>;
  /** Downloads inbound media: GET /{media-id} → url (valid 5 minutes) → GET url, both with the token. */
  downloadMedia(mediaId: string): Promise<{ bytes: Buffer; mimeType: string; sha256?: string }>;
  pacer: Pacer;
}

export function createGraphClient(o: GraphClientOptions): GraphClient {
  const base = `${o.apiUrl.replace(/\/+$/, '')}/${o.version}/`;
  const http: AxiosInstance = axios.create({
    baseURL: base,
    timeout: 15_000,
    headers: { authorization: `Bearer ${o.accessToken}` },
    validateStatus: () => true,
  });
  const pacer = createPacer({ ratePerSecond: o.ratePerSecond, recipientGapMs: o.recipientGapMs });
  const attempts = o.attempts ?? 3;
  const backoff = o.backoffMs ?? 500;

  function toError(status: number, data: unknown, headers: Record<string, unknown>): GraphError {
    const err = (data as { error?: { message?: string; code?: number; error_data?: { details?: string } } })
      ?.error;
    const code = typeof err?.code === 'number' ? err.code : null;
    const retryable = status === 429 || status >= 500 || (code !== null && RETRYABLE.has(code));
    const ra = Number(headers['retry-after']);
    // Never echo the request (it carries the bearer token in axios' config): message and code only.
    const detail = err?.error_data?.details ? ` (${err.error_data.details})` : '';
    return new GraphError(
      `WhatsApp API ${status}${code !== null ? ` error ${code}` : ''}: ${err?.message ?? 'request failed'}${detail}`,
      status,
      code,
      retryable,
      Number.isFinite(ra) && ra > 0 ? ra * 1000 : retryable ? 30_000 : undefined,
    );
  }

  async function send(to: string, message: Record<string, unknown>): Promise<string> {
    return pacer.run(to, async () => {
      for (let attempt = 1; ; attempt++) {
        const res = await http.post(`${encodeURIComponent(o.phoneNumberId)}/messages`, {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          // A user who hides their number is written to by BSUID in `recipient` instead of `to`
          // (Cloud API "Business-scoped user IDs").
          ...(isBsuid(to) ? { recipient: to } : { to }),
          ...message,
        });
        if (res.status >= 200 && res.status < 300) {
          const id = (res.data as { messages?: { id?: string }[] })?.messages?.[0]?.id;
          if (!id) throw new GraphError('WhatsApp API answered without a message id', res.status, null, true);
          return id;
        }
        const e = toError(res.status, res.data, res.headers as Record<string, unknown>);
        if (!e.retryable || attempt >= attempts) throw e;
        const wait = Math.round(backoff * 2 ** (attempt - 1) * (0.5 + Math.random() * 0.5));
        o.log.warn(
          { code: e.code, status: e.status, attempt, waitMs: wait },
          'whatsapp: send throttled, backing off',
        );
        // A pair-rate refusal means this recipient needs more room; hold its queue, not the number's.
        await new Promise((r) => setTimeout(r, wait));
      }
    });
  }

  async function downloadMedia(mediaId: string) {
    const meta = await http.get(encodeURIComponent(mediaId));
    if (meta.status !== 200) throw toError(meta.status, meta.data, meta.headers as Record<string, unknown>);
    const m = meta.data as { url?: string; mime_type?: string; sha256?: string };
    if (!m.url) throw new GraphError('WhatsApp media lookup returned no URL', meta.status, null, false);
    // The URL is valid for 5 minutes and needs the same bearer token (CHAT.md §4): fetch it now.
    const file = await http.get(m.url, {
      responseType: 'arraybuffer',
      baseURL: undefined,
      maxContentLength: 20 * 1024 * 1024,
    });
    if (file.status !== 200)
      throw new GraphError(
        `WhatsApp media download failed with HTTP ${file.status}`,
        file.status,
        null,
        file.status >= 500,
      );
    return {
      bytes: Buffer.from(file.data as ArrayBuffer),
      mimeType: m.mime_type ?? 'application/octet-stream',
      sha256: m.sha256,
    };
  }

  return { send, downloadMedia, pacer };
}
