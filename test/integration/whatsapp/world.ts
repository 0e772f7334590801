/**
 * The product with WhatsApp enabled, a local fake of the Graph API (test/fakes/whatsapp-graph.ts)
 * and a CS team whose members have WhatsApp numbers (identities.whatsapp.waId, set through the
 * HTTP API). Webhooks are POSTed to /whatsapp/webhook as Meta posts them (fixtures in
 * test/fixtures/whatsapp), signed with X-Hub-Signature-256 over the exact body bytes.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../../helpers/app.js';
import { startWhatsAppGraph, type FakeWhatsAppGraph, type SentMessage } from '../../fakes/whatsapp-graph.js';

type Json = Record<string, unknown>;

export const APP_SECRET = 'test-app-secret-0123456789abcdef';
export const VERIFY_TOKEN = 'fincelo-verify-token';

/** WhatsApp numbers of the seeded people (seedTeam in test/helpers/app.ts). */
export const NUMBERS: Record<string, string> = {
  'mgr-1': '447700900101',
  'csm-1': '447700900123',
  'csm-2': '447700900124',
  'vp-1': '447700900130',
  'admin-1': '447700900199',
};

export function fixture(name: string, vars: Record<string, string>): Json {
  const raw = readFileSync(new URL(`../../fixtures/whatsapp/${name}.json`, import.meta.url), 'utf8');
  return JSON.parse(raw, (_k, v) =>
    typeof v === 'string' ? v.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => vars[k] ?? '') : v,
  ) as Json;
}

export const sign = (raw: string, secret = APP_SECRET) =>
  `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;

export interface WhatsAppWorld {
  db: TestDatabase;
  app: RunningApp;
  graph: FakeWhatsAppGraph;
  team: Awaited<ReturnType<typeof seedTeam>>;
  /** POSTs a body (signed unless `signature` is given). */
  post(body: Json | string, signature?: string | null): Promise<{ status: number; text: string }>;
  /** Builds a fixture for a person, with a fresh message id and the current timestamp. */
  payload(name: string, ext: string, vars?: Record<string, string>): Json;
  text(ext: string, text: string, contextId?: string): Promise<{ status: number; messageId: string }>;
  listReply(ext: string, replyId: string, contextId: string, title?: string): Promise<{ status: number }>;
  templateButton(
    ext: string,
    payload: string,
    contextId: string,
    title?: string,
  ): Promise<{ status: number }>;
  status(messageId: string, status: string, errors?: Json[]): Promise<{ status: number }>;
  /** What the person received, oldest first. */
  chat(ext: string): SentMessage[];
  /**
   * The first message sent to the person from index `since` on that matches: the outbox sends card
   * updates concurrently with the answers to a webhook, so tests look for the message they expect
   * rather than the last one.
   */
  next(ext: string, since: number, match?: (m: SentMessage) => boolean): Promise<SentMessage>;
  timeline(alertId: string): Promise<{ kind: string; channel: string | null; details: Json }[]>;
  close(): Promise<void>;
}

export async function startWhatsAppWorld(
  settings?: Json,
  env: Record<string, string> = {},
): Promise<WhatsAppWorld> {
  const db = await createTestDatabase();
  const graph = await startWhatsAppGraph();
  const app = await startTestApp(db, {
    WHATSAPP_PHONE_NUMBER_ID: graph.phoneNumberId,
    WHATSAPP_ACCESS_TOKEN: graph.token,
    WHATSAPP_APP_SECRET: APP_SECRET,
    WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
    WHATSAPP_API_URL: graph.url,
    WHATSAPP_RECIPIENT_GAP: '0ms',
    ...env,
  });
  const team = await seedTeam(app, settings);
  const r = await team.api.post(
    '/api/v1/people',
    Object.entries(NUMBERS).map(([externalId, waId]) => ({
      externalId,
      name: {
        'mgr-1': 'Dana Manager',
        'csm-1': 'Sam CSM',
        'csm-2': 'Alex CSM',
        'vp-1': 'Priya VP',
        'admin-1': 'Riley Admin',
      }[externalId],
      role: { 'mgr-1': 'csm_manager', 'csm-1': 'csm', 'csm-2': 'csm', 'vp-1': 'vp_cs', 'admin-1': 'admin' }[
        externalId
      ],
      ...(externalId === 'csm-1' || externalId === 'csm-2' ? { managerExternalId: 'mgr-1' } : {}),
      ...(externalId === 'csm-1' ? { timezone: 'Europe/London' } : {}),
      identities: { whatsapp: { waId } },
      preferredChannel: 'whatsapp',
    })),
  );
  if (r.status !== 200) throw new Error(`people: ${JSON.stringify(r.body)}`);
  let seq = 0;
  const world: WhatsAppWorld = {
    db,
    app,
    graph,
    team,
    async post(body, signature) {
      const raw = typeof body === 'string' ? body : JSON.stringify(body);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const sig = signature === undefined ? sign(raw) : signature;
      if (sig !== null) headers['x-hub-signature-256'] = sig;
      const res = await fetch(`${app.url}/whatsapp/webhook`, { method: 'POST', headers, body: raw });
      return { status: res.status, text: await res.text() };
    },
    payload(name, ext, vars = {}) {
      return fixture(name, {
        phoneNumberId: graph.phoneNumberId,
        waId: NUMBERS[ext] ?? ext,
        name: ext,
        messageId: `wamid.IN${++seq}${randomBytes(8).toString('hex').toUpperCase()}`,
        timestamp: String(Math.floor(Date.now() / 1000)),
        ...vars,
      });
    },
    async text(ext, text, contextId) {
      const p = world.payload('text', ext, { text });
      const msg = ((p.entry as Json[])[0]!.changes as Json[])[0]!.value as { messages: Json[] };
      if (contextId) msg.messages[0]!.context = { from: '15550783881', id: contextId };
      graph.userWrote(NUMBERS[ext] ?? ext);
      const r = await world.post(p);
      return { status: r.status, messageId: String(msg.messages[0]!.id) };
    },
    async listReply(ext, replyId, contextId, title = 'choice') {
      graph.userWrote(NUMBERS[ext] ?? ext);
      return world.post(world.payload('list-reply', ext, { replyId, contextId, title }));
    },
    async templateButton(ext, payload, contextId, title = 'button') {
      graph.userWrote(NUMBERS[ext] ?? ext);
      return world.post(world.payload('template-button', ext, { payload, contextId, title }));
    },
    async status(messageId, status, errors) {
      const p = world.payload('status', 'csm-1', { messageId, status });
      if (errors) {
        const v = ((p.entry as Json[])[0]!.changes as Json[])[0]!.value as { statuses: Json[] };
        v.statuses[0]!.errors = errors;
      }
      return world.post(p);
    },
    chat: (ext) => graph.to(NUMBERS[ext] ?? ext),
    next: (ext, since, match = () => true) =>
      eventually(async () => world.chat(ext).slice(since).find(match)),
    async timeline(alertId) {
      return (
        await app.database.pool.query(
          'SELECT kind, channel, details FROM alert_events WHERE alert_id = $1 ORDER BY at, id',
          [alertId],
        )
      ).rows;
    },
    async close() {
      await app.close();
      await graph.close();
      await db.drop();
    },
  };
  return world;
}
