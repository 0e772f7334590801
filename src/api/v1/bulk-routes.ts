/**
 * POST /api/v1/alerts/actions (issue 21 item 5): "acknowledge all" / "resolve all" for one
 * customer. The action is applied to each of the customer's open alerts through the engine's
 * applyAction — the same permission rules, row locks and version checks as one click — so a
 * double click (two requests at once) changes each alert once; the second request reports each
 * alert as `already` instead. 200 with an empty list when the customer has no open alert.
 */
import type pg from 'pg';
import { Router, type Request, type Response } from 'express';
import { applyAction, type EngineDeps } from '../../engine/index.js';
import { asyncRoute, parse, sendError, type Authed } from '../../http/kit.js';
import { bulkActionSchema } from '../../http/validation.js';
import { personByExternalId } from '../../store/directory.js';
import { openAlertIdsOfCustomer } from '../../store/alert-views.js';

export type BulkOutcome = 'acknowledged' | 'resolved' | 'already' | 'forbidden' | 'refused';

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
      const results: { alertId: string; outcome: BulkOutcome; message: string }[] = [];
      for (const alertId of ids) {
        const result = await applyAction(deps.engine, {
          workspaceId,
          alertId,
          action: body.action,
          actor,
          source: { channel: 'api' },
          params: {},
        });
        const outcome: BulkOutcome = result.ok
          ? result.duplicate
            ? 'already'
            : body.action === 'resolve'
              ? 'resolved'
              : 'acknowledged'
          : result.code === 'conflict'
            ? 'already'
            : result.code === 'forbidden'
              ? 'forbidden'
              : 'refused';
        results.push({ alertId, outcome, message: result.message });
      }
      res.json({ results });
    }),
  );
  return r;
}
