/**
 * POST /api/v1/alerts/actions (issue 21 item 5): "acknowledge all" / "resolve all" for one
 * customer, through the engine's applyToEach (src/engine/bulk.ts: each alert once under a double
 * click, the same permissions as one click). 200 with an empty list when nothing is open.
 */
import type pg from 'pg';
import { Router, type Request, type Response } from 'express';
import { applyToEach, type EngineDeps } from '../../engine/index.js';
import { asyncRoute, parse, sendError, type Authed } from '../../http/kit.js';
import { bulkActionSchema } from '../../http/validation.js';
import { personByExternalId } from '../../store/directory.js';
import { openAlertIdsOfCustomer } from '../../store/alert-views.js';

export function bulkActionRoutes(deps: { engine: EngineDeps; pool: pg.Pool }): Router {
  const r = Router();
  r.post(
    '/alerts/actions',
    asyncRoute(async (req: Request, res: Response) => {
      const workspaceId = (req as Authed).workspaceId;
      const body = parse(bulkActionSchema, req.body ?? {});
      const actor = await personByExternalId(deps.pool, workspaceId, body.actorExternalId);
      if (!actor)
        return sendError(res, 400, `Unknown actor "${body.actorExternalId}".`, {
          actorExternalId: 'no person with this externalId in your workspace',
        });
      const ids = await openAlertIdsOfCustomer(deps.pool, workspaceId, body.customerExternalId);
      if (!ids)
        return sendError(res, 404, `No customer "${body.customerExternalId}" in your workspace.`, {
          customerExternalId: 'no customer with this externalId in your workspace',
        });
      const results = await applyToEach(deps.engine, {
        workspaceId,
        alertIds: ids,
        action: body.action,
        actor,
        source: { channel: 'api' },
      });
      res.json({ results });
    }),
  );
  return r;
}
