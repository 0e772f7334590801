/**
 * A local fake of the Bot Connector API (the `serviceUrl` Teams gives every activity), speaking
 * its wire format: POST /v3/conversations, POST /v3/conversations/{id}/activities,
 * POST /v3/conversations/{id}/activities/{replyToId}, PUT /v3/conversations/{id}/activities/{id},
 * GET /v3/conversations/{id}/members/{userId}. Answers are the documented shapes (`{id}` for sends
 * and updates, `ConversationResourceResponse` for creates, `TeamsChannelAccount` for members,
 * `{error: {code, message}}` for failures). Source: learn.microsoft.com/azure/bot-service/rest-api/
 * bot-framework-rest-connector-api-reference.
 *
 * It is a real HTTP server: the product reaches it exactly as it reaches Teams.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTeamsUser {
  /** Teams user id, `29:…`. */
  id: string;
  aadObjectId: string;
  name: string;
  email?: string;
  userPrincipalName?: string;
}

export interface RecordedMessage {
  id: string;
  /** The conversation without a `;messageid=` thread suffix. */
  conversationId: string;
  /** The root it replies to: the thread's root in a channel, or the replyToId of a reply. */
  rootId: string | null;
  activity: Record<string, unknown>;
  /** Previous versions, oldest first (one per PUT). */
  history: Record<string, unknown>[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  authorization?: string;
}

export interface FakeBotConnector {
  /** The serviceUrl to put in activities (with a region path, as Teams' is: …/amer/). */
  serviceUrl: string;
  requests: RecordedRequest[];
  addUser(u: FakeTeamsUser): void;
  /** Messages of a conversation (threads included), oldest first. */
  messages(conversationId: string): RecordedMessage[];
  message(id: string): RecordedMessage | undefined;
  allMessages(): RecordedMessage[];
  /** Answers the next `count` requests matching `match` (default: any) with `status`. */
  failNext(count: number, status: number, opts?: { retryAfterSeconds?: number; match?: RegExp }): void;
  /** Users who removed (or never had) the app: creating their 1:1 answers 403. */
  blocked: Set<string>;
  /**
   * A file a user sends in a personal chat: the attachment Teams puts on the message
   * (`application/vnd.microsoft.teams.file.download.info`), its downloadUrl served by this fake
   * like the pre-authorised SharePoint link (no Authorization header needed).
   */
  addFile(
    name: string,
    content: Buffer,
  ): { contentType: string; name: string; contentUrl: string; content: Record<string, string> };
  close(): Promise<void>;
}

export async function startBotConnector(): Promise<FakeBotConnector> {
  const users = new Map<string, FakeTeamsUser>();
  const messages: RecordedMessage[] = [];
  const requests: RecordedRequest[] = [];
  const failures: { left: number; status: number; retryAfter?: number; match?: RegExp }[] = [];
  const blocked = new Set<string>();
  let seq = 0;
  const newId = () => String(1_700_000_000_000 + ++seq);
  const prefix = '/amer/v3/conversations';
  const files = new Map<string, Buffer>();

  const readBody = (req: IncomingMessage) =>
    new Promise<unknown>((resolve) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        try {
          resolve(raw ? JSON.parse(raw) : undefined);
        } catch {
          resolve(raw);
        }
      });
    });

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = req.url ?? '';
    requests.push({ method: req.method ?? '', path, body, authorization: req.headers.authorization });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    const failure = failures.find((f) => f.left > 0 && (!f.match || f.match.test(`${req.method} ${path}`)));
    if (failure) {
      failure.left--;
      return send(
        failure.status,
        {
          error: { code: failure.status === 429 ? 'Throttled' : 'ServiceError', message: 'injected failure' },
        },
        failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {},
      );
    }
    if (req.method === 'GET' && path.startsWith('/files/')) {
      const file = files.get(path.split('/')[2] ?? '');
      if (!file) return send(404, { error: { code: 'itemNotFound', message: path } });
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(file.length),
      });
      return void res.end(file);
    }
    if (!path.startsWith(prefix)) return send(404, { error: { code: 'NotFound', message: path } });
    const segments = path
      .slice(prefix.length)
      .split('?')[0]!
      .split('/')
      .filter(Boolean)
      .map((s) => decodeURIComponent(s));
    const [conversation, kind, activityId] = segments;
    const a = (body ?? {}) as Record<string, unknown>;

    if (req.method === 'POST' && !conversation) {
      const member = ((a.members as { id: string }[] | undefined) ?? [])[0]?.id ?? '';
      if (!a.bot && !a.agent)
        return send(400, { error: { code: 'BadArgument', message: 'bot is required' } });
      if (!member || blocked.has(member))
        return send(403, { error: { code: 'Forbidden', message: 'The bot is not installed for the user.' } });
      return send(201, { id: `a:1${Buffer.from(member).toString('hex')}`, activityId: newId() });
    }
    if (!conversation) return send(404, { error: { code: 'NotFound', message: path } });
    const base = conversation.split(';messageid=')[0]!;
    const thread = conversation.includes(';messageid=') ? conversation.split(';messageid=')[1]! : null;

    if (req.method === 'POST' && kind === 'activities') {
      const id = newId();
      messages.push({ id, conversationId: base, rootId: activityId ?? thread, activity: a, history: [] });
      return send(201, { id });
    }
    if (req.method === 'PUT' && kind === 'activities' && activityId) {
      const m = messages.find((x) => x.id === activityId && x.conversationId === base);
      if (!m) return send(404, { error: { code: 'ActivityNotFoundInConversation', message: activityId } });
      m.history.push(m.activity);
      m.activity = a;
      return send(200, { id: activityId });
    }
    if (req.method === 'GET' && kind === 'members' && activityId) {
      const u = users.get(activityId);
      if (!u) return send(404, { error: { code: 'MemberNotFoundInConversation', message: activityId } });
      return send(200, {
        id: u.id,
        name: u.name,
        aadObjectId: u.aadObjectId,
        email: u.email,
        userPrincipalName: u.userPrincipalName ?? u.email,
        userRole: 'user',
      });
    }
    send(405, { error: { code: 'MethodNotAllowed', message: `${req.method} ${path}` } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    serviceUrl: `http://127.0.0.1:${port}/amer/`,
    requests,
    blocked,
    addUser: (u) => void users.set(u.id, u),
    addFile(name, content) {
      const id = `f${++seq}`;
      files.set(id, content);
      const origin = `http://127.0.0.1:${port}`;
      return {
        contentType: 'application/vnd.microsoft.teams.file.download.info',
        name,
        contentUrl: `${origin}/sites/contoso/Shared%20Documents/${encodeURIComponent(name)}`,
        content: {
          downloadUrl: `${origin}/files/${id}/${encodeURIComponent(name)}`,
          uniqueId: id,
          fileType: 'csv',
        },
      };
    },
    messages: (conversationId) =>
      messages.filter((m) => m.conversationId === conversationId.split(';messageid=')[0]),
    message: (id) => messages.find((m) => m.id === id),
    allMessages: () => [...messages],
    failNext(count, status, opts = {}) {
      failures.push({ left: count, status, retryAfter: opts.retryAfterSeconds, match: opts.match });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Everything a person reads in a recorded message: its text, summary and card. */
export function messageText(m: RecordedMessage): string {
  const a = m.activity;
  return [a.text, a.summary, JSON.stringify(a.attachments ?? [])].filter(Boolean).join(' ');
}

/** The Adaptive Card of a recorded message, if it has one. */
export function cardOf(m: RecordedMessage | undefined): Record<string, unknown> | null {
  const att = (
    m?.activity.attachments as { contentType: string; content: Record<string, unknown> }[] | undefined
  )?.[0];
  return att?.contentType === 'application/vnd.microsoft.card.adaptive' ? att.content : null;
}
