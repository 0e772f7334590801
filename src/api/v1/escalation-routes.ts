/**
 * POST /api/v1/escalation/dry-run (issue 20): who would be notified when, on which channel, for a
 * real customer, without sending anything (src/engine/policy/dry-run.ts).
 */
import { Router, type Request, type Response } from 'express';
import type { AlertType, EngineDeps } from '../../engine/index.js';
import { dryRunSteps } from '../../engine/policy/dry-run.js';
import { asyncRoute, parse, sendError, type Authed } from '../../http/kit.js';
import { dryRunSchema } from '../../http/validation.js';

export function escalationRoutes(deps: { engine: EngineDeps }): Router {
  const r = Router();
  r.post(
    '/escalation/dry-run',
    asyncRoute(async (req: Request, res: Response) => {
      const workspaceId = (req as Authed).workspaceId;
      // The same schema documents the route in /api/v1/openapi.json; a bad body is a 400 naming each field.
      const body = parse(dryRunSchema, req.body ?? {});
      const at = body.at === undefined ? deps.engine.clock.now() : new Date(body.at);

      const steps = await deps.engine.store.transaction(async (tx) => {
        const customer = await tx.customerByExternalId(workspaceId, String(body.customerExternalId));
        return customer ? dryRunSteps(deps.engine, tx, customer, body.type as AlertType, at) : null;
      });
      if (!steps)
        return sendError(res, 404, `No customer "${String(body.customerExternalId)}" in your workspace.`, {
          customerExternalId: 'no customer with this externalId',
        });
      res.json({ steps });
    }),
  );
  return r;
}
