import { channelFor, inTransaction, type AfterCommit, type EngineDeps } from './context.js';
import type { DeliveryRequest, EngineTx } from './ports.js';
import { effectiveSettings, type WorkspaceSettings } from './settings.js';
import { nominalDue, policyFor, stepCalendar, stepHold, type PolicyContext } from './policy/engine.js';
import { runLockedTimer } from './alerts.js';
import { stepLabel, type Alert, type Channel, type Customer, type Person, type Role } from './types.js';
import { armFallback } from './policy/fallback.js';

/**
 * The due-time hot path, set-based (issue 18): a claimed batch of due escalations runs its steps in
 * a fixed number of statements instead of ≈ 15 per alert.
 *
 * Per batch, whatever its size: one claim (FOR UPDATE SKIP LOCKED), up to seven reads (workspace
 * settings, customers, assignees, their managers, role holders, existing recipients, alert channels), then
 * one multi-row statement each for recipients, outbox rows, timeline events and the alert rows
 * (version-checked). The decisions are those of runDueSteps, computed in memory with the same
 * policy functions (nominalDue, stepCalendar, stepHold on the workspace's live settings).
 *
 * What this path does not cover goes through runLockedTimer, one alert at a time in the same
 * transaction (unchanged semantics): resume and wake timers, a step that is held (working hours,
 * quiet windows: the hold is recorded there), and a step nobody holds (the skip notices to admins).
 */
export async function runDueTimersBatch(
  deps: EngineDeps,
  limit: number,
  skipIds: string[] = [],
): Promise<{ id: string; dueAt: Date }[]> {
  return inTransaction(deps, async (tx, after) => {
    const now = deps.clock.now();
    const claimed = await tx.claimDueAlerts(now, limit, skipIds);
    await runClaimedTimers(deps, tx, after, claimed, now);
    return claimed.map((a) => ({ id: a.id, dueAt: a.nextActionAt! }));
  });
}

/** One step the batch executes: who gets it and whether they are new recipients. */
interface PlannedStep {
  index: number;
  holders: Person[];
}

interface Plan {
  alert: Alert;
  steps: PlannedStep[];
  nextDue: Date | null;
}

/** Runs the timers of alerts locked by this transaction; returns nothing, effects are in `tx`/`after`. */
export async function runClaimedTimers(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  claimed: Alert[],
  now: Date,
): Promise<void> {
  const escalating = claimed.filter((a) => a.nextActionKind === 'escalate');
  const slow = claimed.filter((a) => a.nextActionKind !== 'escalate');
  if (escalating.length === 0) {
    for (const a of slow) await runLockedTimer(deps, tx, after, a, now);
    return;
  }
  const ctx = await loadContext(tx, escalating);
  const plans: Plan[] = [];
  for (const alert of escalating) {
    const plan = planAlert(ctx, alert, now);
    if (plan) plans.push(plan);
    else slow.push(alert);
  }
  await applyPlans(deps, tx, after, ctx, plans, now);
  for (const a of slow) await runLockedTimer(deps, tx, after, a, now);
}

interface Context {
  settings: Map<string, WorkspaceSettings>;
  customers: Map<string, Customer>;
  people: Map<string, Person>;
  byRole: Map<string, Person[]>;
  recipients: Set<string>;
  channels: Map<string, Channel[]>;
}

async function loadContext(tx: EngineTx, alerts: Alert[]): Promise<Context> {
  const wsIds = [...new Set(alerts.map((a) => a.workspaceId))];
  const roles = [...new Set(alerts.flatMap((a) => a.escalation.map((s) => s.role)))].filter(
    (r): r is Role => !!r && r !== 'csm' && r !== 'csm_manager',
  );
  const ids = alerts.map((a) => a.id);
  // One after the other: a transaction is one connection, and pg queues (deprecated) rather than
  // pipelines concurrent queries on one client.
  const wss = await tx.workspacesSettings(wsIds);
  const customers = await tx.customersByIds([
    ...new Set(alerts.map((a) => a.customerId).filter((x): x is string => !!x)),
  ]);
  const assignees = await tx.peopleByIdsAcross([
    ...new Set(alerts.map((a) => a.assigneeId).filter((x): x is string => !!x)),
  ]);
  const holders = roles.length ? await tx.peopleWithRoles(wsIds, roles) : [];
  const recipients = await tx.recipientsOf(ids);
  const channels = await tx.alertChannelsOf(ids);
  const people = new Map(assignees.map((p) => [p.id, p]));
  const managerIds = [...new Set(assignees.map((p) => p.managerId).filter((x): x is string => !!x))].filter(
    (id) => !people.has(id),
  );
  for (const p of await tx.peopleByIdsAcross(managerIds)) people.set(p.id, p);
  const byRole = new Map<string, Person[]>();
  for (const p of holders) {
    const k = `${p.workspaceId}|${p.role}`;
    byRole.set(k, [...(byRole.get(k) ?? []), p]);
  }
  const chans = new Map<string, Channel[]>();
  for (const c of channels) chans.set(c.alertId, [...(chans.get(c.alertId) ?? []), c.channel]);
  return {
    settings: new Map(wss.map((w) => [w.id, effectiveSettings(w.settings, w.timezone)])),
    customers: new Map(customers.map((c) => [c.id, c])),
    people,
    byRole,
    recipients: new Set(recipients.map((r) => `${r.alertId}|${r.personId}`)),
    channels: chans,
  };
}

/** roleHolders (alerts.ts) over the prefetched rows, scoped to the alert's workspace. */
function holdersOf(ctx: Context, alert: Alert, role: Role): Person[] {
  const inWs = (p: Person | undefined) => (p && p.workspaceId === alert.workspaceId ? p : undefined);
  const csm = alert.assigneeId ? inWs(ctx.people.get(alert.assigneeId)) : undefined;
  if (role === 'csm') return csm ? [csm] : [];
  if (role === 'csm_manager') {
    const mgr = csm?.managerId ? inWs(ctx.people.get(csm.managerId)) : undefined;
    return mgr ? [mgr] : [];
  }
  return ctx.byRole.get(`${alert.workspaceId}|${role}`) ?? [];
}

/** runDueSteps' decisions for one alert, or null when it needs the per-alert path (hold, skip). */
function planAlert(ctx: Context, alert: Alert, now: Date): Plan | null {
  const settings = ctx.settings.get(alert.workspaceId);
  if (!settings) return null;
  const policy: PolicyContext = policyFor(
    settings,
    alert,
    (alert.customerId ? ctx.customers.get(alert.customerId)?.arr : null) ?? null,
  );
  const steps: PlannedStep[] = [];
  let next = alert.step + 1;
  while (next < alert.escalation.length) {
    // A role channel step (issue 20: a team conversation, not a person) takes the per-alert path.
    const role = alert.escalation[next]!.role;
    // An admin step (feed_stale, engine/feeds.ts) reaches every admin (is_admin too): per-alert path.
    if (!role || role === 'admin') return null;
    const holders = holdersOf(ctx, alert, role);
    const cal = stepCalendar(policy, holders);
    const due = nominalDue(alert, next, cal)!;
    if (due.getTime() > now.getTime()) break;
    if (holders.length === 0 || stepHold(policy, cal, holders, now)) return null;
    steps.push({ index: next, holders });
    next += 1;
  }
  const nextRole = alert.escalation[next]?.role;
  const nextHolders = nextRole ? holdersOf(ctx, alert, nextRole) : [];
  return { alert, steps, nextDue: nominalDue(alert, next, stepCalendar(policy, nextHolders)) };
}

async function applyPlans(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  ctx: Context,
  plans: Plan[],
  now: Date,
): Promise<void> {
  if (plans.length === 0) return;
  const recipients: { alertId: string; personId: string; step: number; at: Date }[] = [];
  const deliveries: { workspaceId: string; channel: Channel; request: DeliveryRequest }[] = [];
  const events: Parameters<EngineTx['addEvents']>[0] = [];
  const updates: Parameters<EngineTx['updateAlertsBatch']>[0] = [];
  for (const { alert, steps, nextDue } of plans) {
    const channels = [...(ctx.channels.get(alert.id) ?? [])];
    const queue = (channel: Channel, request: DeliveryRequest) => {
      deliveries.push({ workspaceId: alert.workspaceId, channel, request });
      after.kick(channel);
    };
    for (const { index, holders } of steps) {
      const step = alert.escalation[index]!;
      const label = stepLabel(step);
      const fresh: string[] = [];
      for (const person of holders) {
        const key = `${alert.id}|${person.id}`;
        if (!ctx.recipients.has(key)) {
          ctx.recipients.add(key);
          fresh.push(person.id);
          recipients.push({ alertId: alert.id, personId: person.id, step: index, at: now });
          const channel = channelFor(person, deps.enabledChannels);
          queue(channel, {
            kind: 'post_card',
            alertId: alert.id,
            personId: person.id,
            intro:
              index === 0 ? undefined : `Escalated to you (${label}): nobody has acted on this alert yet.`,
          });
          armFallback(deps, after, person, alert.id, now); // issue 20 item 5, as enqueueFor does
          // alertChannels counts queued post_cards (the channel's other threads, if any, get the
          // note); the new thread itself is left out below: its card is fresh and says why.
          if (!channels.includes(channel)) channels.push(channel);
        }
        events.push({
          workspaceId: alert.workspaceId,
          alertId: alert.id,
          event: {
            at: now,
            kind: index === 0 ? 'notified' : 'escalated',
            channel: 'system',
            targetId: person.id,
            details: { step: index, role: step.role },
          },
        });
      }
      if (index > 0) {
        const text = `⬆️ Escalated to ${holders.map((p) => p.name).join(', ')} (${label}) — step ${index + 1} of ${alert.escalation.length}.`;
        for (const ch of channels)
          queue(ch, {
            kind: 'update_cards',
            alertId: alert.id,
            note: text,
            ...(fresh.length ? { except: fresh } : {}),
          });
      }
    }
    const token = alert.token + 1;
    updates.push({
      id: alert.id,
      expectedVersion: alert.version,
      // The per-alert path bumps the version once per executed step and once for the timer.
      versionBump: steps.length + 1,
      step: steps.length ? steps[steps.length - 1]!.index : alert.step,
      token,
      nextActionAt: nextDue,
      nextActionKind: nextDue ? 'escalate' : null,
    });
    after.timer(alert.id, token, nextDue);
  }
  await tx.addRecipients(recipients);
  await tx.enqueueDeliveries(deliveries);
  await tx.addEvents(events);
  const changed = await tx.updateAlertsBatch(updates, now);
  // The rows are locked by the claim: a mismatch means a bug, and rolls the whole batch back.
  if (changed !== updates.length) throw new Error('alert changed concurrently');
}
