import { AfterCommit, channelFor, inTransaction, type EngineDeps } from './context.js';
import type { BatchAlert, EngineTx } from './ports.js';
import {
  durationSetting,
  effectiveSettings,
  escalationSnapshot,
  type WorkspaceSettings,
} from './settings.js';
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
 * Raises many triggers of one workspace (distinct dedup keys) in a few statements instead of one
 * round of ~12 statements per alert: one lock statement, one read each for open alerts, CSMs and
 * cooldowns, then one multi-row insert each for suppressed events, alerts, events, recipients,
 * cooldowns and outbox rows. The semantics are those of raiseAlertInTx, which still handles what
 * the set-based path does not cover: an open alert (an update), a customer without CSM, and a
 * chain whose first step is not "the CSM, immediately" or whose second step is also due at once.
 */
export async function raiseAlertsBatch(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  workspaceId: string,
  settings: WorkspaceSettings,
  triggers: Trigger[],
  /** Rebuilds a trigger once its open alert is known (when its facts depend on it). */
  withOpen: (t: Trigger, open: Alert) => Trigger = (t) => t,
): Promise<RaiseResult[]> {
  const keys = triggers.map((t) => t.dedupKey);
  if (new Set(keys).size !== keys.length) throw new Error('raiseAlertsBatch: dedup keys must be distinct');
  const now = deps.clock.now();
  await tx.lockDedupKeys(workspaceId, keys);
  const open = new Map((await tx.openAlertsForKeys(workspaceId, keys)).map((a) => [a.dedupKey, a]));
  const csmIds = [...new Set(triggers.map((t) => t.customer.csmId).filter((x): x is string => !!x))];
  const csms = new Map((await tx.peopleByIds(workspaceId, csmIds)).map((p) => [p.id, p]));
  const chain = escalationSnapshot(settings);
  // Working hours, quiet windows and business-hour steps can hold step 1: those workspaces take the
  // one-alert-at-a-time path, where every step goes through the policy's hold check.
  const policyFree =
    !settings.workingHours && !settings.quietWindows.length && !chain.some((s) => s.business);
  const setBased =
    policyFree &&
    chain[0]?.role === 'csm' &&
    chain[0].afterMs <= 0 &&
    (chain.length < 2 || chain[1]!.afterMs > 0);

  const results = new Array<RaiseResult | undefined>(triggers.length);
  const slow: number[] = [];
  const candidates: { i: number; t: Trigger; csm: Person }[] = [];
  triggers.forEach((t, i) => {
    const csm = t.customer.csmId ? csms.get(t.customer.csmId) : undefined;
    // A CSM with their own working hours or quiet windows may be held on step 1: the per-alert path checks that.
    if (open.has(t.dedupKey) || !csm || !setBased || csm.workingHours || csm.quietWindows?.length)
      slow.push(i);
    else candidates.push({ i, t, csm });
  });

  const cooldowns = new Map(
    (
      await tx.cooldownsFor(
        workspaceId,
        candidates.map(({ t, csm }) => ({ customerId: t.customer.id, type: t.type, personId: csm.id })),
      )
    ).map((c) => [`${c.customerId}|${c.type}|${c.personId}`, c]),
  );
  const windowMs = durationSetting(settings, 'cooldown');
  const suppressed: Parameters<EngineTx['addEvents']>[0] = [];
  const batch: BatchAlert[] = [];
  const refresh = new Set<string>(); // alerts whose cards show a new suppressed count
  for (const { i, t, csm } of candidates) {
    const cd = cooldowns.get(`${t.customer.id}|${t.type}|${csm.id}`);
    if (cd && now.getTime() - cd.lastSentAt.getTime() < windowMs) {
      const until = new Date(cd.lastSentAt.getTime() + windowMs);
      suppressed.push({
        workspaceId,
        alertId: cd.alertId,
        event: {
          at: now,
          kind: 'suppressed',
          channel: 'system',
          targetId: csm.id,
          details: absorbedDetails(t, { cooldownUntil: until.toISOString() }),
        },
      });
      if (t.absorbedAs) refresh.add(cd.alertId);
      results[i] = { outcome: 'suppressed', previousAlertId: cd.alertId, until };
      continue;
    }
    const id = globalThis.crypto.randomUUID();
    const nextDue = chain[1] ? new Date(now.getTime() + chain[1].afterMs) : null;
    const channel = channelFor(csm, deps.enabledChannels);
    batch.push({
      alert: {
        id,
        workspaceId,
        customerId: t.customer.id,
        type: t.type,
        dedupKey: t.dedupKey,
        assigneeId: csm.id,
        facts: t.facts,
        escalation: chain,
        chainStartedAt: now,
        now,
        step: 0,
        token: 2,
        nextActionAt: nextDue,
        nextActionKind: nextDue ? 'escalate' : null,
      },
      events: [
        {
          at: now,
          kind: 'created',
          channel: 'system',
          targetId: csm.id,
          details: { cause: t.cause, facts: t.facts },
        },
        { at: now, kind: 'notified', channel: 'system', targetId: csm.id, details: { step: 0, role: 'csm' } },
      ],
      recipients: [{ personId: csm.id, step: 0 }],
      deliveries: [{ channel, request: { kind: 'post_card', alertId: id, personId: csm.id } }],
      cooldownPersonId: csm.id,
    });
    after.timer(id, 2, nextDue);
    after.kick(channel);
    armFallback(deps, after, csm, id, now); // issue 20 item 5
    results[i] = { outcome: 'created', alert: undefined as unknown as Alert }; // filled below
  }
  await tx.addEvents(suppressed);
  for (const id of refresh) await refreshCardsQuietly(tx, after, workspaceId, id);
  const inserted = await tx.insertAlertsBatch(batch);
  let k = 0;
  for (const r of results) if (r?.outcome === 'created') r.alert = inserted[k++]!;
  for (const i of slow) {
    const t = triggers[i]!;
    const o = open.get(t.dedupKey);
    results[i] = await raiseAlertInTx(deps, tx, after, o ? withOpen(t, o) : t);
  }
  return results as RaiseResult[];
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
  for (const person of holders) {
    const isNew = await tx.addRecipient(alert.id, person.id, index, now);
    names.push(person.name);
    if (isNew) {
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
): Promise<void> {
  await fanOut(deps, tx, after, alert, { kind: 'update_cards', alertId: alert.id, note: text });
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
