/**
 * The contract every ticket source (src/connectors/<platform>/) passes, against its local fake
 * server, through the real product: connected over HTTP API v1 (Test & Connect), synced by the
 * shared runtime (src/connectors/runtime/sync.ts) and fed webhooks at
 * POST /api/webhooks/tickets. A platform supplies a harness; `{platform}.contract.test.ts` calls
 * `ticketSourceContract(harness)`.
 *
 * Checks: backfill stores every ticket exactly once; an incremental pass stores only what
 * changed; a sync killed between pages resumes without gaps or duplicates; 429 + Retry-After is
 * honoured; an expired token fails the sync with a connector error naming the credential (and
 * the admin is told); webhooks: valid → stored, invalid / stale signature → 401, replay → no
 * change, malformed → 400, unknown connector → 404.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../src/app.js';
import type { ConnectorPlatform } from '../../src/connectors/types.js';
import { platformFor } from '../../src/connectors/registry.js';
import { runSync, type SyncDeps, DEFAULT_LEASE_MS } from '../../src/connectors/runtime/sync.js';
import { createConnectorService, type ConnectorService } from '../../src/connectors/service.js';
import { PLATFORMS } from '../../src/connectors/registry.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { eventually, seedTeam, startTestApp } from '../helpers/app.js';

export interface TicketSourceHarness {
  platform: ConnectorPlatform;
  /** False for sources that only receive webhooks (the generic webhook): sync checks are skipped. */
  polls: boolean;
  /** Starts the fake (once per file). */
  start(): Promise<void>;
  stop(): Promise<void>;
  baseUrl(): string;
  credentials(): Record<string, string>;
  /** Tickets per page the fake serves, so a few dozen tickets make several pages. */
  setPageSize?(n: number): void;
  /** Adds tickets with ids [from, from+n) updated in the past (older than any platform delay). */
  seed(from: number, n: number): void;
  /** Changes tickets (newer updated_at, still old enough to be served). */
  change(ids: number[]): void;
  /** The fake's API calls so far (path + query), to see where a resumed sync restarted. */
  calls(): { path: string; query: Record<string, string>; status: number; at: number }[];
  throttleNext(times: number, retryAfterSec: number): void;
  setExpired(expired: boolean): void;
  /** The credential field an expired token is reported against. */
  tokenField: string;
  /** A webhook for ticket `id`, as the platform would send it, signed with `secret` at `at`. */
  webhook(id: number, secret: string, at: Date): { headers: Record<string, string>; body: string };
  /** A well-signed body the platform's parser must reject. */
  malformedWebhook(secret: string, at: Date): { headers: Record<string, string>; body: string };
  /** Whether the platform's signature carries a timestamp (so stale deliveries are rejected). */
  signsTimestamp: boolean;
  /** The webhook secret to paste on connect; null when the product registers/generates it. */
  pastedSecret: string | null;
}

export function ticketSourceContract(h: TicketSourceHarness) {
  describe(`ticket source contract: ${h.platform.id}`, () => {
    let db: TestDatabase;
    let app: RunningApp;
    let team: Awaited<ReturnType<typeof seedTeam>>;
    let deps: SyncDeps;
    let service: ConnectorService;
    const notices: string[] = [];

    beforeAll(async () => {
      await h.start();
      db = await createTestDatabase();
      app = await startTestApp(db);
      team = await seedTeam(app);
      deps = {
        pool: app.database.pool,
        cipher: app.cipher,
        tickets: app.tickets,
        platform: platformFor,
        http: { baseDelayMs: 5 },
        notify: async (_c, text) => {
          notices.push(text);
        },
      };
      // Connectors are created with the product's own service but without their automatic first
      // sync, so each test drives the runtime itself (the API's connect is tested separately).
      service = createConnectorService({
        pool: app.database.pool,
        cipher: app.cipher,
        tickets: app.tickets,
        platform: platformFor,
        platforms: () => Object.values(PLATFORMS) as ConnectorPlatform[],
        enqueueSync: async () => undefined,
      });
    });
    afterAll(async () => {
      await app?.close();
      await db?.drop();
      await h.stop();
    });

    async function connect(extra: { syncMode?: 'poll' | 'webhook' | 'both' } = {}) {
      return service.connect({
        workspaceId: team.workspaceId,
        platform: h.platform.id,
        credentials: h.credentials(),
        baseUrl: h.baseUrl(),
        syncMode: extra.syncMode ?? 'both',
        webhookSecret: h.pastedSecret,
        publicUrl: app.url,
        startSync: false,
      });
    }
    const rows = async (connectorId: string) =>
      (
        await app.database.pool.query(
          'SELECT external_id, subject, ingested_at FROM tickets WHERE connector_id = $1 ORDER BY external_id::bigint',
          [connectorId],
        )
      ).rows as { external_id: string; subject: string; ingested_at: Date }[];
    const connectorRow = async (id: string) =>
      (await app.database.pool.query('SELECT * FROM connectors WHERE id = $1', [id])).rows[0];

    // A source with no credentials (the generic webhook) has nothing to refuse: skipped, not passed.
    (h.platform.credentialFields.length ? it : it.skip)(
      'Test & Connect refuses wrong credentials with the field at fault, storing nothing',
      async () => {
        const bad = { ...h.credentials(), [h.tokenField]: 'wrong-token-value' };
        const before = (await app.database.pool.query('SELECT count(*)::int AS n FROM connectors')).rows[0].n;
        const r = await team.api.post('/api/v1/connectors', {
          platform: h.platform.id,
          credentials: bad,
          baseUrl: h.baseUrl(),
          syncMode: 'poll',
        });
        expect(r.status).toBe(400);
        expect(Object.keys(r.body.details)).toEqual([`credentials.${h.tokenField}`]);
        expect(JSON.stringify(r.body)).not.toContain('wrong-token-value');
        const after = (await app.database.pool.query('SELECT count(*)::int AS n FROM connectors')).rows[0].n;
        expect(after).toBe(before);
      },
    );

    (h.polls ? describe : describe.skip)('polling', () => {
      let id: string;

      it('backfill pages through every ticket exactly once', async () => {
        h.setPageSize?.(10);
        h.seed(1, 35);
        id = (await connect()).id;
        const out = await runSync(deps, id);
        expect(out.error ?? out.result).toBe('done');
        expect(out.pages).toBeGreaterThanOrEqual(4);
        const stored = await rows(id);
        expect(stored.map((r) => Number(r.external_id))).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
        const c = await connectorRow(id);
        expect(c.status).toBe('connected');
        expect(c.tickets_seen).toBe(35);
        expect(c.last_sync_at).not.toBeNull();
        expect(c.last_error).toBeNull();
        expect(c.next_run_at.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);
        expect(c.progress.phase).toBe('done');
        const view = await team.api.get(`/api/v1/connectors/${id}`);
        expect(view.body.connector.ticketsSeen).toBe(35);
        expect(JSON.stringify(view.body)).not.toContain(h.credentials()[h.tokenField]);
      });

      it('an incremental pass stores only the changed and new tickets', async () => {
        h.change([3, 17]);
        h.seed(36, 2);
        const before = new Map((await rows(id)).map((r) => [r.external_id, r.ingested_at.getTime()]));
        const out = await runSync(deps, id);
        expect(out.error ?? out.result).toBe('done');
        expect(out.inserted).toBe(2);
        expect(out.updated).toBe(2);
        const after = await rows(id);
        expect(after).toHaveLength(37);
        const touched = after
          .filter((r) => before.get(r.external_id) !== r.ingested_at.getTime())
          .map((r) => Number(r.external_id));
        expect(touched.sort((a, b) => a - b)).toEqual([3, 17, 36, 37]);
        expect(after.find((r) => r.external_id === '3')!.subject).toContain('(changed)');
        expect((await connectorRow(id)).tickets_seen).toBe(37);
      });

      it('a sync killed between pages resumes without gaps or duplicates; one sync at a time', async () => {
        const fresh = (await connect()).id;
        let killed = false;
        // The first run "dies" after its second page: it never returns and never releases its lease.
        void runSync(deps, fresh, {
          afterPage: async (p) => {
            if (p.pages === 2) {
              killed = true;
              await new Promise(() => undefined);
            }
          },
        });
        await eventually(async () => killed);
        const mid = await connectorRow(fresh);
        expect(mid.status).toBe('syncing');
        // Its cursor is saved after page 2; pages 3 and 4 may already be stored (the sync stores two
        // pages at once while the subscribers work on the one before), never more.
        expect([20, 30, 37]).toContain((await rows(fresh)).length);
        // While the lease holds, another run does nothing but ask the holder for one more run.
        expect((await runSync(deps, fresh)).result).toBe('skipped');
        expect((await connectorRow(fresh)).progress.rerun).toBe(true);
        const callsBefore = h.calls().length;
        // After the lease has run out, the next run resumes from the last stored page.
        const later = () => new Date(Date.now() + DEFAULT_LEASE_MS + 60_000);
        const out = await runSync({ ...deps, now: later }, fresh);
        expect(out.error ?? out.result).toBe('done');
        const resumedFirst = h.calls()[callsBefore]!;
        expect(JSON.stringify(resumedFirst.query)).not.toBe(JSON.stringify(h.calls()[0]!.query));
        expect(out.fetched).toBe(37 - 20);
        expect(out.rerun).toBe(true); // the request made while it was leased is honoured
        const stored = await rows(fresh);
        expect(stored.map((r) => Number(r.external_id))).toEqual(Array.from({ length: 37 }, (_, i) => i + 1));
        expect((await connectorRow(fresh)).tickets_seen).toBe(37);
      });

      it('honours 429 with Retry-After, then carries on', async () => {
        h.change([5]);
        h.throttleNext(1, 1);
        const start = h.calls().length;
        const out = await runSync(deps, id);
        expect(out.error ?? out.result).toBe('done');
        const calls = h.calls().slice(start);
        expect(calls[0]!.status).toBe(429);
        expect(calls[1]!.status).toBe(200);
        expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
        expect(out.updated).toBe(1);
      });

      it('an expired token fails the sync with a connector error, tells the admin, and recovers', async () => {
        await app.database.pool.query('UPDATE connectors SET created_by = $2 WHERE id = $1', [
          id,
          team.personIds['admin-1'],
        ]);
        h.setExpired(true);
        try {
          const out = await runSync(deps, id);
          expect(out.result).toBe('failed');
          const c = await connectorRow(id);
          expect(c.status).toBe('error');
          expect(c.last_error).toMatch(new RegExp(h.tokenField));
          expect(c.last_error).toMatch(/expired|invalid|revoked/);
          expect(c.next_run_at).not.toBeNull();
          expect(notices.some((n) => n.includes('sync failed'))).toBe(true);
          const view = await team.api.get(`/api/v1/connectors/${id}`);
          expect(view.body.connector.lastError).toBe(c.last_error);
        } finally {
          h.setExpired(false);
        }
        const again = await runSync(deps, id);
        expect(again.error ?? again.result).toBe('done');
        const c = await connectorRow(id);
        expect(c.status).toBe('connected');
        expect(c.last_error).toBeNull();
      });
    });

    describe('webhooks', () => {
      let conn: { id: string; webhookUrl: string; webhookSecret?: string };
      let secret: string;
      const post = (url: string, w: { headers: Record<string, string>; body: string }) =>
        fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...w.headers },
          body: w.body,
        });

      beforeAll(async () => {
        h.seed(1000, 3);
        conn = await connect({ syncMode: 'webhook' });
        const c = await connectorRow(conn.id);
        secret = h.pastedSecret ?? conn.webhookSecret ?? app.cipher.decrypt(c.webhook_secret_enc);
      });

      it('stores the ticket of a valid delivery', async () => {
        const r = await post(conn.webhookUrl, h.webhook(1000, secret, new Date()));
        if (r.status !== 200) throw new Error(`webhook: ${r.status} ${await r.text()}`);
        expect((await rows(conn.id)).map((x) => x.external_id)).toEqual(['1000']);
      });

      it('rejects an invalid signature with 401, storing nothing', async () => {
        const r = await post(conn.webhookUrl, h.webhook(1001, 'not-the-secret-at-all', new Date()));
        expect(r.status).toBe(401);
        expect((await rows(conn.id)).map((x) => x.external_id)).toEqual(['1000']);
      });

      (h.signsTimestamp ? it : it.skip)('rejects a stale signature with 401, storing nothing', async () => {
        const r = await post(conn.webhookUrl, h.webhook(1001, secret, new Date(Date.now() - 20 * 60_000)));
        expect(r.status).toBe(401);
        expect((await rows(conn.id)).map((x) => x.external_id)).toEqual(['1000']);
      });

      it('a replayed delivery changes nothing', async () => {
        const w = h.webhook(1002, secret, new Date());
        expect((await post(conn.webhookUrl, w)).status).toBe(200);
        const first = await rows(conn.id);
        const again = await post(conn.webhookUrl, w);
        expect(again.status).toBe(200);
        expect(await rows(conn.id)).toEqual(first);
      });

      it('rejects a malformed body with 400 and an unknown connector with 404, storing nothing', async () => {
        const before = await rows(conn.id);
        expect((await post(conn.webhookUrl, h.malformedWebhook(secret, new Date()))).status).toBe(400);
        const notJson = { headers: h.malformedWebhook(secret, new Date()).headers, body: '{not json' };
        expect([400, 401]).toContain((await post(conn.webhookUrl, notJson)).status);
        const unknown = conn.webhookUrl.replace(conn.id, '00000000-0000-4000-8000-000000000000');
        expect((await post(unknown, h.webhook(1001, secret, new Date()))).status).toBe(404);
        expect(
          (await post(conn.webhookUrl.replace(conn.id, 'nope'), h.webhook(1001, secret, new Date()))).status,
        ).toBe(404);
        expect(await rows(conn.id)).toEqual(before);
      });
    });
  });
}
