/**
 * The Chat API calls the app makes, through the generated googleapis chat v1 client
 * (`@googleapis/chat`, the per-API package of `googleapis`) authenticated as the app: a service
 * account with the `chat.bot` scope (developers.google.com/workspace/chat/authenticate-authorize-chat-app).
 *
 * Quotas (developers.google.com/workspace/chat/limits): a 429 is retried here with exponential
 * backoff and full jitter (honouring Retry-After when sent). Creates carry a `requestId`, so a
 * retry of a create whose first answer was lost never posts twice.
 */
import { chat, type chat_v1 } from '@googleapis/chat';
import { JWT } from 'google-auth-library';
import type { ServiceAccountKey } from './credentials.js';

export const CHAT_BOT_SCOPE = 'https://www.googleapis.com/auth/chat.bot';
/** google-auth-library always asks this URL for tokens (gtoken/getToken.js); see tokenUriOf. */
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export interface ChatApiOptions {
  key: ServiceAccountKey;
  /** API root, e.g. https://chat.googleapis.com/ (GOOGLE_CHAT_API_URL). */
  rootUrl?: string;
  /** Attempts for a call answered 429 / 5xx (default 5). */
  attempts?: number;
  /** First backoff (default 1 s), doubled per attempt. */
  baseDelayMs?: number;
  /** Told about every 429 (per-space pacing backs off). */
  onRateLimited?(space: string, waitMs: number): void;
}

/** A Chat API failure with its HTTP status (0 when no answer came back). */
export class ChatApiError extends Error {
  constructor(
    readonly method: string,
    readonly status: number,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(`Google Chat ${method} failed (${status || 'no response'}): ${message}`);
    this.name = 'ChatApiError';
  }
}

export interface CreateMessage {
  parent: string;
  message: chat_v1.Schema$Message;
  /** Client-assigned id (`client-…`, ≤ 63 chars): the message name is then known in advance. */
  messageId?: string;
  requestId?: string;
  messageReplyOption?: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' | 'REPLY_MESSAGE_OR_FAIL';
}

export interface ChatApi {
  createMessage(p: CreateMessage): Promise<{ name: string; threadName: string | null }>;
  patchMessage(name: string, updateMask: string, message: chat_v1.Schema$Message): Promise<void>;
  /** A message's thread and texts (spaces.messages.get; the name may use the client id). */
  getMessage(
    name: string,
  ): Promise<{ name: string; threadName: string | null; text: string | null; fallbackText: string | null }>;
  /** The DM space between the app and `users/{id}`; null when there is none (404). */
  findDirectMessage(userName: string): Promise<string | null>;
  /** Downloads an uploaded attachment (attachmentDataRef.resourceName). */
  downloadMedia(resourceName: string): Promise<Buffer>;
}

/**
 * A JWT client for the key. google-auth-library 10 mints tokens at Google's URL whatever the key's
 * `token_uri` says; the key's own endpoint is honoured here (as Google's Python and Go libraries
 * do), which is also how tests point it at a local token server.
 */
export function serviceAccountClient(key: ServiceAccountKey): JWT {
  const client = new JWT({
    email: key.client_email,
    key: key.private_key,
    keyId: key.private_key_id,
    scopes: [CHAT_BOT_SCOPE],
  });
  const tokenUri = key.token_uri;
  if (tokenUri && tokenUri !== GOOGLE_TOKEN_URL) {
    client.transporter.interceptors.request.add({
      resolved: async (opts) => {
        if (String(opts.url) === GOOGLE_TOKEN_URL) opts.url = new URL(tokenUri);
        return opts;
      },
    });
  }
  return client;
}

interface GaxiosLikeError {
  status?: number;
  message?: string;
  response?: { status?: number; headers?: { get?(k: string): string | null } | Record<string, string> };
}

function statusOf(err: unknown): number {
  const e = err as GaxiosLikeError;
  return Number(e.response?.status ?? e.status ?? 0) || 0;
}

function retryAfterMs(err: unknown): number | undefined {
  const h = (err as GaxiosLikeError).response?.headers;
  const raw =
    h && typeof (h as { get?: unknown }).get === 'function'
      ? (h as { get(k: string): string | null }).get('retry-after')
      : (h as Record<string, string> | undefined)?.['retry-after'];
  const s = Number(raw);
  return raw && Number.isFinite(s) ? s * 1000 : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createChatApi(o: ChatApiOptions): ChatApi {
  const auth = serviceAccountClient(o.key);
  // The generated client's option types come from its own copy of google-auth-library; the JWT is
  // the same class from the top-level copy (request/getRequestHeaders is all it calls).
  const client = chat({
    version: 'v1',
    auth: auth as unknown as chat_v1.Options['auth'],
    ...(o.rootUrl ? { rootUrl: o.rootUrl } : {}),
  });
  const attempts = o.attempts ?? 5;
  const base = o.baseDelayMs ?? 1000;

  async function call<T>(method: string, space: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const status = statusOf(err);
        const retryable = status === 429 || status >= 500 || status === 0;
        const hinted = retryAfterMs(err);
        if (!retryable || attempt >= attempts) {
          throw new ChatApiError(method, status, (err as Error).message ?? String(err), hinted);
        }
        const wait = hinted ?? Math.round(base * 2 ** (attempt - 1) * (0.5 + Math.random() * 0.5));
        if (status === 429) o.onRateLimited?.(space, wait);
        await sleep(wait);
      }
    }
  }
  // gaxios would retry some methods itself; one retry policy (this one) is enough.
  const once = { retry: false } as const;

  return {
    async createMessage(p) {
      const res = await call('spaces.messages.create', p.parent, () =>
        client.spaces.messages.create(
          {
            parent: p.parent,
            requestBody: p.message,
            ...(p.messageId ? { messageId: p.messageId } : {}),
            ...(p.requestId ? { requestId: p.requestId } : {}),
            ...(p.messageReplyOption ? { messageReplyOption: p.messageReplyOption } : {}),
          },
          once,
        ),
      );
      return { name: String(res.data.name), threadName: res.data.thread?.name ?? null };
    },
    async patchMessage(name, updateMask, message) {
      const space = name.split('/messages/')[0]!;
      await call('spaces.messages.patch', space, () =>
        client.spaces.messages.patch({ name, updateMask, requestBody: message }, once),
      );
    },
    async getMessage(name) {
      const space = name.split('/messages/')[0]!;
      const res = await call('spaces.messages.get', space, () => client.spaces.messages.get({ name }, once));
      return {
        name: String(res.data.name ?? name),
        threadName: res.data.thread?.name ?? null,
        text: res.data.text ?? null,
        fallbackText: res.data.fallbackText ?? null,
      };
    },
    async findDirectMessage(userName) {
      try {
        const res = await call('spaces.findDirectMessage', userName, () =>
          client.spaces.findDirectMessage({ name: userName }, once),
        );
        return res.data.name ?? null;
      } catch (err) {
        if (err instanceof ChatApiError && err.status === 404) return null;
        throw err;
      }
    },
    async downloadMedia(resourceName) {
      const res = await call('media.download', resourceName, () =>
        client.media.download({ resourceName, alt: 'media' }, { ...once, responseType: 'arraybuffer' }),
      );
      return Buffer.from(res.data as unknown as ArrayBuffer);
    },
  };
}
