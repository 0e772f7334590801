import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import {
  ALL_ACTIONS,
  applyAction,
  CHANNELS,
  effectiveSettings,
  ingestInvoice,
  ingestUsage,
  InputError,
  mergeSettings,
  ROLES,
  SettingsValidationError,
  TIERS,
  type EngineDeps,
} from '../../engine/index.js';
import type { Database } from '../../store/database.js';
import { alertForApi, listAlertsForApi } from '../../store/alert-views.js';
import { personByExternalId, upsertCustomers, upsertPeople } from '../../store/directory.js';
import { workspaceForApiKey } from '../../store/workspaces.js';
import { escalationRoutes } from './escalation-routes.js';

/** A request that passed the API-key check: every query is scoped to `workspaceId`. */
export type Authed = Request & { workspaceId: string };

/** JSON error in the API's one shape. */
export function sendError(
  res: Response,
  status: number,
  error: string,
  details: Record<string, unknown> = {},
): void {
  res.status(status).json({ error, details });
}

function zodDetails(err: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of err.issues) out[i.path.join('.') || '(body)'] = i.message;
  return out;
}

/**
 * Accepts one object or an array of them. Chosen by the body's shape rather than a zod union,
 * whose failure would only say "Invalid input" instead of naming the field.
 */
const oneOrMany = <T extends z.ZodType>(s: T): Parser<z.output<T> | z.output<T>[]> => ({
  safeParse: (body: unknown) =>
    (Array.isArray(body)
      ? z
          .array(s)
          .min(1, 'send at least one item')
          .max(10_000, 'send at most 10,000 items per request')
          .safeParse(body)
      : s.safeParse(body)) as ReturnType<Parser<z.output<T> | z.output<T>[]>['safeParse']>,
});
const isoDate = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time such as 2026-11-23T10:00:00Z',
});

const personSchema = z.object({
  externalId: z.string().min(1).max(200),
  name: z.string().min(1).max(200),
  email: z.email().nullish(),
  role: z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` }),
  managerExternalId: z.string().min(1).nullish(),
  timezone: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as America/New_York')
    .optional(),
  preferredChannel: z.enum(CHANNELS, { message: `must be one of ${CHANNELS.join(', ')}` }).nullish(),
  identities: z.partialRecord(z.enum(CHANNELS), z.record(z.string(), z.string())).optional(),
  isAdmin: z.boolean().optional(),
});

const customerSchema = z.object({
  externalId: z.string().min(1).max(200),
  name: z.string().min(1).max(300),
  tier: z.preprocess(
    (v) => (typeof v === 'string' ? v.toLowerCase() : v),
    z.enum(TIERS, { message: `must be one of ${TIERS.join(', ')}` }),
  ),
  csmExternalId: z.string().min(1).nullish(),
  domains: z.array(z.string().min(1)).optional(),
  arr: z.number().nonnegative().nullish(),
});

const usageSchema = z.object({
  customerExternalId: z.string().min(1),
  used: z.number().nonnegative(),
  limit: z.number().positive({ message: 'must be greater than 0' }),
  metric: z.string().min(1).max(100).optional(),
  at: isoDate.optional(),
});

const invoiceSchema = z.object({
  customerExternalId: z.string().min(1),
  externalId: z.string().min(1),
  amount: z.number().nonnegative(),
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO currency code such as USD'),
  dueDate: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'must be a date such as 2026-11-01'),
  status: z.enum(['open', 'paid', 'void'], { message: 'must be open, paid or void' }),
  lastCustomerResponseAt: isoDate.nullish(),
});

const actionSchema = z.object({
  action: z.enum(ALL_ACTIONS, { message: `must be one of ${ALL_ACTIONS.join(', ')}` }),
  actorExternalId: z.string().min(1),
  outcome: z.string().optional(),
  notes: z.string().optional(),
  dueAt: isoDate.optional(),
  title: z.string().optional(),
  toPersonExternalId: z.string().optional(),
  duration: z.string().optional(),
  note: z.string().optional(),
  fromStep: z.number().int().min(-1).optional(),
});

export const asyncRoute =
  (fn: (req: Authed, res: Response) => Promise<void>) =>
  (req: Request, res: Response, next: NextFunction): void => {
    fn(req as Authed, res).catch(next);
  };

export interface Parser<O> {
  safeParse(body: unknown): { success: true; data: O } | { success: false; error: z.ZodError };
}

export function parse<O>(schema: Parser<O>, body: unknown): O {
  const r = schema.safeParse(body);
  if (!r.success)
    throw new InputError('The request body is not valid; see details for each field.', zodDetails(r.error));
  return r.data;
}

/** HTTP API v1 for upstream agents and integrations (bearer API key per workspace). */
export function apiV1Routes(deps: { database: Database; engine: EngineDeps; extra?: Router[] }): Router {
  const { pool, db } = deps.database;
  const r = Router();

  r.use((req: Request, res: Response, next: NextFunction) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m)
      return sendError(
        res,
        401,
        'Missing API key: send "Authorization: Bearer <workspace API key>" (create one with `fincelo workspace create`).',
      );
    workspaceForApiKey(db, m[1]!)
      .then((ws) => {
        if (!ws) return sendError(res, 401, 'Invalid or revoked API key.');
        (req as Authed).workspaceId = ws;
        next();
      })
      .catch(next);
  });

  r.post(
    '/people',
    asyncRoute(async (req, res) => {
      const body = parse(oneOrMany(personSchema), req.body);
      const list = Array.isArray(body) ? body : [body];
      const saved = await upsertPeople(pool, req.workspaceId, list);
      res.status(200).json(Array.isArray(body) ? { people: saved } : saved[0]);
    }),
  );

  r.post(
    '/customers',
    asyncRoute(async (req, res) => {
      const body = parse(oneOrMany(customerSchema), req.body);
      const list = Array.isArray(body) ? body : [body];
      const saved = await upsertCustomers(pool, req.workspaceId, list);
      res.status(200).json(Array.isArray(body) ? { customers: saved } : saved[0]);
    }),
  );

  r.post(
    '/usage',
    asyncRoute(async (req, res) => {
      const body = parse(oneOrMany(usageSchema), req.body);
      const list = (Array.isArray(body) ? body : [body]).map((u) => ({
        ...u,
        at: u.at ? new Date(u.at) : undefined,
      }));
      const outcomes = await ingestUsage(deps.engine, req.workspaceId, list);
      res
        .status(202)
        .json(
          Array.isArray(body)
            ? { accepted: outcomes.length, outcomes }
            : { accepted: 1, outcome: outcomes[0] },
        );
    }),
  );

  r.post(
    '/invoices',
    asyncRoute(async (req, res) => {
      const body = parse(oneOrMany(invoiceSchema), req.body);
      const list = Array.isArray(body) ? body : [body];
      const outcomes: string[] = [];
      for (const inv of list) {
        outcomes.push(
          await ingestInvoice(deps.engine, req.workspaceId, {
            ...inv,
            dueDate: inv.dueDate.slice(0, 10),
            currency: inv.currency.toUpperCase(),
            lastCustomerResponseAt: inv.lastCustomerResponseAt ? new Date(inv.lastCustomerResponseAt) : null,
          }),
        );
      }
      res
        .status(202)
        .json(
          Array.isArray(body)
            ? { accepted: outcomes.length, outcomes }
            : { accepted: 1, outcome: outcomes[0] },
        );
    }),
  );

  r.get(
    '/settings',
    asyncRoute(async (req, res) => {
      const row = (
        await pool.query('SELECT settings, timezone FROM workspaces WHERE id = $1', [req.workspaceId])
      ).rows[0];
      res.json(effectiveSettings(row?.settings, row?.timezone));
    }),
  );

  r.patch(
    '/settings',
    asyncRoute(async (req, res) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const row = (
          await client.query('SELECT settings, timezone FROM workspaces WHERE id = $1 FOR UPDATE', [
            req.workspaceId,
          ])
        ).rows[0];
        const next = mergeSettings(effectiveSettings(row?.settings, row?.timezone), req.body);
        await client.query('UPDATE workspaces SET settings = $2, timezone = $3 WHERE id = $1', [
          req.workspaceId,
          JSON.stringify(next),
          next.timezone,
        ]);
        await client.query('COMMIT');
        res.json(next);
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    }),
  );

  r.get(
    '/alerts',
    asyncRoute(async (req, res) => {
      const status = typeof req.query.status === 'string' ? req.query.status : undefined;
      if (status && !['open', 'acknowledged', 'snoozed', 'resolved'].includes(status)) {
        return sendError(res, 400, 'Unknown status filter.', {
          status: 'must be open, acknowledged, snoozed or resolved',
        });
      }
      const limit = Math.min(500, Math.max(1, Number(req.query.limit ?? 100) || 100));
      res.json({ alerts: await listAlertsForApi(pool, req.workspaceId, status, limit) });
    }),
  );

  r.get(
    '/alerts/:id',
    asyncRoute(async (req, res) => {
      const id = String(req.params.id);
      if (!/^[0-9a-f-]{36}$/i.test(id))
        return sendError(res, 404, 'No alert with this id in your workspace.');
      const alert = await alertForApi(pool, req.workspaceId, id, true);
      if (!alert) return sendError(res, 404, 'No alert with this id in your workspace.');
      res.json(alert);
    }),
  );

  r.post(
    '/alerts/:id/actions',
    asyncRoute(async (req, res) => {
      const id = String(req.params.id);
      if (!/^[0-9a-f-]{36}$/i.test(id))
        return sendError(res, 404, 'No alert with this id in your workspace.');
      const body = parse(actionSchema, req.body);
      const actor = await personByExternalId(pool, req.workspaceId, body.actorExternalId);
      if (!actor)
        return sendError(res, 400, `Unknown actor "${body.actorExternalId}".`, {
          actorExternalId: 'no person with this externalId',
        });
      const eventId =
        typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : undefined;
      const { action, actorExternalId: _a, ...params } = body;
      const result = await applyAction(deps.engine, {
        workspaceId: req.workspaceId,
        alertId: id,
        action,
        actor,
        source: { channel: 'api', eventId },
        params,
      });
      if (!result.ok) {
        const status = { forbidden: 403, invalid: 400, conflict: 409, not_found: 404 }[result.code];
        return sendError(res, status, result.message, { code: result.code });
      }
      const alert = await alertForApi(pool, req.workspaceId, id, false);
      res.json({ ok: true, message: result.message, duplicate: result.duplicate ?? false, alert });
    }),
  );

  r.use(escalationRoutes(deps)); // issue 20: escalation dry run (src/api/v1/escalation-routes.ts)
  // Routes of features (src/features.ts), behind the same API-key check.
  for (const x of deps.extra ?? []) r.use(x);

  return r;
}

/** Turns thrown errors into the API's JSON errors (never a stack trace to the caller). */
export function apiErrorHandler(log: { error(o: object, m?: string): void }) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    if (err instanceof InputError) return sendError(res, err.status, err.message, err.details);
    if (err instanceof SettingsValidationError)
      return sendError(res, 400, 'Some settings are not valid; see details for each field.', err.fields);
    if (err instanceof SyntaxError && 'body' in (err as object))
      return sendError(res, 400, 'The request body is not valid JSON.');
    const status = (err as { status?: number }).status;
    if (status === 413) return sendError(res, 413, 'The request body is too large.');
    log.error({ err }, 'unhandled API error');
    sendError(res, 500, 'Something went wrong on our side; it has been logged.');
  };
}
