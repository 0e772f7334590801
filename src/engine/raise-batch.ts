import { channelFor, type AfterCommit, type EngineDeps } from './context.js';
import type { BatchAlert, EngineTx } from './ports.js';
import { durationSetting, escalationSnapshot, type WorkspaceSettings } from './settings.js';
import { armFallback } from './policy/fallback.js';
import type { Alert, Person } from './types.js';
import { absorbedDetails, refreshCardsQuietly } from './suppression.js';
import type { RaiseResult, Trigger } from './alert-types.js';
import { raiseAlertInTx } from './alerts.js';

/**
 * Raises many triggers of one workspace (distinct dedup keys) in a few statements instead of one
 * round of ~12 statements per alert: one lock statement, one read each for open alerts, CSMs and
 * cooldowns, then one multi-row insert each for suppressed events, alerts, events, recipients,
 * cooldowns and outbox rows; triggers an open alert absorbs are one statement per table too. The
 * semantics are those of raiseAlertInTx, which still handles what the set-based path does not
 * cover: a customer without CSM, a CSM with their own hours, and a chain whose first step is not
 * "the CSM, immediately" or whose second step is also due at once.
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
  // Triggers the open alert absorbs (its keys are locked, its row too): one statement per table for
  // all of them — facts merged, an `updated` event each, a quiet card refresh per channel — as
  // raiseAlertInTx does one at a time (issue 18: 113 of 500 over-threshold readings in the bench).
  const absorbed = slow.filter((i) => open.has(triggers[i]!.dedupKey));
  if (absorbed.length) {
    const items = absorbed.map((i) => {
      const o = open.get(triggers[i]!.dedupKey)!;
      return { i, o, t: withOpen(triggers[i]!, o) };
    });
    const updated = new Map(
      (
        await tx.updateAlertFactsBatch(
          items.map(({ o, t }) => ({
            id: o.id,
            expectedVersion: o.version,
            facts: { ...o.facts, ...t.facts },
          })),
          now,
        )
      ).map((a) => [a.id, a]),
    );
    if (updated.size !== items.length) throw new Error('alert changed concurrently'); // rows are locked
    await tx.addEvents(
      items.map(({ o, t }) => ({
        workspaceId,
        alertId: o.id,
        event: { at: now, kind: 'updated', channel: 'system', details: absorbedDetails(t) },
      })),
    );
    const channels = await tx.alertChannelsOf(items.map(({ o }) => o.id));
    await tx.enqueueDeliveries(
      channels.map(({ alertId, channel }) => ({
        workspaceId,
        channel,
        request: { kind: 'update_cards', alertId, quiet: true },
      })),
    );
    for (const ch of new Set(channels.map((c) => c.channel))) after.kick(ch);
    for (const { i, o } of items) results[i] = { outcome: 'updated', alert: updated.get(o.id)! };
  }
  for (const i of slow) {
    if (results[i]) continue;
    results[i] = await raiseAlertInTx(deps, tx, after, triggers[i]!);
  }
  return results as RaiseResult[];
}
