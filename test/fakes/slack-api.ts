/**
 * A local fake of the Slack Web API: a real HTTP server answering the methods Fincelo calls with
 * the documented response shapes (docs.slack.dev/reference/methods/<method>), recording what it
 * received. Point the product at it with SLACK_API_URL = fake.url.
 *
 * It behaves like Slack where the product relies on it: `ts` values unique per channel, chat.update
 * only on existing messages, single-use trigger_ids that expire after 3 s, users found by email,
 * Block Kit limits (see slack-block-rules.ts), and HTTP 429 + Retry-After when told to.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { blockProblems, viewProblems } from './slack-block-rules.js';

export interface FakeSlackUser {
  id: string;
  teamId?: string;
  email?: string;
  name?: string;
  tz?: string;
  isBot?: boolean;
}

export interface FakeSlackTeam {
  id: string;
  name: string;
  botToken: string;
  botUserId: string;
  botId: string;
}

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  /** The root's ts for a thread reply, else null. */
  threadTs: string | null;
  text: string;
  blocks: unknown[] | null;
  edits: number;
  postedAt: number;
  updatedAt: number | null;
  token: string;
}

export interface FakeSlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | null;
  at: number;
  status: number;
  error?: string;
}

interface RateLimitRule {
  method: string;
  retryAfterSec: number;
  times: number;
  channel?: string;
}

type Json = Record<string, unknown>;
type Reply = Json & { ok: boolean };

export const DEFAULT_TEAM: FakeSlackTeam = {
  id: 'T0FINCELO',
  name: 'Fincelo Test',
  botToken: 'xoxb-fake-bot-token',
  botUserId: 'U0BOT',
  botId: 'B0BOT',
};

export async function startFakeSlack(o: { users?: FakeSlackUser[]; teams?: FakeSlackTeam[] } = {}) {
  const teams = new Map<string, FakeSlackTeam>();
  const users = new Map<string, FakeSlackUser & { teamId: string }>();
  const channels = new Map<string, { id: string; teamId: string; userId: string | null }>();
  const messages: FakeSlackMessage[] = [];
  const ephemerals: { channel: string; user: string; text: string; at: number }[] = [];
  const views: {
    id: string;
    hash: string;
    view: Json;
    method: string;
    triggerId?: string;
    at: number;
    token: string;
  }[] = [];
  /** Posts to a response_url: the fake's own (/response/<id>) or hooks.slack.com's paths (/commands/…, /actions/…). */
  const responses: { id: string; path: string; body: Json; at: number }[] = [];
  const calls: FakeSlackCall[] = [];
  const rateLimits: RateLimitRule[] = [];
  const triggers = new Map<string, { issuedAt: number; used: boolean }>();
  const oauthCodes = new Map<string, { team: FakeSlackTeam; installerId: string }>();
  /** Uploaded files (CSV import): served at url_private_download to the owning team's bot token only. */
  const files = new Map<
    string,
    { id: string; teamId: string; name: string; content: Buffer; user: string }
  >();
  let seq = 0;

  const addTeam = (t: FakeSlackTeam) => void teams.set(t.id, t);
  const addUser = (u: FakeSlackUser) => void users.set(u.id, { ...u, teamId: u.teamId ?? DEFAULT_TEAM.id });
  for (const t of o.teams ?? [DEFAULT_TEAM]) addTeam(t);
  for (const u of o.users ?? []) addUser(u);

  const nextTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
  const teamOfToken = (token: string | null) => [...teams.values()].find((t) => t.botToken === token) ?? null;
  const userJson = (u: FakeSlackUser & { teamId: string }) => ({
    id: u.id,
    team_id: u.teamId,
    name: u.name?.toLowerCase().replace(/\s+/g, '.') ?? u.id,
    deleted: false,
    real_name: u.name ?? u.id,
    tz: u.tz ?? 'Europe/London',
    is_bot: Boolean(u.isBot),
    profile: { email: u.email, real_name: u.name ?? u.id, display_name: u.name ?? '' },
  });
  const fail = (error: string, extra: Json = {}): Reply => ({ ok: false, error, ...extra });

  function dm(teamId: string, userId: string): string {
    const id = `D${userId.replace(/^[UW]/, '')}`;
    channels.set(id, { id, teamId, userId });
    return id;
  }

  function viewRecord(view: Json, method: string, token: string, triggerId?: string, id?: string) {
    const rec = {
      id: id ?? `V${String(++seq).padStart(8, '0')}`,
      hash: `h${++seq}`,
      view,
      method,
      triggerId,
      at: Date.now(),
      token,
    };
    views.push(rec);
    return {
      ok: true,
      view: { ...view, id: rec.id, hash: rec.hash, state: { values: {} }, team_id: teamOfToken(token)?.id },
    };
  }

  function useTrigger(triggerId: unknown): string | null {
    if (typeof triggerId !== 'string' || !triggerId) return 'invalid_trigger_id';
    const t = triggers.get(triggerId);
    if (t?.used) return 'exchanged_trigger_id';
    if (t && Date.now() - t.issuedAt > 3000) return 'expired_trigger_id';
    triggers.set(triggerId, { issuedAt: t?.issuedAt ?? Date.now(), used: true });
    return null;
  }

  const methods: Record<string, (a: Json, team: FakeSlackTeam, token: string) => Reply> = {
    // docs.slack.dev/reference/methods/files.info (scope files:read)
    'files.info': (a, team) => {
      const f = files.get(String(a.file ?? ''));
      return f && f.teamId === team.id ? { ok: true, file: fileJson(f) } : fail('file_not_found');
    },
    'auth.test': (_a, team) => ({
      ok: true,
      url: `https://${team.name.toLowerCase().replace(/\W+/g, '-')}.slack.com/`,
      team: team.name,
      user: 'fincelo',
      team_id: team.id,
      user_id: team.botUserId,
      bot_id: team.botId,
      is_enterprise_install: false,
    }),
    'conversations.open': (a, team) => {
      const ids = String(a.users ?? '')
        .split(',')
        .filter(Boolean);
      if (ids.length !== 1) return fail('invalid_arguments');
      const u = users.get(ids[0]!);
      if (!u || u.teamId !== team.id) return fail('user_not_found');
      if (u.isBot) return fail('cannot_dm_bot');
      const existed = [...channels.values()].some((c) => c.userId === u.id && c.teamId === team.id);
      return { ok: true, no_op: existed, already_open: existed, channel: { id: dm(team.id, u.id) } };
    },
    'users.lookupByEmail': (a, team) => {
      const email = String(a.email ?? '').toLowerCase();
      const u = [...users.values()].find((x) => x.teamId === team.id && x.email?.toLowerCase() === email);
      return u ? { ok: true, user: userJson(u) } : fail('users_not_found');
    },
    'users.info': (a, team) => {
      const u = users.get(String(a.user ?? ''));
      return u && u.teamId === team.id ? { ok: true, user: userJson(u) } : fail('user_not_found');
    },
    'chat.postMessage': (a, team, token) => {
      const channel = String(a.channel ?? '');
      const c = channels.get(channel);
      if (!c || c.teamId !== team.id) return fail('channel_not_found');
      const blocks = (a.blocks as unknown[] | undefined) ?? null;
      if (!a.text && !blocks) return fail('no_text');
      if (blocks) {
        const problems = blockProblems(blocks, 'message');
        if (problems.length) return fail('invalid_blocks', { errors: problems });
      }
      const threadTs = a.thread_ts ? String(a.thread_ts) : null;
      if (
        threadTs &&
        !messages.some((m) => m.channel === channel && m.ts === threadTs && m.threadTs === null)
      )
        return fail('invalid_thread_ts'); // the fake insists on the parent's ts, as Slack advises
      const m: FakeSlackMessage = {
        channel,
        ts: nextTs(),
        threadTs,
        text: String(a.text ?? ''),
        blocks,
        edits: 0,
        postedAt: Date.now(),
        updatedAt: null,
        token,
      };
      messages.push(m);
      return {
        ok: true,
        channel,
        ts: m.ts,
        message: {
          type: 'message',
          text: m.text,
          user: team.botUserId,
          bot_id: team.botId,
          ts: m.ts,
          team: team.id,
          ...(blocks ? { blocks } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
        },
      };
    },
    'chat.update': (a, team) => {
      const m = messages.find((x) => x.channel === a.channel && x.ts === a.ts);
      if (!m || channels.get(m.channel)?.teamId !== team.id) return fail('message_not_found');
      const blocks = (a.blocks as unknown[] | undefined) ?? null;
      if (blocks) {
        const problems = blockProblems(blocks, 'message');
        if (problems.length) return fail('invalid_blocks', { errors: problems });
      }
      m.text = String(a.text ?? m.text);
      if (blocks) m.blocks = blocks;
      m.edits += 1;
      m.updatedAt = Date.now();
      return {
        ok: true,
        channel: m.channel,
        ts: m.ts,
        text: m.text,
        message: { text: m.text, user: team.botUserId, ...(blocks ? { blocks } : {}) },
      };
    },
    'chat.postEphemeral': (a, team) => {
      const c = channels.get(String(a.channel ?? ''));
      if (!c || c.teamId !== team.id) return fail('channel_not_found');
      if (!users.has(String(a.user ?? ''))) return fail('user_not_found');
      ephemerals.push({ channel: c.id, user: String(a.user), text: String(a.text ?? ''), at: Date.now() });
      return { ok: true, message_ts: nextTs() };
    },
    'views.open': (a, _team, token) => {
      const problem = useTrigger(a.trigger_id);
      if (problem) return fail(problem);
      const p = viewProblems(a.view);
      if (p.length) return fail('invalid_arguments', { response_metadata: { messages: p } });
      return viewRecord(a.view as Json, 'views.open', token, String(a.trigger_id));
    },
    'views.push': (a, _team, token) => {
      const problem = useTrigger(a.trigger_id);
      if (problem) return fail(problem);
      const p = viewProblems(a.view);
      if (p.length) return fail('invalid_arguments', { response_metadata: { messages: p } });
      return viewRecord(a.view as Json, 'views.push', token, String(a.trigger_id));
    },
    'views.update': (a, _team, token) => {
      const last = [...views].reverse().find((v) => v.id === a.view_id);
      if (!last) return fail('not_found');
      if (a.hash && a.hash !== last.hash) return fail('hash_conflict');
      const p = viewProblems(a.view);
      if (p.length) return fail('invalid_arguments', { response_metadata: { messages: p } });
      return viewRecord(a.view as Json, 'views.update', token, undefined, last.id);
    },
  };

  function oauthAccess(a: Json): Reply {
    const grant = oauthCodes.get(String(a.code ?? ''));
    if (!grant) return fail('invalid_code');
    oauthCodes.delete(String(a.code));
    addTeam(grant.team);
    return {
      ok: true,
      app_id: 'A0FINCELO',
      authed_user: { id: grant.installerId },
      scope: 'chat:write,commands,im:history,im:write,users:read,users:read.email',
      token_type: 'bot',
      access_token: grant.team.botToken,
      bot_user_id: grant.team.botUserId,
      team: { id: grant.team.id, name: grant.team.name },
      enterprise: null,
      is_enterprise_install: false,
    };
  }

  async function readBody(req: IncomingMessage): Promise<{ raw: string; args: Json }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    if ((req.headers['content-type'] ?? '').includes('application/json'))
      return { raw, args: raw ? JSON.parse(raw) : {} };
    const args: Json = {};
    for (const [k, v] of new URLSearchParams(raw)) {
      // WebClient sends objects (blocks, view) as JSON strings inside the form (serializeBody).
      args[k] = ['blocks', 'view', 'attachments', 'metadata'].includes(k) ? JSON.parse(v) : v;
    }
    return { raw, args };
  }

  function send(res: ServerResponse, status: number, body: Json, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  }

  function fileJson(f: { id: string; teamId: string; name: string; content: Buffer; user: string }): Json {
    const path = `${origin}/files-pri/${f.teamId}-${f.id}`;
    return {
      id: f.id,
      name: f.name,
      title: f.name,
      user: f.user,
      mimetype: 'text/csv',
      filetype: 'csv',
      pretty_type: 'CSV',
      size: f.content.length,
      is_public: false,
      url_private: `${path}/${encodeURIComponent(f.name)}`,
      url_private_download: `${path}/download/${encodeURIComponent(f.name)}`,
    };
  }

  /** Like files.slack.com: the bytes for the owning team's bot token, else a redirect to sign-in. */
  function serveFile(req: IncomingMessage, res: ServerResponse, url: URL) {
    const m = /^\/files-pri\/([^-/]+)-([^/]+)\//.exec(url.pathname);
    const f = m ? files.get(m[2]!) : undefined;
    const token = req.headers.authorization?.replace(/^Bearer /, '') ?? null;
    calls.push({ method: 'files-pri', args: { path: url.pathname }, token, at: Date.now(), status: 200 });
    if (!f || f.teamId !== m![1] || teamOfToken(token)?.id !== f.teamId) {
      res.writeHead(302, { location: 'https://slack.com/signin', 'content-type': 'text/html' });
      return void res.end('<html>sign in</html>');
    }
    res.writeHead(200, { 'content-type': 'text/csv', 'content-length': String(f.content.length) });
    res.end(f.content);
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    try {
      if (url.pathname.startsWith('/files-pri/')) return serveFile(req, res, url);
      const { args } = await readBody(req);
      const hook = /^\/(response|commands|actions)\/(.+)$/.exec(url.pathname);
      if (hook) {
        responses.push({ id: hook[2]!, path: url.pathname, body: args, at: Date.now() });
        res.writeHead(200, { 'content-type': 'text/plain' });
        return void res.end('ok');
      }
      const method = url.pathname.replace(/^\/api\//, '');
      const auth = req.headers.authorization;
      const token = auth?.startsWith('Bearer ')
        ? auth.slice(7)
        : typeof args.token === 'string'
          ? args.token
          : null;
      const call: FakeSlackCall = { method, args, token, at: Date.now(), status: 200 };
      calls.push(call);
      const rule = rateLimits.find(
        (r) => r.times > 0 && r.method === method && (!r.channel || r.channel === args.channel),
      );
      if (rule) {
        rule.times -= 1;
        call.status = 429;
        call.error = 'ratelimited';
        return send(
          res,
          429,
          { ok: false, error: 'ratelimited' },
          { 'retry-after': String(rule.retryAfterSec) },
        );
      }
      let reply: Reply;
      if (method === 'oauth.v2.access') reply = oauthAccess(args);
      else if (!methods[method]) reply = fail('unknown_method');
      else if (!token) reply = fail('not_authed');
      else {
        const team = teamOfToken(token);
        reply = team ? methods[method]!(args, team, token) : fail('invalid_auth');
      }
      if (!reply.ok) call.error = String(reply.error);
      send(res, 200, reply);
    } catch (err) {
      send(res, 500, { ok: false, error: 'fatal_error', detail: (err as Error).message });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** Web API base URL, for SLACK_API_URL. */
    url: `${origin}/api/`,
    origin,
    calls,
    messages,
    ephemerals,
    views,
    responses,
    addUser,
    addTeam,
    /** A file a user uploaded (CSV import): its Slack file object, with url_private_download. */
    addFile(f: { id: string; name: string; content: Buffer; user: string; teamId?: string }): Json {
      const rec = { ...f, teamId: f.teamId ?? DEFAULT_TEAM.id };
      files.set(f.id, rec);
      return fileJson(rec);
    },
    /** A channel the bot is a member of (file_share events come from there). */
    addChannel(id: string, teamId = DEFAULT_TEAM.id) {
      channels.set(id, { id, teamId, userId: null });
    },
    /** A message a user posted (e.g. the file share), so the bot can reply in its thread. */
    userMessage(channel: string, user: string, text = '', threadTs: string | null = null): FakeSlackMessage {
      const m: FakeSlackMessage = {
        channel,
        ts: nextTs(),
        threadTs,
        text,
        blocks: null,
        edits: 0,
        postedAt: Date.now(),
        updatedAt: null,
        token: user,
      };
      messages.push(m);
      return m;
    },
    /** The DM channel id Slack gives a user's conversation with the bot. */
    dmOf: (userId: string) => `D${userId.replace(/^[UW]/, '')}`,
    /** A trigger_id as Slack would put in an interaction payload (single use, 3 s). */
    issueTrigger(): string {
      const id = `${Date.now()}.${++seq}.${Math.random().toString(16).slice(2, 10)}`;
      triggers.set(id, { issuedAt: Date.now(), used: false });
      return id;
    },
    /** A response_url for a slash command payload; what is posted there lands in `responses`. */
    responseUrl(): string {
      return `${origin}/response/${++seq}`;
    },
    /** Lets oauth.v2.access exchange `code` for an installation of `team` by `installerId`. */
    oauthCode(code: string, team: FakeSlackTeam, installerId: string) {
      oauthCodes.set(code, { team, installerId });
    },
    /** The next `times` calls of `method` (optionally to one channel) get HTTP 429 + Retry-After. */
    rateLimit(rule: { method: string; retryAfterSec: number; times?: number; channel?: string }) {
      rateLimits.push({ ...rule, times: rule.times ?? 1 });
    },
    callsOf: (method: string) => calls.filter((c) => c.method === method),
    messagesIn: (channel: string) => messages.filter((m) => m.channel === channel),
    roots: (channel: string) => messages.filter((m) => m.channel === channel && m.threadTs === null),
    replies: (channel: string, rootTs?: string) =>
      messages.filter(
        (m) => m.channel === channel && m.threadTs !== null && (!rootTs || m.threadTs === rootTs),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;
