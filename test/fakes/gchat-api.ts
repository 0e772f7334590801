/**
 * A local fake of Google: the Chat API (chat.googleapis.com v1), the OAuth token endpoint a
 * service-account key names in `token_uri`, and the certificates Chat's request tokens are signed
 * with — each speaking the documented wire format, over real HTTP.
 *
 *   POST  /token                                  JWT-bearer grant → {access_token, expires_in, token_type}
 *   GET   /certs                                  {kid: PEM certificate} (as oauth2/v1/certs and the
 *                                                 x509 metadata of chat@system.gserviceaccount.com)
 *   POST  /v1/{parent=spaces/*}/messages          ?messageId&requestId&messageReplyOption → Message
 *   GET   /v1/{name=spaces/*\/messages/*}          → Message
 *   PATCH /v1/{name=spaces/*\/messages/*}          ?updateMask → Message
 *   GET   /v1/spaces:findDirectMessage            ?name=users/{id} → Space | 404
 *   GET   /v1/media/{resourceName}?alt=media      the attachment's bytes
 *
 * Errors are Google's `{error: {code, message, status}}`. Names follow "Name a message": a message
 * created with `messageId=client-…` still gets a server-generated `name`
 * (`spaces/S/messages/<server id>`); the client id is echoed as `clientAssignedMessageId`, and
 * `spaces/S/messages/client-…` is accepted wherever a message name is (get, patch).
 * Threads follow the documented rules: in a named space a message with `thread.threadKey` or
 * `thread.name` and a REPLY_MESSAGE_* option joins that thread (or starts one, for a new key);
 * without an option it starts a new thread. `messageReplyOption` is "only supported in named
 * spaces": in a DM (`spaces/DM-…` here) it is ignored and the message joins the thread named by
 * `thread.name` (the documented way to address an existing thread); a `threadKey` alone starts a
 * thread. A repeated requestId returns the first message instead of posting again; a repeated
 * messageId with another requestId is ALREADY_EXISTS.
 * Sources: developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages/create,
 * …/patch, …/spaces/findDirectMessage, …/media/download.
 */
import {
  createPrivateKey,
  createPublicKey,
  createSign,
  createVerify,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface FakeChatUser {
  /** users/{id} */
  name: string;
  displayName: string;
  email?: string;
  /** Has a DM with the app (added it). */
  installed?: boolean;
}

export interface FakeChatMessage {
  /** Server-generated: spaces/{space}/messages/{server id}. */
  name: string;
  /** The `messageId` it was created with (client-…), if any. */
  clientAssignedMessageId: string | null;
  space: string;
  threadName: string;
  threadKey: string | null;
  /** True when this message started its thread. */
  root: boolean;
  body: Json;
  edits: number;
  history: Json[];
  requestId: string | null;
  messageReplyOption: string | null;
}

export interface FakeChatRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization?: string;
}

const SIGNING_KID = 'fincelo-test-kid';
const fixtureKey = readFileSync(new URL('../fixtures/gchat/google-signing-key.pem', import.meta.url), 'utf8');
const fixtureCert = readFileSync(
  new URL('../fixtures/gchat/google-signing-cert.pem', import.meta.url),
  'utf8',
);

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/** Signs a JWT (RS256) the way Google signs Chat's request tokens, with the test signing key. */
export function signGoogleToken(claims: Json, o: { kid?: string; key?: string } = {}): string {
  const header = b64url(JSON.stringify({ alg: 'RS256', kid: o.kid ?? SIGNING_KID, typ: 'JWT' }));
  const payload = b64url(JSON.stringify(claims));
  const sig = createSign('RSA-SHA256')
    .update(`${header}.${payload}`)
    .sign(o.key ?? fixtureKey);
  return `${header}.${payload}.${b64url(sig)}`;
}

/** A token as Chat sends it for the given audience type (valid for 1 h from now). */
export function chatToken(
  audienceType: 'endpoint_url' | 'project_number',
  audience: string,
  extra: Json = {},
): string {
  const now = Math.floor(Date.now() / 1000);
  const base =
    audienceType === 'endpoint_url'
      ? {
          iss: 'https://accounts.google.com',
          aud: audience,
          email: 'chat@system.gserviceaccount.com',
          email_verified: true,
          sub: '113131313131313131313',
        }
      : { iss: 'chat@system.gserviceaccount.com', aud: audience };
  return signGoogleToken({ ...base, iat: now, exp: now + 3600, ...extra });
}

/** Another key than the one the certificates vouch for (forged tokens). */
export function strangerKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
}

export interface FakeGoogleChat {
  url: string;
  /** Root for GOOGLE_CHAT_API_URL. */
  apiUrl: string;
  certsUrl: string;
  /** A service-account key whose token_uri is this fake (JSON text). */
  serviceAccountJson: string;
  requests: FakeChatRequest[];
  messages: FakeChatMessage[];
  addUser(u: FakeChatUser): void;
  /** The DM space of a user (exists once they installed the app). */
  dmOf(userName: string): string;
  /** Messages of a space, oldest first. */
  messagesIn(space: string): FakeChatMessage[];
  roots(space: string): FakeChatMessage[];
  /** Replies in a root's thread; the root by its name or its client-assigned name. */
  replies(rootName: string): FakeChatMessage[];
  /** A message by its name or `spaces/S/messages/client-…`. */
  byName(name: string): FakeChatMessage | undefined;
  /** An uploaded attachment media.download can serve. */
  addMedia(resourceName: string, content: Buffer): void;
  /** Answers the next `count` API requests matching `match` with `status`. */
  failNext(count: number, status: number, o?: { match?: RegExp; retryAfterSeconds?: number }): void;
  tokensIssued: number;
  close(): Promise<void>;
}

export async function startFakeGoogleChat(): Promise<FakeGoogleChat> {
  const sa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const saPrivate = sa.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const saPublic = createPublicKey(createPrivateKey(saPrivate));
  const users = new Map<string, FakeChatUser>();
  const media = new Map<string, Buffer>();
  const messages: FakeChatMessage[] = [];
  const requests: FakeChatRequest[] = [];
  const tokens = new Set<string>();
  const failures: { count: number; status: number; match?: RegExp; retryAfterSeconds?: number }[] = [];
  let seq = 0;
  let url = '';

  const dmOf = (userName: string) => `spaces/DM-${userName.replace(/^users\//, '')}`;
  const isDm = (space: string) => space.startsWith('spaces/DM-');
  const serverId = () => `${randomBytes(8).toString('base64url')}.${randomBytes(8).toString('base64url')}`;
  const byName = (name: string) =>
    messages.find(
      (m) =>
        m.name === name ||
        (m.clientAssignedMessageId && `${m.space}/messages/${m.clientAssignedMessageId}` === name),
    );

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
  const error = (res: ServerResponse, code: number, status: string, message: string, headers = {}) =>
    send(res, code, { error: { code, message, status } }, headers);

  async function readBody(req: IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function token(res: ServerResponse, raw: string) {
    const form = new URLSearchParams(raw);
    const assertion = form.get('assertion') ?? '';
    const [h, p, s] = assertion.split('.');
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer' || !h || !p || !s)
      return send(res, 400, { error: 'invalid_grant', error_description: 'bad assertion' });
    const ok = createVerify('RSA-SHA256').update(`${h}.${p}`).verify(saPublic, Buffer.from(s, 'base64url'));
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Json;
    if (!ok || !String(claims.scope ?? '').includes('https://www.googleapis.com/auth/chat.bot'))
      return send(res, 400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
    const t = `ya29.fake-${randomBytes(8).toString('hex')}`;
    tokens.add(t);
    send(res, 200, { access_token: t, expires_in: 3599, token_type: 'Bearer' });
  }

  function createMessage(res: ServerResponse, space: string, q: Record<string, string>, body: Json) {
    const requestId = q.requestId ?? null;
    if (requestId) {
      const same = messages.find((m) => m.space === space && m.requestId === requestId);
      if (same) return send(res, 200, view(same));
    }
    if (q.messageId && !/^client-[a-z0-9-]{1,56}$/.test(q.messageId))
      return error(
        res,
        400,
        'INVALID_ARGUMENT',
        'messageId must start with client- and be at most 63 characters',
      );
    const clientId = q.messageId ?? null;
    if (clientId && messages.some((m) => m.space === space && m.clientAssignedMessageId === clientId))
      return error(res, 409, 'ALREADY_EXISTS', `${space}/messages/${clientId} exists`);
    const name = `${space}/messages/${serverId()}`;
    const threadKey: string | null = body.thread?.threadKey ?? null;
    const threadName: string | null = body.thread?.name ?? null;
    const option = isDm(space) ? null : (q.messageReplyOption ?? null);
    const replying = isDm(space) || (option && option !== 'MESSAGE_REPLY_OPTION_UNSPECIFIED');
    let thread: string | undefined;
    if (replying && threadName)
      thread = messages.find((m) => m.space === space && m.threadName === threadName)?.threadName;
    else if (replying && threadKey && !isDm(space))
      thread = messages.find((m) => m.space === space && m.threadKey === threadKey)?.threadName;
    if (!thread && option === 'REPLY_MESSAGE_OR_FAIL')
      return error(res, 404, 'NOT_FOUND', 'thread not found');
    const root = !thread;
    thread ??= `${space}/threads/t${++seq}`;
    const m: FakeChatMessage = {
      name,
      clientAssignedMessageId: clientId,
      space,
      threadName: thread,
      threadKey,
      root,
      body: { ...body },
      edits: 0,
      history: [],
      requestId,
      messageReplyOption: q.messageReplyOption ?? null,
    };
    messages.push(m);
    send(res, 200, view(m));
  }

  function view(m: FakeChatMessage): Json {
    return {
      ...m.body,
      name: m.name,
      ...(m.clientAssignedMessageId ? { clientAssignedMessageId: m.clientAssignedMessageId } : {}),
      sender: { name: 'users/app', type: 'BOT' },
      space: { name: m.space },
      thread: { name: m.threadName, ...(m.threadKey ? { threadKey: m.threadKey } : {}) },
    };
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const u = new URL(req.url ?? '/', url);
      const raw = await readBody(req);
      const path = decodeURIComponent(u.pathname);
      const query = Object.fromEntries(u.searchParams);
      if (req.method === 'POST' && path === '/token') return token(res, raw);
      if (req.method === 'GET' && path === '/certs')
        return send(res, 200, { [SIGNING_KID]: fixtureCert }, { 'cache-control': 'public, max-age=3600' });
      let body: unknown = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        return error(res, 400, 'INVALID_ARGUMENT', 'body is not JSON');
      }
      requests.push({
        method: req.method ?? '',
        path,
        query,
        body,
        authorization: req.headers.authorization,
      });
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!bearer || !tokens.has(bearer))
        return error(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
      const f = failures.find((x) => x.count > 0 && (!x.match || x.match.test(`${req.method} ${path}`)));
      if (f) {
        f.count--;
        return error(
          res,
          f.status,
          f.status === 429 ? 'RESOURCE_EXHAUSTED' : 'UNAVAILABLE',
          'Quota exceeded',
          f.retryAfterSeconds ? { 'retry-after': String(f.retryAfterSeconds) } : {},
        );
      }
      let m: RegExpExecArray | null;
      if (req.method === 'GET' && path === '/v1/spaces:findDirectMessage') {
        const user = users.get(query.name ?? '');
        if (!user?.installed) return error(res, 404, 'NOT_FOUND', 'Direct message not found.');
        return send(res, 200, { name: dmOf(user.name), spaceType: 'DIRECT_MESSAGE', singleUserBotDm: true });
      }
      if (req.method === 'POST' && (m = /^\/v1\/(spaces\/[^/]+)\/messages$/.exec(path)))
        return createMessage(res, m[1]!, query, (body ?? {}) as Json);
      if (req.method === 'GET' && (m = /^\/v1\/(spaces\/[^/]+\/messages\/[^/]+)$/.exec(path))) {
        const msg = byName(m[1]!);
        if (!msg) return error(res, 404, 'NOT_FOUND', 'Message not found.');
        return send(res, 200, view(msg));
      }
      if (req.method === 'PATCH' && (m = /^\/v1\/(spaces\/[^/]+\/messages\/[^/]+)$/.exec(path))) {
        const msg = byName(m[1]!);
        if (!msg) return error(res, 404, 'NOT_FOUND', 'Message not found.');
        const mask = (query.updateMask ?? '').split(',').filter(Boolean);
        if (!mask.length) return error(res, 400, 'INVALID_ARGUMENT', 'updateMask is required');
        msg.history.push({ ...msg.body });
        for (const k of mask) msg.body[k] = (body as Json)[k];
        msg.edits++;
        return send(res, 200, view(msg));
      }
      if (req.method === 'GET' && (m = /^\/v1\/media\/(.+)$/.exec(path))) {
        if (query.alt !== 'media') return error(res, 400, 'INVALID_ARGUMENT', 'alt=media is required');
        const content = media.get(m[1]!);
        if (!content) return error(res, 404, 'NOT_FOUND', 'Attachment not found.');
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return res.end(content);
      }
      error(res, 404, 'NOT_FOUND', `no route ${req.method} ${path}`);
    })().catch((err: unknown) => {
      if (!res.headersSent) error(res, 500, 'INTERNAL', (err as Error).message);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeGoogleChat = {
    url,
    apiUrl: `${url}/`,
    certsUrl: `${url}/certs`,
    serviceAccountJson: JSON.stringify({
      type: 'service_account',
      project_id: 'fincelo-test',
      private_key_id: 'sa-key-1',
      private_key: saPrivate,
      client_email: 'fincelo-chat@fincelo-test.iam.gserviceaccount.com',
      client_id: '1234567890',
      token_uri: `${url}/token`,
    }),
    requests,
    messages,
    addUser: (u) => void users.set(u.name, u),
    dmOf,
    messagesIn: (space) => messages.filter((m) => m.space === space),
    roots: (space) => messages.filter((m) => m.space === space && m.root),
    byName,
    replies: (rootName) => {
      const root = byName(rootName);
      return root ? messages.filter((m) => m.threadName === root.threadName && !m.root) : [];
    },
    addMedia: (resourceName, content) => void media.set(resourceName, content),
    failNext: (count, status, o = {}) => void failures.push({ count, status, ...o }),
    get tokensIssued() {
      return tokens.size;
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
  return fake;
}
