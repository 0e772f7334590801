import express, { Router, type Request, type Response } from 'express';
import type { Pool } from 'pg';
import type { AppFeature, FeatureContext } from '../features.js';
import { channelFor, type Channel } from '../engine/index.js';
import { toPerson } from '../store/engine-store.js';
import { asyncRoute, parse, parseQuery, sendError, uuidParam, type Authed } from '../http/kit.js';
import { connectSchema, ticketsQuery } from '../http/validation.js';
import { PLATFORMS, platformFor } from './registry.js';
import type { ConnectorPlatform } from './types.js';
import type { ConnectorRow } from './runtime/repo.js';
import { runSync, type SyncDeps } from './runtime/sync.js';
import { ConnectorInputError, createConnectorService, type ConnectorService } from './service.js';
import { connectorSettingsSection } from './forms.js';
import { configureEgress, parseAllowHosts } from './runtime/egress.js';
import {
  connectorOwnerOrAdmins,
  dueConnectors,
  listTicketsWithAnalysis,
  queueAdminNotice,
} from '../store/connectors.js';

export const SYNC_JOB = 'connector:sync';
export const TICK_JOB = 'connectors:tick';

/** The product's URL as the outside world reaches it: PUBLIC_URL, else the request's host. */
function publicUrl(ctx: FeatureContext, req: Request): string {
  return ctx.config.PUBLIC_URL ?? `${req.protocol}://${req.get('host')}`;
}

/**
 * Tells a connector's admin in chat, through the outbox: the person who connected it, else
 * (connected over the API) every workspace admin.
 */
async function notifyAdmin(ctx: FeatureContext, c: ConnectorRow, text: string): Promise<void> {
  const rows = await connectorOwnerOrAdmins(ctx.database.pool, c.workspaceId, c.createdBy);
  const channels = new Set<Channel>();
  for (const row of rows) {
    const person = toPerson(row);
    const channel = channelFor(person, ctx.engine.enabledChannels);
    await queueAdminNotice(ctx.database.pool, [
      c.workspaceId,
      channel,
      person.id,
      JSON.stringify({ kind: 'notice', personId: person.id, text }),
    ]);
    channels.add(channel);
  }
  for (const ch of channels) await ctx.services.kick(ch);
}

export function connectorServiceFor(ctx: FeatureContext): ConnectorService {
  return createConnectorService({
    pool: ctx.database.pool,
    cipher: ctx.cipher,
    tickets: ctx.tickets,
    platform: platformFor,
    platforms: () => Object.values(PLATFORMS) as ConnectorPlatform[],
    log: ctx.log,
    async enqueueSync(connectorId) {
      // Not deduplicated: a run that finds the connector leased marks it for one more run by the
      // holder and stops, so extra jobs cost one query each and no request is lost.
      await ctx.jobs.scheduler.at(SYNC_JOB, new Date(), { connectorId });
    },
    async cancelSync(connectorId) {
      await ctx.jobs.scheduler.cancel(SYNC_JOB, { connectorId });
    },
  });
}

/** The minute tick: queues a sync of every connector whose `next_run_at` has come (and is not leased). */
export async function enqueueDueConnectors(pool: Pool, service: ConnectorService): Promise<number> {
  const due = await dueConnectors(pool);
  for (const r of due.rows) await service.syncNow(r.workspace_id, r.id);
  return due.rows.length;
}

/** Helpdesk connectors: sync jobs, the ticket webhook, and /api/v1/connectors + /api/v1/tickets. */
export const connectorsFeature: AppFeature = {
  name: 'connectors',
  async create(ctx) {
    configureEgress({ allowHosts: parseAllowHosts(ctx.config.FINCELO_CONNECTOR_ALLOW_HOSTS) });
    const service = connectorServiceFor(ctx);
    const syncDeps: SyncDeps = {
      pool: ctx.database.pool,
      cipher: ctx.cipher,
      tickets: ctx.tickets,
      platform: platformFor,
      log: ctx.log,
      notify: (c, text) => notifyAdmin(ctx, c, text),
    };

    // The "Connectors" section of the settings form every chat channel renders. Webhook URLs need
    // PUBLIC_URL; without it they point at this process's own address.
    const ownUrl = `http://${ctx.config.HOST === '0.0.0.0' ? '127.0.0.1' : ctx.config.HOST}:${ctx.config.PORT}`;
    ctx.services.addSettingsSection(
      connectorSettingsSection({
        service,
        platforms: () => Object.values(PLATFORMS) as ConnectorPlatform[],
        publicUrl: () => ctx.config.PUBLIC_URL ?? ownUrl,
      }),
    );

    if (ctx.runsEngine) {
      ctx.jobs.define(
        SYNC_JOB,
        async (data) => {
          if (typeof data.connectorId !== 'string') return;
          // At most a few back-to-back reruns; anything beyond waits for the next tick.
          for (let i = 0; i < 3; i++) if (!(await runSync(syncDeps, data.connectorId)).rerun) break;
        },
        // Long backfills: our own lease (renewed per page) guards concurrency, not Agenda's lock.
        { concurrency: 4, lockLifetimeMs: 60 * 60_000 },
      );
      ctx.jobs.define(TICK_JOB, async () => {
        await enqueueDueConnectors(ctx.database.pool, service);
      });
    }

    const webhooks = Router();
    webhooks.post(
      '/api/webhooks/tickets',
      express.raw({ type: () => true, limit: '2mb' }),
      (req: Request, res: Response, next) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const headers: Record<string, string | undefined> = {};
        for (const [k, v] of Object.entries(req.headers))
          headers[k.toLowerCase()] = Array.isArray(v) ? v[0] : v;
        const connectorId = typeof req.query.connectorId === 'string' ? req.query.connectorId : undefined;
        service
          .handleWebhook(connectorId, {
            headers,
            rawBody: raw,
            url: `${publicUrl(ctx, req)}${req.originalUrl}`,
            method: req.method,
            now: new Date(),
          })
          .then((r) => res.status(r.status).json(r.body))
          .catch(next);
      },
    );

    const api = Router();
    api.param('id', uuidParam('id'));
    const fail = (res: Response, err: unknown) => {
      if (err instanceof ConnectorInputError)
        return sendError(res, 400, err.message, err.field ? { [err.field]: err.message } : {});
      throw err;
    };
    api.post(
      '/connectors',
      asyncRoute(async (req, res) => {
        const body = parse(connectSchema, req.body);
        try {
          const out = await service.connect({
            ...body,
            workspaceId: req.workspaceId,
            publicUrl: publicUrl(ctx, req),
          });
          res.status(201).json(out);
        } catch (err) {
          fail(res, err);
        }
      }),
    );
    api.get(
      '/connectors',
      asyncRoute(async (req, res) => {
        res.json({ connectors: await service.list(req.workspaceId, publicUrl(ctx, req)) });
      }),
    );
    api.get(
      '/connectors/:id',
      asyncRoute(async (req, res) => {
        const c = await service.get(req.workspaceId, String(req.params.id), publicUrl(ctx, req));
        if (!c) return sendError(res, 404, 'No such connector in this workspace.');
        res.json({ connector: c });
      }),
    );
    api.post(
      '/connectors/:id/sync',
      asyncRoute(async (req, res) => {
        const c = await service.syncNow(req.workspaceId, String(req.params.id));
        if (!c) return sendError(res, 404, 'No such connector in this workspace.');
        res.status(202).json({ ok: true, connector: service.view(c, publicUrl(ctx, req)) });
      }),
    );
    api.post(
      '/connectors/:id/test',
      asyncRoute(async (req, res) => {
        if (!(await service.get(req.workspaceId, String(req.params.id), '')))
          return sendError(res, 404, 'No such connector in this workspace.');
        res.json(await service.test(req.workspaceId, String(req.params.id)));
      }),
    );
    api.delete(
      '/connectors/:id',
      asyncRoute(async (req, res) => {
        const r = await service.remove(req.workspaceId, String(req.params.id));
        if (!r.removed) return sendError(res, 404, 'No such connector in this workspace.');
        res.json({ ok: true, ...(r.warning ? { warning: r.warning } : {}) });
      }),
    );
    api.get(
      '/tickets',
      asyncRoute(async (req: Authed, res) => {
        const q = parseQuery(ticketsQuery, req.query);
        const r = await listTicketsWithAnalysis(ctx.database.pool, [
          req.workspaceId,
          q.connectorId ?? null,
          q.customerId ?? null,
          q.unmatched === 'true',
          q.limit,
          q.offset,
        ]);
        res.json({
          tickets: r.rows.map((t) => ({
            id: t.id,
            connectorId: t.connector_id,
            externalId: t.external_id,
            subject: t.subject,
            body: t.body,
            status: t.status,
            priority: t.priority,
            requesterEmail: t.requester_email,
            organization: t.organization,
            url: t.url,
            customerId: t.customer_id,
            customerName: t.customer_name ?? null,
            createdAt: t.source_created_at?.toISOString() ?? null,
            updatedAt: t.source_updated_at?.toISOString() ?? null,
            analysis: t.has_analysis
              ? {
                  analyzer: t.analyzer,
                  analyzerVersion: t.analyzer_version,
                  sentiment: { label: t.sentiment_label, score: t.sentiment_score },
                  category: { primary: t.category_primary, confidence: t.category_confidence },
                  categories: t.categories,
                  flags: t.flags,
                  explanation: t.explanation ?? null,
                  analyzedAt: t.analyzed_at?.toISOString() ?? null,
                }
              : null,
          })),
        });
      }),
    );

    return {
      routers: ctx.servesApi ? [webhooks] : [],
      apiV1: [api],
      every: ctx.runsEngine ? [{ interval: '1 minute', job: TICK_JOB }] : [],
    };
  },
};
