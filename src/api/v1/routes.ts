import { STEP_CHANNEL_FORMATS } from '../../channels/step-channels.js';
import { Router, type NextFunction, type Request, type Response } from 'express';
import {
  applyAction,
  effectiveSettings,
  ingestInvoice,
  ingestUsage,
  InputError,
  mergeSettings,
  SettingsValidationError,
  type EngineDeps,
} from '../../engine/index.js';
import type { Database } from '../../store/database.js';
import { alertForApi, listAlertsForApi } from '../../store/alert-views.js';
import {
  personByExternalId,
  upsertCustomers,
  upsertPeople,
  type PersonInput,
} from '../../store/directory.js';
import { updateWorkspaceSettings, workspaceForApiKey, workspaceSettingsRow } from '../../store/workspaces.js';
import { createIdempotencyRepo } from '../../store/idempotency.js';
import { listCustomersForApi, listPeopleForApi, personForApi } from '../../store/api-lists.js';
import {
  actionSchema,
  alertsQuery,
  customerSchema,
  idempotencyKeyHeader,
  invoiceSchema,
  pageQuery,
  personPatchSchema,
  personSchema,
  settingsPatchSchema,
  usageSchema,
} from '../../http/validation.js';
import {
  asyncRoute,
  oneOrMany,
  parse,
  parseQuery,
  sendError,
  uuidParam,
  zodDetails,
  type Authed,
} from '../../http/kit.js';
import { openApiDocument } from './openapi.js';
import { bulkActionRoutes } from './bulk-routes.js';
import { escalationRoutes } from './escalation-routes.js';

/** HTTP API v1 for upstream agents and integrations (bearer API key per workspace). */
export function apiV1Routes(deps: { database: Database; engine: EngineDeps; extra?: Router[] }): Router {
  const { pool, db } = deps.database;
  const idempotency = createIdempotencyRepo(pool);
  const r = Router();

  // The API's description is public: it names routes and fields, never a workspace's data.
  r.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });

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
  r.param('id', uuidParam('id'));

  r.get(
    '/people',
    asyncRoute(async (req, res) => {
      const page = parseQuery(pageQuery, req.query);
      res.json({ people: await listPeopleForApi(pool, req.workspaceId, page), ...page });
    }),
  );

  r.post(
    '/people',
    asyncRoute(async (req, res) => {
      const body = parse(oneOrMany(personSchema), req.body);
      const list = Array.isArray(body) ? body : [body];
      const saved = await upsertPeople(pool, req.workspaceId, list);
      res.status(200).json(Array.isArray(body) ? { people: saved } : saved[0]);
    }),
  );

  r.get(
    '/people/:externalId',
    asyncRoute(async (req, res) => {
      const person = await personForApi(pool, req.workspaceId, String(req.params.externalId));
      if (!person) return sendError(res, 404, 'No person with this externalId in your workspace.');
      res.json(person);
    }),
  );

  r.patch(
    '/people/:externalId',
    asyncRoute(async (req, res) => {
      const externalIdParam = String(req.params.externalId);
      const patch = parse(personPatchSchema, req.body ?? {});
      const current = await personForApi(pool, req.workspaceId, externalIdParam);
      if (!current) return sendError(res, 404, 'No person with this externalId in your workspace.');
      // The fields left out keep their value; identities merge per channel, as POST /people does.
      const merged: PersonInput = {
        externalId: current.externalId,
        name: patch.name ?? current.name,
        email: patch.email === undefined ? current.email : patch.email,
        role: patch.role ?? (current.role as PersonInput['role']),
        timezone: patch.timezone ?? current.timezone,
        preferredChannel:
          patch.preferredChannel === undefined
            ? (current.preferredChannel as PersonInput['preferredChannel'])
            : patch.preferredChannel,
        identities: patch.identities ?? {},
        isAdmin: patch.isAdmin ?? (patch.role !== undefined ? patch.role === 'admin' : current.isAdmin),
        ...(patch.fallbackChannel !== undefined ? { fallbackChannel: patch.fallbackChannel } : {}),
        ...(patch.fallbackAfter !== undefined ? { fallbackAfter: patch.fallbackAfter } : {}),
        ...(patch.workingHours !== undefined ? { workingHours: patch.workingHours } : {}),
        ...(patch.quietWindows !== undefined ? { quietWindows: patch.quietWindows } : {}),
        ...(patch.managerExternalId !== undefined ? { managerExternalId: patch.managerExternalId } : {}),
      };
      await upsertPeople(pool, req.workspaceId, [merged]);
      res.json(await personForApi(pool, req.workspaceId, externalIdParam));
    }),
  );

  r.get(
    '/customers',
    asyncRoute(async (req, res) => {
      const page = parseQuery(pageQuery, req.query);
      res.json({ customers: await listCustomersForApi(pool, req.workspaceId, page), ...page });
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
      const row = await workspaceSettingsRow(pool, req.workspaceId);
      res.json(effectiveSettings(row.settings, row.timezone));
    }),
  );

  r.patch(
    '/settings',
    asyncRoute(async (req, res) => {
      const r0 = settingsPatchSchema.safeParse(req.body);
      if (!r0.success) throw new SettingsValidationError(zodDetails(r0.error));
      const next = await updateWorkspaceSettings(pool, req.workspaceId, (row) =>
        mergeSettings(effectiveSettings(row.settings, row.timezone), req.body, {
          stepChannels: STEP_CHANNEL_FORMATS,
        }),
      );
      res.json(next);
    }),
  );

  r.get(
    '/alerts',
    asyncRoute(async (req, res) => {
      const q = parseQuery(alertsQuery, req.query);
      res.json({ alerts: await listAlertsForApi(pool, req.workspaceId, q.status, q.limit) });
    }),
  );

  r.get(
    '/alerts/:id',
    asyncRoute(async (req, res) => {
      const alert = await alertForApi(pool, req.workspaceId, String(req.params.id), true);
      if (!alert) return sendError(res, 404, 'No alert with this id in your workspace.');
      res.json(alert);
    }),
  );

  r.post(
    '/alerts/:id/actions',
    asyncRoute(async (req, res) => {
      const id = String(req.params.id);
      const rawKey = req.headers['idempotency-key'];
      let key: string | undefined;
      if (rawKey !== undefined) {
        const k = idempotencyKeyHeader.safeParse(Array.isArray(rawKey) ? rawKey.join(',') : rawKey);
        if (!k.success)
          return sendError(res, 400, 'The Idempotency-Key header is not valid.', {
            'Idempotency-Key': k.error.issues[0]!.message,
          });
        key = k.data;
      }
      // Validation comes before the key is claimed: a rejected request uses up nothing.
      const body = parse(actionSchema, req.body);
      const actor = await personByExternalId(pool, req.workspaceId, body.actorExternalId);
      if (!actor)
        return sendError(res, 400, `Unknown actor "${body.actorExternalId}".`, {
          actorExternalId: 'no person with this externalId in your workspace',
        });
      if (!(await alertForApi(pool, req.workspaceId, id, false)))
        return sendError(res, 404, 'No alert with this id in your workspace.');

      if (key) {
        const claim = await idempotency.claim({
          workspaceId: req.workspaceId,
          key,
          method: 'POST',
          route: '/api/v1/alerts/{id}/actions',
          alertId: id,
          action: body.action,
          body: req.body,
        });
        if (claim.kind === 'replay') {
          res.setHeader('Idempotent-Replayed', 'true');
          const replayed = claim.body as Record<string, unknown>;
          return void res.status(claim.status).json({ ...replayed, duplicate: true });
        }
        if (claim.kind === 'mismatch')
          return sendError(
            res,
            422,
            'This Idempotency-Key was already used for a different request; use a new key for a new request.',
            { 'Idempotency-Key': 'already used for another request', ...claim.mismatch },
          );
        if (claim.kind === 'in_progress') {
          res.setHeader('Retry-After', '1');
          return sendError(
            res,
            409,
            'A request with this Idempotency-Key is still being processed; retry shortly.',
            {
              'Idempotency-Key': 'in progress',
            },
          );
        }
      }

      const { action, actorExternalId: _a, ...params } = body;
      let result: Awaited<ReturnType<typeof applyAction>>;
      try {
        result = await applyAction(deps.engine, {
          workspaceId: req.workspaceId,
          alertId: id,
          action,
          actor,
          source: { channel: 'api' },
          params,
        });
      } catch (err) {
        if (key) await idempotency.release(req.workspaceId, key).catch(() => {});
        throw err;
      }
      if (!result.ok) {
        if (key) await idempotency.release(req.workspaceId, key);
        const status = { forbidden: 403, invalid: 400, conflict: 409, not_found: 404 }[result.code];
        return sendError(res, status, result.message, { code: result.code });
      }
      const alert = await alertForApi(pool, req.workspaceId, id, false);
      const answer = { ok: true, message: result.message, duplicate: result.duplicate ?? false, alert };
      if (key) await idempotency.complete(req.workspaceId, key, 200, answer);
      res.json(answer);
    }),
  );

  r.use(escalationRoutes(deps)); // issue 20: escalation dry run (src/api/v1/escalation-routes.ts)
  r.use(bulkActionRoutes({ engine: deps.engine, pool })); // issue 21: bulk actions (bulk-routes.ts)
  // Routes of features (src/features.ts), behind the same API-key check.
  for (const x of deps.extra ?? []) r.use(x);

  // Anything else under /api/v1 is a JSON 404 in the API's error shape (never Express's HTML page).
  r.use((req: Request, res: Response) =>
    sendError(res, 404, `No such API route: ${req.method} /api/v1${req.path}. See /api/v1/openapi.json.`, {
      path: 'not a route of API v1',
    }),
  );

  return r;
}

/**
 * PostgreSQL (or the embedded server) cannot be reached: a connection refused or reset, a pool
 * checkout timing out, the server shutting down (SQLSTATE class 08, 57P01–57P03, 53300).
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  // Drizzle wraps the driver's error ("Failed query: …") in `cause`.
  if (isDatabaseUnavailable((err as { cause?: unknown }).cause, depth + 1)) return true;
  const code = String((err as { code?: unknown }).code ?? '');
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code))
    return true;
  if (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code)) return true;
  const message = String((err as { message?: unknown }).message ?? '');
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED|Client has encountered a connection error/i.test(
    message,
  );
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
    if (status === 415) return sendError(res, 415, 'Send the request body as application/json.');
    if (isDatabaseUnavailable(err)) {
      log.error({ err }, 'database unavailable');
      res.setHeader('Retry-After', '5');
      return sendError(res, 503, 'The database is unavailable right now; retry in a few seconds.');
    }
    log.error({ err }, 'unhandled API error');
    sendError(res, 500, 'Something went wrong on our side; it has been logged.');
  };
}
