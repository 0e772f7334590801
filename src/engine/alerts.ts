import { AfterCommit, channelFor, inTransaction, type EngineDeps } from './context.js';
import type { EngineTx } from './ports.js';
import { durationSetting, effectiveSettings, escalationSnapshot } from './settings.js';
import { holdStep, loadPolicy, nominalDue, stepCalendar, stepHold } from './policy/engine.js';
import { executeChannelStep } from './policy/channel-route.js';
import { armFallback } from './policy/fallback.js';
import { stepLabel, type Alert, type Person } from './types.js';
import { absorbedDetails, refreshCardsQuietly } from './suppression.js';

/**
 * The alert lifecycle: raise (or update the open alert), escalate on timers, notify.
 *
 * Escalation follows grafana/oncall: the chain is snapshotted onto the alert; each timer job
 * carries the alert's token and does nothing when the token is stale; the next timer is
 * scheduled only after the state change commits (AfterCommit).
 */

import type { RaiseResult, Trigger } from './alert-types.js';
export { stepDueAt, type RaiseResult, type Trigger } from './alert-types.js';

export async function raiseAlert(deps: EngineDeps, t: Trigger): Promise<RaiseResult> {
  return inTransaction(deps, (tx, after) => raiseAlertInTx(deps, tx, after, t));
}

export async function raiseAlertInTx(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  t: Trigger,
): Promise<RaiseResult> {
  const now = deps.clock.now();
  // Concurrent triggers for one key wait here for each other, so the second one finds the first's
  // open alert and becomes an update instead of hitting the one-open-alert unique index (a 500).
  await tx.lockDedupKeys(t.workspaceId, [t.dedupKey]);
  const open = await tx.openAlertForKey(t.workspaceId, t.dedupKey);
  if (open) {
    const updated = await tx.updateAlert(
      open.id,
      open.version,
      { facts: { ...open.facts, ...t.facts } },
      now,
    );
    if (!updated) throw new Error('alert changed concurrently'); // row is locked: cannot happen
    await tx.addEvent(t.workspaceId, open.id, {
      at: now,
      kind: 'updated',
      channel: 'system',
      details: absorbedDetails(t),
    });
    // Issue 21 item 2: no thread reply per trigger; the root card shows the count, in place.
    await refreshCardsQuietly(tx, after, t.workspaceId, open.id);
    return { outcome: 'updated', alert: updated };
  }

  const csm = t.customer.csmId ? await tx.person(t.workspaceId, t.customer.csmId) : null;
  if (!csm) {
    deps.log?.warn(
      { customer: t.customer.externalId, type: t.type },
      'alert trigger for a customer with no CSM',
    );
  }
  const ws = await tx.workspaceSettings(t.workspaceId);
  const settings = effectiveSettings(ws?.settings, ws?.timezone);

  if (csm) {
    const cd = await tx.lastCooldown(t.workspaceId, t.customer.id, t.type, csm.id);
    const windowMs = durationSetting(settings, 'cooldown');
    if (cd && now.getTime() - cd.lastSentAt.getTime() < windowMs) {
      const until = new Date(cd.lastSentAt.getTime() + windowMs);
      await tx.addEvent(t.workspaceId, cd.alertId, {
        at: now,
        kind: 'suppressed',
        channel: 'system',
        targetId: csm.id,
        details: absorbedDetails(t, { cooldownUntil: until.toISOString() }),
      });
      if (t.absorbedAs) await refreshCardsQuietly(tx, after, t.workspaceId, cd.alertId);
      return { outcome: 'suppressed', previousAlertId: cd.alertId, until };
    }
  }

  const alert = await tx.insertAlert({
    workspaceId: t.workspaceId,
    customerId: t.customer.id,
    type: t.type,
    dedupKey: t.dedupKey,
    assigneeId: csm?.id ?? null,
    facts: t.facts,
    escalation: escalationSnapshot(settings),
    chainStartedAt: now,
    now,
  });
  await tx.addEvent(t.workspaceId, alert.id, {
    at: now,
    kind: 'created',
    channel: 'system',
    targetId: csm?.id ?? null,
    details: { cause: t.cause, facts: t.facts },
  });
  if (csm) await tx.setCooldown(t.workspaceId, t.customer.id, t.type, csm.id, alert.id, now);
  const fired = await runDueSteps(deps, tx, after, alert, now);
  return { outcome: 'created', alert: fired };
}

/**
 * Executes every step of the chain that is due at `now`, starting after `alert.step`
 * (step -1 … the first run executes step 0). Returns the alert with its next timer set.
 */
export async function runDueSteps(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  alert: Alert,
  now: Date,
): Promise<Alert> {
  let current = alert;
  // `step` is the last executed step; a new alert starts at -1.
  let nextIndex = alert.step + 1;
  // Issue 20: business-hours delays and holds (working hours, quiet windows) — src/engine/policy.
  const policy = await loadPolicy(tx, current);
  const calendarOf = async (i: number) => {
    const holders = current.escalation[i] ? await roleHolders(tx, current, current.escalation[i]!.role) : [];
    return { holders, cal: stepCalendar(policy, holders) };
  };
  while (nextIndex < current.escalation.length) {
    const { holders, cal } = await calendarOf(nextIndex);
    const due = nominalDue(current, nextIndex, cal)!;
    if (due.getTime() > now.getTime()) break;
    const hold = stepHold(policy, cal, holders, now, !!current.escalation[nextIndex]!.channel);
    if (hold) return holdStep(tx, after, current, nextIndex, hold, cal, holders, now);
    await executeStep(deps, tx, after, current, nextIndex, now);
    const updated = await tx.updateAlert(current.id, current.version, { step: nextIndex }, now);
    if (!updated) throw new Error('alert changed concurrently');
    current = updated;
    nextIndex += 1;
  }
  const nextDue = nominalDue(current, nextIndex, (await calendarOf(nextIndex)).cal);
  const token = current.token + 1;
  const scheduled = await tx.updateAlert(
    current.id,
    current.version,
    { token, nextActionAt: nextDue, nextActionKind: nextDue ? 'escalate' : null },
    now,
  );
  if (!scheduled) throw new Error('alert changed concurrently');
  after.timer(scheduled.id, token, nextDue);
  return scheduled;
}

/** Who holds a role for this alert: the assignee, their manager, or the workspace's role holders. */
export async function roleHolders(tx: EngineTx, alert: Alert, role?: Person['role']): Promise<Person[]> {
  if (!role) return []; // a channel step (issue 20 item 6) notifies a conversation, not people
  if (role === 'admin') return tx.admins(alert.workspaceId); // a feed_stale alert's first step (engine/feeds.ts)
  if (role === 'csm') {
    const p = alert.assigneeId ? await tx.person(alert.workspaceId, alert.assigneeId) : null;
    return p ? [p] : [];
  }
  if (role === 'csm_manager') {
    const csm = alert.assigneeId ? await tx.person(alert.workspaceId, alert.assigneeId) : null;
    const mgr = csm?.managerId ? await tx.person(alert.workspaceId, csm.managerId) : null;
    return mgr ? [mgr] : [];
  }
  return tx.peopleWithRole(alert.workspaceId, role);
}

export async function executeStep(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  alert: Alert,
  index: number,
  now: Date,
  /** The new recipient's intro when a person escalated it (Escalate now: who, and their note). */
  intro?: string,
): Promise<void> {
  const step = alert.escalation[index]!;
  // Issue 20 item 6: a channel step posts the card in that conversation (policy/channel-route.ts).
  const channelSkip = step.channel ? await executeChannelStep(deps, tx, after, alert, index, now) : null;
  if (step.channel && !channelSkip) return;
  const holders = await roleHolders(tx, alert, step.role);
  const label = stepLabel(step);
  if (holders.length === 0) {
    const why =
      channelSkip ??
      (step.role === 'csm'
        ? 'the customer has no CSM assigned'
        : step.role === 'csm_manager'
          ? 'the CSM has no manager set'
          : `nobody in the workspace has the role ${label}`);
    await tx.addEvent(alert.workspaceId, alert.id, {
      at: now,
      kind: 'escalation_skipped',
      channel: 'system',
      details: { step: index, role: step.role, channel: step.channel, reason: why },
    });
    const customer = alert.customerId ? await tx.customer(alert.workspaceId, alert.customerId) : null;
    for (const admin of await tx.admins(alert.workspaceId)) {
      await enqueueFor(deps, tx, after, admin, {
        kind: 'notice',
        personId: admin.id,
        alertId: alert.id,
        text: `⚠️ Escalation step ${index + 1} (${label}) for ${customer?.name ?? (alert.customerId ? 'a customer' : 'the workspace')} was skipped: ${why}. Set it up with /fincelo settings → People.`,
      });
    }
    return;
  }
  const names: string[] = [];
  const fresh: string[] = [];
  for (const person of holders) {
    const isNew = await tx.addRecipient(alert.id, person.id, index, now);
    names.push(person.name);
    if (isNew) {
      fresh.push(person.id);
      await enqueueFor(deps, tx, after, person, {
        kind: 'post_card',
        alertId: alert.id,
        personId: person.id,
        intro:
          intro ??
          (index === 0 ? undefined : `Escalated to you (${label}): nobody has acted on this alert yet.`),
      });
    }
    await tx.addEvent(alert.workspaceId, alert.id, {
      at: now,
      kind: index === 0 ? 'notified' : 'escalated',
      channel: 'system',
      targetId: person.id,
      details: { step: index, role: step.role },
    });
  }
  if (index > 0) {
    await fanOutUpdate(
      deps,
      tx,
      after,
      alert,
      `⬆️ Escalated to ${names.join(', ')} (${label}) — step ${index + 1} of ${alert.escalation.length}.`,
      fresh, // their own card says "Escalated to you"; the others' threads get the note
    );
  }
}

/** Queues a delivery to one person on their channel. */
export async function enqueueFor(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  person: Person,
  d: Parameters<EngineTx['enqueueDelivery']>[2],
): Promise<void> {
  const channel = channelFor(person, deps.enabledChannels);
  await tx.enqueueDelivery(person.workspaceId, channel, d);
  after.kick(channel);
  if (d.kind === 'post_card') armFallback(deps, after, person, d.alertId, deps.clock.now()); // issue 20 item 5
}

/** Queues a thread-wide delivery (reply or card update) on every channel the alert lives on. */
export async function fanOut(
  _deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  alert: Alert,
  d: Parameters<EngineTx['enqueueDelivery']>[2],
): Promise<void> {
  for (const channel of await tx.alertChannels(alert.id)) {
    await tx.enqueueDelivery(alert.workspaceId, channel, d);
    after.kick(channel);
  }
}

/**
 * Tells every thread of the alert what happened (`text`, a reply) and updates its card, as one
 * delivery per channel: a channel that must send a new message for an update sends one, not two.
 */
export async function fanOutUpdate(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  alert: Alert,
  text: string,
  /** People just sent the card in this same step: they need neither the note nor an update. */
  except: string[] = [],
): Promise<void> {
  await fanOut(deps, tx, after, alert, {
    kind: 'update_cards',
    alertId: alert.id,
    note: text,
    ...(except.length ? { except } : {}),
  });
}

/**
 * Runs an alert timer (escalate, resume after acknowledge, wake after snooze).
 * Does nothing when `token` is stale: the alert changed since the timer was set.
 */
export async function runAlertTimer(
  deps: EngineDeps,
  alertId: string,
  token: number,
): Promise<'ran' | 'stale'> {
  return inTransaction(deps, async (tx, after) => {
    const alert = await tx.lockAlert(null, alertId);
    if (!alert || alert.token !== token || alert.status === 'resolved' || !alert.nextActionAt) return 'stale';
    const now = deps.clock.now();
    if (alert.nextActionAt.getTime() > now.getTime()) {
      // Fired early (clock skew between processes): set the timer again for the right moment.
      after.timer(alert.id, alert.token, alert.nextActionAt);
      return 'stale';
    }
    await runLockedTimer(deps, tx, after, alert, now);
    return 'ran';
  });
}

/**
 * The due-time hot path: claims up to `limit` alerts whose timer is due (FOR UPDATE SKIP LOCKED,
 * so concurrent claimers in this or other processes never take the same alert) and runs them in
 * one transaction. Returns what ran, with the instant each was due (for the lag metric).
 */
export async function runDueTimers(
  deps: EngineDeps,
  limit: number,
  skipIds: string[] = [],
): Promise<{ id: string; dueAt: Date }[]> {
  return inTransaction(deps, async (tx, after) => {
    const now = deps.clock.now();
    const claimed = await tx.claimDueAlerts(now, limit, skipIds);
    for (const alert of claimed) await runLockedTimer(deps, tx, after, alert, now);
    return claimed.map((a) => ({ id: a.id, dueAt: a.nextActionAt! }));
  });
}

/** Runs the due timer of an alert locked by this transaction (escalate, resume or wake). */
export async function runLockedTimer(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  alert: Alert,
  now: Date,
): Promise<void> {
  {
    if (alert.nextActionKind === 'escalate') {
      await runDueSteps(deps, tx, after, alert, now);
      return;
    }
    // resume (ack timeout) or wake (snooze over): the paused time no longer counts.
    const pausedFor = alert.pausedAt ? now.getTime() - alert.pausedAt.getTime() : 0;
    const resumed = await tx.updateAlert(
      alert.id,
      alert.version,
      { status: 'open', pausedAt: null, pausedTotalMs: alert.pausedTotalMs + pausedFor },
      now,
    );
    if (!resumed) throw new Error('alert changed concurrently');
    const wake = alert.nextActionKind === 'wake';
    await tx.addEvent(alert.workspaceId, alert.id, {
      at: now,
      kind: wake ? 'woke' : 'resumed',
      channel: 'system',
      details: { pausedMs: pausedFor },
    });
    await fanOutUpdate(
      deps,
      tx,
      after,
      resumed,
      wake
        ? '⏰ Snooze is over: this alert is back and escalation continues.'
        : '⏱️ No resolution since it was acknowledged: escalation has resumed.',
    );
    await runDueSteps(deps, tx, after, resumed, now);
  }
}
