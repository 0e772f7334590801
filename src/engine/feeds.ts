import { autoResolveInTx } from './actions.js';
import { runDueSteps } from './alerts.js';
import { inTransaction, type AfterCommit, type EngineDeps } from './context.js';
import { watchedFeeds, type WatchedFeed } from './feeds-settings.js';
import { feedLabel } from './feeds-view.js';
import type { FeedState } from './feeds-ports.js';
import type { EngineTx } from './ports.js';
import {
  durationSetting,
  effectiveSettings,
  escalationSnapshot,
  type WorkspaceSettings,
} from './settings.js';
import { formatDuration } from './duration.js';
import type { EscalationStep } from './types.js';

/**
 * The data-feed heartbeat (issue 21 item 3). Per workspace, settings `feeds` give the expected
 * cadence of each feed; a feed silent for longer raises a workspace-level alert of type
 * `feed_stale` (no customer) to the workspace admins, through the same pipeline as every alert
 * (cards, actions, escalation, timeline); data arriving again resolves it by itself.
 *
 * - Usage readings and invoices note their arrival in the ingest transaction (feedDataArrived),
 *   which also resolves an open feed_stale at once. Connector feeds are read from the connectors'
 *   last successful sync and last delivered ticket by the periodic check.
 * - checkFeeds runs every 10 s (src/jobs/feeds-heartbeat.ts), which notices a silence within
 *   max(10 s, a tenth of the cadence) as the issue asks, for any cadence ≥ 10 s.
 * - One open feed_stale per feed (dedup key `feed_stale:<feed>`, the one-open-alert index), and a
 *   silence is claimed once (store/feeds.ts), so several workers never raise it twice.
 * - Cooldown as for other alerts: a feed going silent again within `cooldown` of its last
 *   feed_stale alert is recorded on that alert's timeline (`suppressed`), not raised anew.
 */

export const feedDedupKey = (feed: string) => `feed_stale:${feed}`;

/**
 * The chain of a feed_stale alert: the workspace admins at once, then the workspace chain's steps
 * that do not depend on a customer (VP Customer Success, CFO, role channels) with their delays.
 * The CSM and CSM Manager steps are left out: a workspace-level alert has no customer, so no CSM.
 */
export function feedStaleChain(settings: WorkspaceSettings): EscalationStep[] {
  const rest = escalationSnapshot(settings).filter((s) => s.role !== 'csm' && s.role !== 'csm_manager');
  return [{ role: 'admin', afterMs: 0 }, ...rest];
}

/** Data arrived on `feed` (usage readings, invoices): notes it and resolves the feed's open feed_stale. */
export async function feedDataArrived(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  workspaceId: string,
  feed: 'usage' | 'invoices',
  known?: WorkspaceSettings,
): Promise<void> {
  let settings = known;
  if (!settings) {
    const ws = await tx.workspaceSettings(workspaceId);
    settings = effectiveSettings(ws?.settings, ws?.timezone);
  }
  if (!settings.feeds[feed]) return; // not watched: nothing is recorded
  const now = deps.clock.now();
  await tx.noteFeedData(workspaceId, feed, now);
  if (await tx.clearFeedStale(workspaceId, feed))
    await resolveFeedAlert(deps, tx, after, workspaceId, feed, now);
}

async function resolveFeedAlert(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  workspaceId: string,
  feed: string,
  now: Date,
  reason = `data arrived again on ${feedLabel(feed).toLowerCase()}`,
): Promise<void> {
  const key = feedDedupKey(feed);
  await tx.lockDedupKeys(workspaceId, [key]);
  const open = await tx.openAlertForKey(workspaceId, key);
  if (!open) return; // resolved by a person meanwhile
  const withFacts = await tx.updateAlert(
    open.id,
    open.version,
    { facts: { ...open.facts, resumedAt: now.toISOString() } },
    now,
  );
  await autoResolveInTx(deps, tx, after, withFacts ?? open, reason);
}

/**
 * Checks every watched feed of one workspace: raises (or, in the cooldown, records) feed_stale for
 * a silence this call noticed first (`noticed`), resolves it for a feed with data again.
 */
export async function checkFeeds(
  deps: EngineDeps,
  workspaceId: string,
): Promise<{ noticed: string[]; resolved: string[] }> {
  return inTransaction(deps, async (tx, after) => {
    const out = { noticed: [] as string[], resolved: [] as string[] };
    const ws = await tx.workspaceSettings(workspaceId);
    if (!ws) return out;
    const settings = effectiveSettings(ws.settings, ws.timezone);
    const feeds = watchedFeeds(settings.feeds);
    const now = deps.clock.now();
    for (const removed of await tx.unwatchFeedsExcept(
      workspaceId,
      feeds.map((f) => f.key),
    )) {
      await resolveFeedAlert(deps, tx, after, workspaceId, removed, now, 'the feed is no longer watched');
      out.resolved.push(removed);
    }
    await tx.watchFeeds(
      workspaceId,
      feeds.map((f) => f.key),
      now,
    );
    for (const f of feeds) {
      if (f.kind !== 'connector') continue;
      const at = await tx.connectorLastData(workspaceId, f.connector!);
      if (at) await tx.noteFeedData(workspaceId, f.key, at);
    }
    const states = new Map((await tx.feedStates(workspaceId)).map((s) => [s.feed, s]));
    for (const f of feeds) {
      const s = states.get(f.key);
      if (!s) continue;
      const since = s.lastDataAt ?? s.watchedSince;
      const cutoff = new Date(now.getTime() - f.expectedEveryMs);
      if (since.getTime() < cutoff.getTime()) {
        if (!s.staleSince && (await tx.claimFeedStale(workspaceId, f.key, now, cutoff))) {
          await raiseFeedStale(deps, tx, after, workspaceId, settings, f, s, now);
          out.noticed.push(f.key);
        }
      } else if (s.staleSince && (await tx.clearFeedStale(workspaceId, f.key))) {
        await resolveFeedAlert(deps, tx, after, workspaceId, f.key, now);
        out.resolved.push(f.key);
      }
    }
    return out;
  });
}

async function raiseFeedStale(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  workspaceId: string,
  settings: WorkspaceSettings,
  f: WatchedFeed,
  s: FeedState,
  now: Date,
): Promise<void> {
  const key = feedDedupKey(f.key);
  const silentMs = now.getTime() - (s.lastDataAt ?? s.watchedSince).getTime();
  const facts = {
    feed: f.key,
    feedLabel: feedLabel(f.key),
    expectedEvery: f.expectedEvery,
    lastDataAt: s.lastDataAt?.toISOString() ?? null,
    watchedSince: s.watchedSince.toISOString(),
    silentFor: formatDuration(Math.floor(silentMs / 1000) * 1000),
  };
  const cause = `no ${feedLabel(f.key).toLowerCase()} for ${facts.silentFor} (expected every ${f.expectedEvery})`;
  await tx.lockDedupKeys(workspaceId, [key]);
  if (await tx.openAlertForKey(workspaceId, key)) return; // still open (a person reopened nothing)
  const last = await tx.lastAlertForKey(workspaceId, key);
  const windowMs = durationSetting(settings, 'cooldown');
  if (last && now.getTime() - last.createdAt.getTime() < windowMs) {
    await tx.addEvent(workspaceId, last.id, {
      at: now,
      kind: 'suppressed',
      channel: 'system',
      details: { cause, facts, cooldownUntil: new Date(last.createdAt.getTime() + windowMs).toISOString() },
    });
    return;
  }
  const admins = await tx.admins(workspaceId);
  if (!admins.length)
    deps.log?.warn({ workspaceId, feed: f.key }, 'feed_stale with no workspace admin to notify');
  const alert = await tx.insertAlert({
    workspaceId,
    customerId: null,
    type: 'feed_stale',
    dedupKey: key,
    assigneeId: admins[0]?.id ?? null,
    facts,
    escalation: feedStaleChain(settings),
    chainStartedAt: now,
    now,
  });
  await tx.addEvent(workspaceId, alert.id, {
    at: now,
    kind: 'created',
    channel: 'system',
    targetId: admins[0]?.id ?? null,
    details: { cause, facts },
  });
  await runDueSteps(deps, tx, after, alert, now);
}
