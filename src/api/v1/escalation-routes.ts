/**
 * POST /api/v1/escalation/dry-run (issue 20): who would be notified when, on which channel, for a
 * real customer, with business hours and quiet windows applied, without sending anything. It runs
 * the engine's own policy functions over the workspace's current settings, so it agrees with what
 * the engine then does for an alert raised at `at`.
 */
import { Router, type Request, type Response } from 'express';
import {
  channelFor,
  effectiveSettings,
  escalationSnapshot,
  type AlertType,
  type EngineDeps,
} from '../../engine/index.js';
import { roleHolders } from '../../engine/alerts.js';
import { nominalDue, policyFor, stepCalendar, stepHold } from '../../engine/policy/engine.js';
import { formatHoldUntil } from '../../engine/policy/holds.js';
import type { Alert } from '../../engine/types.js';
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
        if (!customer) return null;
        const ws = await tx.workspaceSettings(workspaceId);
        const settings = effectiveSettings(ws?.settings, ws?.timezone);
        // The alert the engine would create now: the chain snapshot, the customer's CSM as assignee.
        const alert = {
          workspaceId,
          customerId: customer.id,
          type: body.type as AlertType,
          facts: {},
          assigneeId: customer.csmId,
          escalation: escalationSnapshot(settings),
          chainStartedAt: at,
          pausedTotalMs: 0,
        } as unknown as Alert;
        const policy = policyFor(settings, alert, customer.arr);
        const out: Record<string, unknown>[] = [];
        let previous = at;
        for (let i = 0; i < alert.escalation.length; i++) {
          const step = alert.escalation[i]!;
          const holders = await roleHolders(tx, alert, step.role);
          const cal = stepCalendar(policy, holders);
          // A step runs no earlier than the one before it was delivered (the engine runs them in order).
          const dueAt = nominalDue(alert, i, cal)!;
          const t = dueAt > previous ? dueAt : previous;
          const hold = stepHold(policy, cal, holders, t, !!step.channel);
          const deliverAt = hold?.until ?? t;
          previous = deliverAt;
          const held = hold
            ? { heldBy: hold.by, heldLabel: `held until ${formatHoldUntil(hold.until, cal.timeZone)}` }
            : {};
          if (step.channel) {
            // A role channel (issue 20 item 6): the card goes to that conversation, on its channel.
            out.push({
              step: i + 1,
              channel: step.channel,
              deliverVia: step.channel.slice(0, step.channel.indexOf(':')),
              at: deliverAt.toISOString(),
              ...held,
            });
            continue;
          }
          if (holders.length === 0)
            out.push({
              step: i + 1,
              role: step.role,
              personExternalId: null,
              at: t.toISOString(),
              skipped: true,
            });
          for (const p of holders)
            out.push({
              step: i + 1,
              role: step.role,
              personExternalId: p.externalId,
              deliverVia: channelFor(p, deps.engine.enabledChannels),
              at: deliverAt.toISOString(),
              ...held,
            });
        }
        return out;
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
