/**
 * Shared plumbing for the fake helpdesk servers: a real HTTP server, a request log, scripted
 * 429s with Retry-After, and an "expired token" switch. Each fake answers its platform's
 * documented wire format (see the platform's QUIRKS.md for the sources).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeCall {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  at: number;
}

export interface FakeTicketSeed {
  id: number;
  subject: string;
  body: string;
  requesterEmail: string;
  organization?: string | null;
  organizationExternalId?: string | null;
  status: string;
  priority: string;
  createdAt: Date;
  updatedAt: Date;
}

export type Handler = (
  req: IncomingMessage & { body: string },
  url: URL,
) =>
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | Promise<{ status: number; body?: unknown; headers?: Record<string, string> }>;

export class FakeHelpdeskServer {
  url = '';
  calls: FakeCall[] = [];
  /** Answer the next N API calls with 429 + Retry-After. */
  throttle: { times: number; retryAfterSec: number } = { times: 0, retryAfterSec: 1 };
  expired = false;
  private server = createServer((req, res) => void this.dispatch(req, res));

  constructor(private readonly handle: Handler) {}

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  throttleNext(times: number, retryAfterSec: number): void {
    this.throttle = { times, retryAfterSec };
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const call: FakeCall = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      at: Date.now(),
    };
    this.calls.push(call);
    let out: { status: number; body?: unknown; headers?: Record<string, string> };
    if (this.throttle.times > 0) {
      this.throttle.times--;
      out = {
        status: 429,
        body: { error: 'Rate limited' },
        headers: { 'retry-after': String(this.throttle.retryAfterSec) },
      };
    } else {
      try {
        out = await this.handle(Object.assign(req, { body: Buffer.concat(chunks).toString('utf8') }), url);
      } catch (err) {
        out = { status: 500, body: { error: (err as Error).message } };
      }
    }
    call.status = out.status;
    res.writeHead(out.status, { 'content-type': 'application/json; charset=utf-8', ...out.headers });
    res.end(out.body === undefined ? '' : JSON.stringify(out.body));
  }
}

/**
 * Reads a request to a fake: its URL, its JSON body, and the query parameters plus the body's
 * top-level fields flattened to strings (what the fakes' call logs record for assertions).
 */
export async function readRequest(
  req: IncomingMessage,
  baseUrl: string,
): Promise<{ u: URL; body: unknown; query: Record<string, string> }> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const body: unknown = text ? JSON.parse(text) : undefined;
  const u = new URL(req.url ?? '/', baseUrl);
  const query: Record<string, string> = Object.fromEntries(u.searchParams);
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    for (const [k, v] of Object.entries(body)) query[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return { u, body, query };
}

/** Decodes `Authorization: Basic …` into [user, password]. */
export function basicAuth(req: IncomingMessage): [string, string] | null {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const s = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = s.indexOf(':');
  return i < 0 ? null : [s.slice(0, i), s.slice(i + 1)];
}

/** Deterministic ticket seeds updated one second apart, ending `endAgoMs` before now. */
export function seedTickets(
  n: number,
  opts: { startId?: number; endAgoMs?: number; now?: number } = {},
): FakeTicketSeed[] {
  const now = opts.now ?? Date.now();
  const end = now - (opts.endAgoMs ?? 10 * 60_000);
  const start = opts.startId ?? 1;
  const orgs = ['Northwind', 'Globex', 'Hooli', 'Unknown Ltd'];
  return Array.from({ length: n }, (_, i) => {
    const id = start + i;
    const at = new Date(Math.floor((end - (n - 1 - i) * 1000) / 1000) * 1000);
    return {
      id,
      subject: `Ticket ${id}`,
      body: `<p>Problem <b>number</b> ${id}</p>`,
      requesterEmail: `user${id}@${orgs[id % 4]!.toLowerCase().replace(/\s+/g, '')}.example`,
      organization: orgs[id % 4],
      status: 'open',
      priority: 'normal',
      createdAt: at,
      updatedAt: at,
    };
  });
}
