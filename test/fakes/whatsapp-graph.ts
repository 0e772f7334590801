/**
 * A local fake of the WhatsApp Cloud API (Graph API), speaking its wire format:
 *   POST /{version}/{phone-number-id}/messages → {messaging_product, contacts:[{input, wa_id}], messages:[{id}]}
 *   GET  /{version}/{media-id}                 → {url, mime_type, sha256, file_size, id}
 *   GET  <url>                                 → the bytes (bearer token required, as on lookaside.fbsbx.com)
 * Errors are Graph's `{error: {message, type, code, error_data: {details}, fbtrace_id}}`.
 * It enforces what the real API enforces for us: the bearer token, the 24-hour window (131047 for a
 * non-template message to someone who has not written in 24 h), approved template names and the
 * interactive list limits (developers.facebook.com/docs/whatsapp/cloud-api/messages/interactive-list-messages).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentMessage {
  id: string;
  to: string;
  type: string;
  /** The request body as sent. */
  body: Record<string, unknown>;
  /** context.message_id: the message it quotes. */
  quotes: string | null;
  at: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  authorization?: string;
}

export interface FakeWhatsAppGraph {
  /** The WHATSAPP_API_URL to give the product (no version). */
  url: string;
  token: string;
  phoneNumberId: string;
  requests: RecordedRequest[];
  sent: SentMessage[];
  /** What one person received, oldest first. */
  to(waId: string): SentMessage[];
  /** The person wrote to the business: their 24-hour window opens now (or at `at`). */
  userWrote(waId: string, at?: number): void;
  /**
   * The next send matching `match` reaches the user (it is recorded) but is never answered; resolves
   * when it arrives. Crash tests kill the sender then: the platform has the message, we do not know.
   */
  hold(match: (body: Record<string, unknown>) => boolean): Promise<void>;
  /** Answers the next `count` message sends with a Graph error. */
  failNext(
    count: number,
    code: number,
    opts?: { status?: number; retryAfterSeconds?: number; to?: string; type?: string },
  ): void;
  /** Makes the next send refuse with 131047 even when the fake thinks the window is open. */
  approvedTemplates: Set<string>;
  /** Media the product can download: returns the media id. */
  addMedia(bytes: Buffer, mimeType: string): string;
  /** Problems found in sends (limits broken); tests assert it stays empty. */
  violations: string[];
  close(): Promise<void>;
}

const read = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const len = (s: unknown) => [...String(s ?? '')].length;

function checkMessage(b: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (b.messaging_product !== 'whatsapp') out.push('messaging_product must be "whatsapp"');
  if (b.type === 'text') {
    const t = b.text as { body?: string } | undefined;
    if (!t?.body) out.push('text.body is required');
    if (len(t?.body) > 4096) out.push('text.body > 4096');
  }
  if (b.type === 'interactive') {
    const i = b.interactive as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    if (len(i?.body?.text) > 1024 || !i?.body?.text) out.push('interactive body missing or > 1024');
    if (i?.type === 'list') {
      if (len(i.action?.button) > 20 || !i.action?.button) out.push('list button label missing or > 20');
      const rows = (i.action?.sections ?? []).flatMap((s: { rows: unknown[] }) => s.rows ?? []);
      if (rows.length === 0 || rows.length > 10) out.push(`list rows ${rows.length} (1..10)`);
      if ((i.action?.sections ?? []).length > 10) out.push('more than 10 sections');
      const ids = new Set<string>();
      for (const r of rows) {
        if (len(r.title) > 24 || !r.title) out.push(`row title "${r.title}" > 24`);
        if (len(r.description) > 72) out.push(`row description > 72`);
        if (len(r.id) > 200 || !r.id) out.push('row id missing or > 200');
        if (ids.has(r.id)) out.push(`duplicate row id ${r.id}`);
        ids.add(r.id);
      }
    } else if (i?.type === 'button') {
      const buttons = i.action?.buttons ?? [];
      if (buttons.length > 3) out.push('more than 3 reply buttons');
      for (const x of buttons) if (len(x.reply?.title) > 20) out.push('reply button title > 20');
    } else out.push(`interactive type ${i?.type}`);
  }
  if (b.type === 'template') {
    const t = b.template as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    for (const c of t?.components ?? [])
      for (const p of c.parameters ?? [])
        if (p.type === 'text' && /[\n\t]| {5,}/.test(p.text))
          out.push('template parameter with newline/tab/5 spaces');
  }
  return out;
}

export async function startWhatsAppGraph(
  opts: {
    token?: string;
    phoneNumberId?: string;
    /** How long a message send takes to be answered after WhatsApp has recorded it (default 0). */
    responseDelayMs?: number;
  } = {},
): Promise<FakeWhatsAppGraph> {
  const token = opts.token ?? `EAAG${randomBytes(12).toString('hex')}`;
  const phoneNumberId = opts.phoneNumberId ?? '106540352242922';
  const requests: RecordedRequest[] = [];
  const sent: SentMessage[] = [];
  const windows = new Map<string, number>();
  const media = new Map<string, { bytes: Buffer; mimeType: string }>();
  const failures: { code: number; status: number; retryAfterSeconds?: number; to?: string; type?: string }[] =
    [];
  const violations: string[] = [];
  const approvedTemplates = new Set(['fincelo_alert', 'fincelo_notice']);
  let seq = 0;

  const graphError = (
    res: import('node:http').ServerResponse,
    status: number,
    code: number,
    message: string,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(
      JSON.stringify({
        error: {
          message,
          type: 'OAuthException',
          code,
          error_data: { messaging_product: 'whatsapp', details: message },
          fbtrace_id: 'Afake',
        },
      }),
    );
  };

  const holds: { match: (body: Record<string, unknown>) => boolean; reached: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await read(req);
      const url = new URL(req.url ?? '/', 'http://x');
      let body: unknown = null;
      if (raw.length) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          body = raw.toString('utf8');
        }
      }
      requests.push({
        method: req.method ?? '',
        path: url.pathname,
        body,
        authorization: req.headers.authorization,
      });
      if (req.headers.authorization !== `Bearer ${token}`)
        return graphError(res, 401, 190, 'Error validating access token: The session has expired.');
      const send = /^\/(v\d+\.\d+)\/([^/]+)\/messages$/.exec(url.pathname);
      if (req.method === 'POST' && send) {
        if (send[2] !== phoneNumberId)
          return graphError(
            res,
            400,
            100,
            `Unsupported post request. Object with ID '${send[2]}' does not exist`,
          );
        const b = body as Record<string, unknown>;
        // A failure aimed at one recipient or message type is not consumed by other sends.
        const fi = failures.findIndex((x) => (!x.to || x.to === b.to) && (!x.type || x.type === b.type));
        const f = fi >= 0 ? failures.splice(fi, 1)[0] : undefined;
        if (f)
          return graphError(
            res,
            f.status,
            f.code,
            `fake failure ${f.code}`,
            f.retryAfterSeconds ? { 'retry-after': String(f.retryAfterSeconds) } : {},
          );
        const problems = checkMessage(b);
        if (problems.length) {
          violations.push(...problems);
          return graphError(res, 400, 100, `(#100) Invalid parameter: ${problems.join('; ')}`);
        }
        // A user who hides their number is written to by BSUID in `recipient` (Cloud API BSUID guide).
        const to = String(b.to ?? b.recipient);
        if (b.type === 'template') {
          const name = (b.template as { name?: string })?.name ?? '';
          if (!approvedTemplates.has(name))
            return graphError(res, 404, 132001, `Template name does not exist in the translation (${name})`);
        } else {
          const last = windows.get(to);
          if (!last || Date.now() - last > 24 * 3600_000)
            return graphError(
              res,
              400,
              131047,
              'Re-engagement message: more than 24 hours have passed since the recipient last replied.',
            );
        }
        const id = `wamid.HBgL${(++seq).toString().padStart(6, '0')}${randomBytes(6).toString('hex').toUpperCase()}`;
        const ctx = b.context as { message_id?: string } | undefined;
        sent.push({ id, to, type: String(b.type), body: b, quotes: ctx?.message_id ?? null, at: Date.now() });
        // A held send is delivered to the user but never answered (the sender is killed meanwhile).
        const hi = holds.findIndex((h) => h.match(b));
        if (hi >= 0) return void holds.splice(hi, 1)[0]!.reached();
        if (opts.responseDelayMs) await new Promise((r) => setTimeout(r, opts.responseDelayMs));
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(
          JSON.stringify({
            messaging_product: 'whatsapp',
            contacts: [{ input: to, wa_id: to }],
            messages: [{ id }],
          }),
        );
      }
      const dl = /^\/media-download\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && dl) {
        const m = media.get(dl[1]!);
        if (!m) return graphError(res, 404, 100, 'not found');
        res.writeHead(200, { 'content-type': m.mimeType });
        return res.end(m.bytes);
      }
      const meta = /^\/(v\d+\.\d+)\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && meta) {
        const m = media.get(meta[2]!);
        if (!m)
          return graphError(
            res,
            400,
            100,
            `Unsupported get request. Object with ID '${meta[2]}' does not exist`,
          );
        res.writeHead(200, { 'content-type': 'application/json' });
        return res.end(
          JSON.stringify({
            messaging_product: 'whatsapp',
            url: `${fake.url}/media-download/${meta[2]}`,
            mime_type: m.mimeType,
            sha256: createHash('sha256').update(m.bytes).digest('hex'),
            file_size: m.bytes.length,
            id: meta[2],
          }),
        );
      }
      return graphError(res, 404, 100, `Unknown path ${url.pathname}`);
    })().catch((err) => {
      res.writeHead(500);
      res.end(String(err));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const fake: FakeWhatsAppGraph = {
    url: `http://127.0.0.1:${port}`,
    token,
    phoneNumberId,
    requests,
    sent,
    to: (waId) => sent.filter((m) => m.to === waId),
    userWrote: (waId, at = Date.now()) => void windows.set(waId, at),
    hold: (match) => new Promise<void>((reached) => void holds.push({ match, reached })),
    failNext(count, code, o = {}) {
      for (let i = 0; i < count; i++)
        failures.push({
          code,
          status: o.status ?? 400,
          retryAfterSeconds: o.retryAfterSeconds,
          to: o.to,
          type: o.type,
        });
    },
    approvedTemplates,
    addMedia(bytes, mimeType) {
      const id = String(1_000_000_000_000 + media.size + 1);
      media.set(id, { bytes, mimeType });
      return id;
    },
    violations,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
  return fake;
}

/** All human-readable text of a sent message (body, list rows, template parameters). */
export function sentText(m: SentMessage): string {
  const parts: string[] = [];
  const walk = (v: unknown, key = ''): void => {
    if (typeof v === 'string') {
      if (['text', 'body', 'title', 'description', 'button'].includes(key)) parts.push(v);
    } else if (Array.isArray(v)) v.forEach((x) => walk(x, key));
    else if (v && typeof v === 'object')
      for (const [k, c] of Object.entries(v)) walk(c, k === 'text' && typeof c === 'object' ? '' : k);
  };
  walk(m.body);
  return parts.join('\n');
}

/** The list rows of an interactive list message. */
export function listRows(m: SentMessage): { id: string; title: string; description?: string }[] {
  const i = m.body.interactive as
    { type?: string; action?: { sections?: { rows: { id: string; title: string }[] }[] } } | undefined;
  return i?.type === 'list' ? (i.action?.sections ?? []).flatMap((s) => s.rows) : [];
}
