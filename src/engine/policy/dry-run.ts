/**
 * The escalation dry run (issue 20 item 7): who would be notified when, on which channel, for a
 * real customer, with business hours, quiet windows, role channels and fallbacks applied, without
 * sending anything. It runs the engine's own policy functions over the workspace's current
 * settings, so it agrees with what the engine then does for an alert raised at `at`. Used by
 * `POST /api/v1/escalation/dry-run` and `/fincelo escalation test` in chat.
 */
import { roleHolders } from '../alerts.js';
import { channelFor, type EngineDeps } from '../context.js';
import type { EngineTx } from '../ports.js';
import { effectiveSettings, escalationSnapshot } from '../settings.js';
import type { Alert, AlertType, Customer } from '../types.js';
import { nominalDue, policyFor, stepCalendar, stepHold } from './engine.js';
import { fallbackFor } from './fallback.js';
import { formatHoldUntil } from './holds.js';

export interface DryRunStep {
  step: number;
  role?: string;
  personExternalId?: string | null;
  personName?: string;
  channel?: string;
  deliverVia?: string;
  at: string;
  heldBy?: string;
  heldLabel?: string;
  skipped?: true;
  /** The person's fallback channel and when it would fire if nobody acts (issue 20 item 5). */
  fallback?: { channel: string; at: string };
}

export async function dryRunSteps(
  deps: Pick<EngineDeps, 'enabledChannels'>,
  tx: EngineTx,
  customer: Customer,
  type: AlertType,
  at: Date,
): Promise<DryRunStep[]> {
  const ws = await tx.workspaceSettings(customer.workspaceId);
  const settings = effectiveSettings(ws?.settings, ws?.timezone);
  // The alert the engine would create now: the chain snapshot, the customer's CSM as assignee.
  const alert = {
    workspaceId: customer.workspaceId,
    customerId: customer.id,
    type,
    facts: {},
    assigneeId: customer.csmId,
    escalation: escalationSnapshot(settings),
    chainStartedAt: at,
    pausedTotalMs: 0,
  } as unknown as Alert;
  const policy = policyFor(settings, alert, customer.arr);
  const out: DryRunStep[] = [];
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
      const via = step.channel.slice(0, step.channel.indexOf(':'));
      out.push({ step: i + 1, channel: step.channel, deliverVia: via, at: deliverAt.toISOString(), ...held });
      continue;
    }
    if (holders.length === 0)
      out.push({ step: i + 1, role: step.role, personExternalId: null, at: t.toISOString(), skipped: true });
    for (const p of holders) {
      const via = channelFor(p, deps.enabledChannels);
      const f = fallbackFor(p, via, deps.enabledChannels);
      out.push({
        step: i + 1,
        role: step.role,
        personExternalId: p.externalId,
        personName: p.name,
        deliverVia: via,
        at: deliverAt.toISOString(),
        ...held,
        ...(f
          ? { fallback: { channel: f.channel, at: new Date(deliverAt.getTime() + f.afterMs).toISOString() } }
          : {}),
      });
    }
  }
  return out;
}
