import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Cipher } from '../store/crypto.js';
import type { TicketPipeline } from '../tickets/pipeline.js';
import { WebhookParseError, type ConnectorPlatform, type WebhookRequest } from './types.js';
import { ConnectorError } from './runtime/errors.js';
import type { HttpClientOptions } from './runtime/http.js';
import {
  connectorById,
  listConnectors,
  pollMinutes,
  backfillDays,
  DEFAULT_BACKFILL_DAYS,
  DEFAULT_POLL_MINUTES,
  type ConnectorOptions,
  type ConnectorRow,
} from './runtime/repo.js';
import { contextFor, platformContext } from './runtime/sync.js';
import { checkResolved, checkUrl, EgressRefused } from './runtime/egress.js';
import {
  addTicketsSeen,
  deleteConnector,
  insertConnector,
  rememberWebhookEvent,
  scheduleConnectorRun,
  webhookEventSeen,
} from '../store/connectors.js';

/** A connect/test failure: 400 with the field at fault, nothing stored. */
export class ConnectorInputError extends Error {
  constructor(
    message: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

export type SyncMode = 'poll' | 'webhook' | 'both';

export interface ConnectInput {
  workspaceId: string;
  platform: string;
  credentials: Record<string, string>;
  syncMode: SyncMode;
  baseUrl?: string | null;
  webhookSecret?: string | null;
  options?: ConnectorOptions;
  name?: string;
  createdBy?: string | null;
  /** The product's public URL (webhooks are registered with it). */
  publicUrl: string;
  /** False: leave the first sync to a later Sync now (tests driving the runtime themselves). */
  startSync?: boolean;
}

export interface ConnectResult {
  id: string;
  webhookUrl: string;
  status: string;
  /** Only when the product generated it: shown once, to paste into the platform. */
  webhookSecret?: string;
  webhookRegistered: boolean;
  warnings: string[];
}

/** A connector as the API and chat show it: credentials masked, never the secrets. */
export interface ConnectorView {
  id: string;
  platform: string;
  name: string;
  syncMode: string;
  status: string;
  credentials: Record<string, string>;
  baseUrl: string | null;
  lastSyncAt: string | null;
  ticketsSeen: number;
  lastError: string | null;
  nextRunAt: string | null;
  progress: Record<string, unknown>;
  options: { pollMinutes: number; backfillDays: number };
  webhookUrl: string;
  webhookSecretSet: boolean;
  webhookRegistered: boolean;
  createdAt: string;
}

export interface ConnectorServiceDeps {
  pool: pg.Pool;
  cipher: Cipher;
  tickets: TicketPipeline;
  platform(id: string): ConnectorPlatform | undefined;
  platforms(): ConnectorPlatform[];
  /** Queues a sync of one connector now (a job; the runtime's lease keeps it to one at a time). */
  enqueueSync(connectorId: string): Promise<void>;
  cancelSync?(connectorId: string): Promise<void>;
  now?: () => Date;
  http?: Partial<HttpClientOptions>;
  log?: { warn(o: object, m?: string): void; debug?(o: object, m?: string): void };
}

export const webhookUrlFor = (publicUrl: string, id: string) =>
  `${publicUrl.replace(/\/+$/, '')}/api/webhooks/tickets?connectorId=${id}`;

/** "••••abcd" for long secrets, "••••" for short ones: enough to recognise, never to reuse. */
export function maskSecret(v: string): string {
  return v.length >= 12 ? `••••${v.slice(-4)}` : '••••';
}

export function createConnectorService(deps: ConnectorServiceDeps) {
  const now = deps.now ?? (() => new Date());

  function requirePlatform(id: string): ConnectorPlatform {
    const p = deps.platform(id);
    if (!p)
      throw new ConnectorInputError(
        `Unknown platform "${id}": use one of ${deps
          .platforms()
          .map((x) => x.id)
          .join(', ')}.`,
        'platform',
      );
    return p;
  }

  function view(c: ConnectorRow, publicUrl: string): ConnectorView {
    const platform = deps.platform(c.platform);
    let creds: Record<string, string> = {};
    try {
      creds = deps.cipher.decryptJson<Record<string, string>>(c.credentialsEnc);
    } catch {
      creds = {};
    }
    const masked: Record<string, string> = {};
    for (const f of platform?.credentialFields ?? []) {
      const v = creds[f.name];
      if (v) masked[f.name] = f.secret ? maskSecret(v) : v;
    }
    const { owner: _o, leaseUntil: _l, ...progress } = c.progress;
    return {
      id: c.id,
      platform: c.platform,
      name: c.name,
      syncMode: c.syncMode,
      status: c.status,
      credentials: masked,
      baseUrl: c.baseUrl,
      lastSyncAt: c.lastSyncAt?.toISOString() ?? null,
      ticketsSeen: c.ticketsSeen,
      lastError: c.lastError,
      nextRunAt: c.nextRunAt?.toISOString() ?? null,
      progress,
      options: { pollMinutes: pollMinutes(c), backfillDays: backfillDays(c) },
      webhookUrl: webhookUrlFor(publicUrl, c.id),
      webhookSecretSet: !!c.webhookSecretEnc,
      webhookRegistered: !!c.externalWebhookId,
      createdAt: c.createdAt.toISOString(),
    };
  }

  /** Checks fields, then the platform's Test call; throws ConnectorInputError naming the field. */
  async function testCredentials(
    platform: ConnectorPlatform,
    credentials: Record<string, string>,
    baseUrl: string | null | undefined,
  ) {
    for (const f of platform.credentialFields) {
      const v = credentials[f.name];
      if (!f.optional && (typeof v !== 'string' || !v.trim()))
        throw new ConnectorInputError(`${f.label} is required (${f.hint}).`, `credentials.${f.name}`);
    }
    const ctx = contextFor(platform, credentials, baseUrl, now(), { maxAttempts: 2, ...deps.http });
    let result;
    try {
      result = await platform.test(ctx);
    } catch (err) {
      const field = err instanceof ConnectorError && err.field ? `credentials.${err.field}` : null;
      throw new ConnectorInputError(`Test failed: ${(err as Error).message}`, field);
    }
    if (!result.ok)
      throw new ConnectorInputError(result.message, result.field ? `credentials.${result.field}` : null);
    return { ctx, account: result.account };
  }

  return {
    view,

    async connect(input: ConnectInput): Promise<ConnectResult> {
      const platform = requirePlatform(input.platform);
      const credentials: Record<string, string> = {};
      for (const f of platform.credentialFields)
        if (typeof input.credentials[f.name] === 'string')
          credentials[f.name] = input.credentials[f.name]!.trim();
      const baseUrl = input.baseUrl?.trim() || null;
      if (baseUrl && !/^https?:\/\/[^\s/]+/i.test(baseUrl))
        throw new ConnectorInputError('baseUrl must be an absolute http(s) URL.', 'baseUrl');
      if (baseUrl) {
        // SSRF guard (runtime/egress.ts): the platform's own hosts only, never an internal address.
        try {
          checkUrl(baseUrl, platform.id);
          await checkResolved(new URL(baseUrl).hostname);
        } catch (err) {
          if (err instanceof EgressRefused) throw new ConnectorInputError(err.message, 'baseUrl');
          throw err;
        }
      }
      const { ctx, account } = await testCredentials(platform, credentials, baseUrl);
      const syncMode: SyncMode = platform.id === 'webhook' ? 'webhook' : input.syncMode;
      const id = randomUUID();
      const webhookUrl = webhookUrlFor(input.publicUrl, id);
      const warnings: string[] = [];
      let secret = input.webhookSecret?.trim() || null;
      let generated: string | undefined;
      let externalWebhookId: string | null = null;
      if (syncMode !== 'poll' && !secret) {
        if (platform.registerWebhook) {
          try {
            const reg = await platform.registerWebhook(ctx, webhookUrl);
            externalWebhookId = reg.id;
            secret = reg.secret;
          } catch (err) {
            warnings.push(
              `Could not register the webhook on ${platform.label} (${(err as Error).message}). Create it yourself with the URL ${webhookUrl} and paste its signing secret into the connector; polling continues meanwhile.`,
            );
          }
        } else if (platform.generatesWebhookSecret) {
          generated = randomBytes(24).toString('base64url');
          secret = generated;
        } else {
          warnings.push(
            `Paste ${platform.label}'s webhook secret into the connector to receive webhooks at ${webhookUrl}.`,
          );
        }
      }
      const options: ConnectorOptions = {
        pollMinutes: input.options?.pollMinutes ?? DEFAULT_POLL_MINUTES,
        backfillDays: input.options?.backfillDays ?? DEFAULT_BACKFILL_DAYS,
      };
      // First sync immediately (queued below); the generic webhook has nothing to poll. As in
      // syncNow, the stored next run leaves the queued sync time to run (it sets the real one), so
      // the minute tick does not queue a second sync of the same connector meanwhile.
      const syncAtOnce = platform.id !== 'webhook' && input.startSync !== false;
      const firstRun = syncAtOnce ? new Date(now().getTime() + 10 * 60_000) : null;
      await insertConnector(deps.pool, [
        id,
        input.workspaceId,
        platform.id,
        input.name?.trim() || `${platform.label} · ${account}`,
        deps.cipher.encryptJson(credentials),
        secret ? deps.cipher.encrypt(secret) : null,
        syncMode,
        baseUrl,
        firstRun,
        JSON.stringify(options),
        externalWebhookId,
        input.createdBy ?? null,
      ]);
      if (syncAtOnce) await deps.enqueueSync(id);
      return {
        id,
        webhookUrl,
        status: 'connected',
        webhookRegistered: !!externalWebhookId,
        warnings,
        ...(generated ? { webhookSecret: generated } : {}),
      };
    },

    async list(workspaceId: string, publicUrl: string) {
      return (await listConnectors(deps.pool, workspaceId)).map((c) => view(c, publicUrl));
    },

    async get(workspaceId: string, id: string, publicUrl: string) {
      const c = await connectorById(deps.pool, id, workspaceId);
      return c ? view(c, publicUrl) : null;
    },

    /** Re-runs Test & Connect on stored credentials. */
    async test(
      workspaceId: string,
      id: string,
    ): Promise<{ ok: boolean; message: string; field?: string | null }> {
      const c = await connectorById(deps.pool, id, workspaceId);
      if (!c) return { ok: false, message: 'No such connector.' };
      const platform = requirePlatform(c.platform);
      try {
        const creds = deps.cipher.decryptJson<Record<string, string>>(c.credentialsEnc);
        const { account } = await testCredentials(platform, creds, c.baseUrl);
        return { ok: true, message: `Connected to ${account}.` };
      } catch (err) {
        return {
          ok: false,
          message: (err as Error).message,
          field: err instanceof ConnectorInputError ? err.field : null,
        };
      }
    },

    async syncNow(workspaceId: string, id: string): Promise<ConnectorRow | null> {
      // Not due again until the queued sync has had time to run (it sets the real next run);
      // should the job be lost, the tick retries after this.
      const r = await scheduleConnectorRun(deps.pool, [
        id,
        workspaceId,
        new Date(now().getTime() + 10 * 60_000),
      ]);
      if (!r.rows[0]) return null;
      await deps.enqueueSync(id);
      return connectorById(deps.pool, id, workspaceId);
    },

    /** Removes the connector (and the webhook we registered); its tickets stay, unlinked. */
    async remove(workspaceId: string, id: string): Promise<{ removed: boolean; warning?: string }> {
      const c = await connectorById(deps.pool, id, workspaceId);
      if (!c) return { removed: false };
      let warning: string | undefined;
      const platform = deps.platform(c.platform);
      if (c.externalWebhookId && platform?.unregisterWebhook) {
        try {
          await platform.unregisterWebhook(
            platformContext(platform, c, deps.cipher, now(), deps.http),
            c.externalWebhookId,
          );
        } catch (err) {
          warning = `The webhook on ${platform.label} could not be deleted (${(err as Error).message}); delete it there.`;
        }
      }
      await deleteConnector(deps.pool, [id, workspaceId]);
      await deps.cancelSync?.(id);
      return { removed: true, warning };
    },

    /**
     * A webhook delivery: unknown connector → 404, bad or stale signature → 401, malformed → 400,
     * none of which store anything. A replayed delivery id, or the same ticket version again,
     * changes nothing.
     */
    async handleWebhook(
      connectorId: string | undefined,
      req: WebhookRequest,
    ): Promise<{ status: number; body: object }> {
      // A connectorId that is not a UUID would reach PostgreSQL's uuid cast (a 500): unknown instead.
      const wellFormed =
        !!connectorId && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(connectorId);
      const c = wellFormed ? await connectorById(deps.pool, connectorId) : null;
      const platform = c ? deps.platform(c.platform) : undefined;
      if (!c || !platform || c.status === 'disabled')
        return { status: 404, body: { error: 'Unknown connector.' } };
      if (c.syncMode === 'poll')
        return { status: 404, body: { error: 'This connector does not take webhooks (sync mode: poll).' } };
      const secret = c.webhookSecretEnc ? deps.cipher.decrypt(c.webhookSecretEnc) : null;
      const verdict = platform.verifyWebhook(req, secret);
      if (!verdict.ok) return { status: 401, body: { error: `Webhook rejected: ${verdict.reason}.` } };
      let parsed: unknown;
      try {
        parsed = JSON.parse(req.rawBody.toString('utf8'));
      } catch {
        return { status: 400, body: { error: 'The webhook body is not valid JSON.' } };
      }
      let content;
      try {
        content = platform.parseWebhook(parsed, req);
      } catch (err) {
        if (err instanceof WebhookParseError)
          return { status: 400, body: { error: `Malformed webhook: ${err.message}`, details: err.details } };
        throw err;
      }
      if (content.ignored) {
        // Acknowledged so the platform does not retry it (or deactivate the webhook).
        deps.log?.debug?.(
          { connectorId: c.id, reason: content.ignored },
          'webhook ignored: not a ticket change',
        );
        return { status: 200, body: { ok: true, ignored: content.ignored } };
      }
      const source = `connector:${c.id}`;
      if (content.deliveryId) {
        const seen = await webhookEventSeen(deps.pool, [source, content.deliveryId, c.workspaceId]);
        if (seen.rows[0]) return { status: 200, body: { ok: true, duplicate: true } };
      }
      let tickets = content.tickets;
      if (content.fetchIds?.length) {
        if (!platform.fetchTickets)
          return { status: 400, body: { error: 'This platform cannot fetch tickets by id.' } };
        try {
          tickets = [
            ...tickets,
            ...(await platform.fetchTickets(
              platformContext(platform, c, deps.cipher, now(), deps.http),
              content.fetchIds,
            )),
          ];
        } catch (err) {
          deps.log?.warn({ connectorId: c.id, error: (err as Error).message }, 'webhook ticket fetch failed');
          // 503: the platform retries the delivery later.
          return {
            status: 503,
            body: { error: `Could not fetch the ticket from ${platform.label}; retry later.` },
          };
        }
      }
      const r = await deps.tickets.ingest(c.workspaceId, { sourceKey: c.id, connectorId: c.id }, tickets);
      if (r.inserted.length) await addTicketsSeen(deps.pool, [c.id, r.inserted.length]);
      if (content.deliveryId)
        await rememberWebhookEvent(deps.pool, [source, content.deliveryId, c.workspaceId]);
      return {
        status: 200,
        body: {
          ok: true,
          inserted: r.inserted.length,
          updated: r.updated.length,
          unchanged: r.unchanged.length,
        },
      };
    },
  };
}

export type ConnectorService = ReturnType<typeof createConnectorService>;
