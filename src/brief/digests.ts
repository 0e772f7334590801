import type pg from 'pg';
import type { FeatureContext } from '../features.js';
import {
  channelFor,
  effectiveSettings,
  inTransaction,
  localDateTimeToUtc,
  parseWeekly,
  type EngineDeps,
  type Person,
} from '../engine/index.js';
import { briefText, renderBriefCard, type BriefView } from '../cards/brief-card.js';
import { selectWorkspacesIdSettingsTimezone } from '../store/brief.js';
import {
  selectChurnChangesSince,
  selectDigestRecipients,
  selectFollowUpsDue,
  selectOpenAlertsOf,
  selectReportCounts,
  selectTeamAlertsSince,
} from '../store/digests.js';
import { toPerson } from '../store/engine-rows.js';
import { briefDue, localDate } from './brief.js';

/**
 * Digests beyond the CFO (issue 21 item 6), at each recipient's local time (their person record's
 * time zone, else the workspace's), once per local day:
 * - the CSM daily digest (`digests.csmDaily`, HH:MM): their open alerts, follow-ups due by the end
 *   of their day, and their customers whose churn risk rose in the last 24 h. A CSM with none of
 *   the three gets nothing: an empty digest every morning teaches people to ignore it.
 * - the manager weekly digest (`digests.managerWeekly`, "Mon 09:00"), to each csm_manager with
 *   people reporting to them: the team's alerts of the last 7 days, the time to first response
 *   (acknowledge or resolve), how many reached each escalation step, and what is still open.
 * A person opts out with `digest off` in chat (`digest on` again); both digests are off until an
 * admin sets their time.
 */

export const DIGEST_TICK_JOB = 'digest:tick';
const DAY_MS = 86_400_000;
/** A customer's risk "rose" when it went up by at least this much in 24 h (0–100 scale)… */
const ROSE_BY = 10;
/** …or when it was first scored at or above this (the brief's "high churn risk"). */
const HIGH_CHURN = 60;

const TYPE_LABEL: Record<string, string> = {
  usage_threshold: 'Usage',
  collections: 'Collections',
  support_risk: 'Support risk',
  feed_stale: 'Data feed silent',
};
const ROLE_LABEL: Record<string, string> = {
  csm: 'CSM',
  csm_manager: 'Manager',
  vp_cs: 'VP CS',
  cfo: 'CFO',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function age(from: Date, now: Date): string {
  const h = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 3_600_000));
  return h < 48 ? `${h} h` : `${Math.floor(h / 24)} days`;
}

export function formatSpan(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 60) return `${m} min`;
  const h = ms / 3_600_000;
  return h < 48 ? `${h.toFixed(h < 10 ? 1 : 0)} h` : `${(h / 24).toFixed(1)} days`;
}

const weekdayOf = (at: Date, timeZone: string) =>
  ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(
    new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(at),
  );

/** The CSM's daily digest, or null when there is nothing to tell them. */
export async function buildCsmDigest(
  pool: pg.Pool,
  workspaceId: string,
  person: Person,
  now: Date,
  timeZone: string,
): Promise<BriefView | null> {
  const day = localDate(now, timeZone);
  const endOfDay = localDateTimeToUtc(day, '23:59', timeZone) ?? new Date(now.getTime() + DAY_MS);
  const open = (await selectOpenAlertsOf(pool, workspaceId, person.id)).rows;
  const due = (await selectFollowUpsDue(pool, workspaceId, person.id, new Date(endOfDay.getTime() + 60_000)))
    .rows;
  const churn = (
    await selectChurnChangesSince(pool, workspaceId, person.id, new Date(now.getTime() - DAY_MS))
  ).rows.filter((r) => (r.before === null ? r.risk >= HIGH_CHURN : r.risk - r.before >= ROSE_BY));
  if (!open.length && !due.length && !churn.length) return null;
  const when = (d: Date) =>
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    }).format(d);
  return {
    title: `📋 Your daily digest — ${day}`,
    subtitle: `For ${person.name}; times in ${timeZone}. Reply \`digest off\` to stop these.`,
    headline: [
      { title: 'Open alerts', value: String(open.length) },
      { title: 'Follow-ups due today', value: String(due.length) },
      { title: 'Churn risk rose', value: plural(churn.length, 'customer') },
    ],
    sections: [
      {
        title: '🔔 Your open alerts',
        empty: 'No open alerts.',
        rows: open.slice(0, 10).map((a) => ({
          title: a.customer,
          value: `${TYPE_LABEL[a.type] ?? a.type} · ${a.status} · for ${age(a.created_at, now)}`,
        })),
      },
      {
        title: '🗓️ Follow-ups due',
        empty: 'None due today.',
        rows: due.slice(0, 10).map((t) => ({
          title: `${t.customer ?? 'No customer'} · ${t.title}`,
          value: `${t.due_at.getTime() < now.getTime() ? 'overdue since' : 'due'} ${when(t.due_at)}`,
        })),
      },
      {
        title: '📈 Churn risk rose (24 h)',
        empty: 'No customer’s risk rose.',
        rows: churn.slice(0, 10).map((c) => ({
          title: c.name,
          value: c.before === null ? `now ${c.risk}/100` : `${c.before} → ${c.risk}/100`,
        })),
      },
    ],
  };
}

/** The manager's weekly digest of their team (null when nobody reports to them). */
export async function buildManagerDigest(
  pool: pg.Pool,
  workspaceId: string,
  manager: Person,
  now: Date,
  timeZone: string,
  teamSize: number,
): Promise<BriefView | null> {
  if (teamSize === 0) return null;
  const since = new Date(now.getTime() - 7 * DAY_MS);
  const alerts = (await selectTeamAlertsSince(pool, workspaceId, manager.id, since)).rows;
  const responses = alerts
    .filter((a) => a.first_response_at)
    .map((a) => a.first_response_at!.getTime() - a.created_at.getTime())
    .sort((x, y) => x - y);
  const median = responses.length ? responses[Math.floor((responses.length - 1) / 2)]! : null;
  const reached = new Map<string, number>();
  for (const a of alerts) {
    const step = a.furthest_step ?? 0;
    if (step < 1) continue;
    const role = ROLE_LABEL[a.escalation?.[step]?.role ?? ''] ?? `step ${step + 1}`;
    reached.set(role, (reached.get(role) ?? 0) + 1);
  }
  const byType = new Map<string, number>();
  for (const a of alerts) byType.set(a.type, (byType.get(a.type) ?? 0) + 1);
  const stillOpen = alerts.filter((a) => a.status !== 'resolved' && a.status !== 'expired');
  return {
    title: `📊 Your team's week — ${localDate(since, timeZone)} to ${localDate(now, timeZone)}`,
    subtitle: `For ${manager.name}: ${plural(teamSize, 'person', 'people')} reporting to you. Reply \`digest off\` to stop these.`,
    headline: [
      { title: 'Alerts raised', value: String(alerts.length) },
      {
        title: 'Median time to first response',
        value: median === null ? 'no response yet' : formatSpan(median),
      },
      { title: 'Not yet acknowledged', value: String(alerts.length - responses.length) },
      {
        title: 'Escalated beyond the CSM',
        value: String([...reached.values()].reduce((a, b) => a + b, 0)),
      },
    ],
    sections: [
      {
        title: '🔔 Alerts by type',
        empty: 'A quiet week: no alerts.',
        rows: [...byType].map(([type, n]) => ({ title: TYPE_LABEL[type] ?? type, value: String(n) })),
      },
      {
        title: '📣 Escalations reached',
        empty: 'No alert went past the CSM.',
        rows: [...reached].map(([role, n]) => ({ title: role, value: plural(n, 'alert') })),
      },
      {
        title: '⏳ Still open',
        empty: 'Everything raised this week is resolved.',
        rows: stillOpen.slice(0, 10).map((a) => ({
          title: a.customer,
          value: `${TYPE_LABEL[a.type] ?? a.type} · ${a.status} · for ${age(a.created_at, now)}`,
        })),
      },
    ],
  };
}

/** Queues every digest due at the engine's now (each once per recipient and local day). */
export async function runDigestTick(pool: pg.Pool, engine: EngineDeps): Promise<number> {
  const now = engine.clock.now();
  let sent = 0;
  for (const ws of (await selectWorkspacesIdSettingsTimezone(pool)).rows) {
    const settings = effectiveSettings(ws.settings, ws.timezone);
    const { csmDaily, managerWeekly } = settings.digests;
    if (!csmDaily && !managerWeekly) continue;
    const weekly = managerWeekly ? parseWeekly(managerWeekly) : null;
    const roles = [...(csmDaily ? ['csm'] : []), ...(weekly ? ['csm_manager'] : [])];
    const people = (await selectDigestRecipients(pool, ws.id, roles)).rows;
    const reports = new Map(
      (await selectReportCounts(pool, ws.id)).rows.map((r) => [r.manager_id, Number(r.reports)]),
    );
    for (const row of people) {
      const person = toPerson(row);
      const tz = person.timezone || settings.timezone;
      let view: BriefView | null = null;
      let key: string;
      if (person.role === 'csm' && csmDaily) {
        const { due, day } = briefDue(now, tz, csmDaily, ws.created_at);
        if (!due) continue;
        key = `csm:${person.id}:${day}`;
        view = await buildCsmDigest(pool, ws.id, person, now, tz);
      } else if (person.role === 'csm_manager' && weekly) {
        const { due, day } = briefDue(now, tz, weekly.time, ws.created_at);
        if (!due || weekdayOf(now, tz) !== weekly.weekday) continue;
        key = `manager:${person.id}:${day}`;
        view = await buildManagerDigest(pool, ws.id, person, now, tz, reports.get(person.id) ?? 0);
      } else continue;
      if (!view) continue;
      const card = renderBriefCard(view);
      const text = briefText(view);
      sent += await inTransaction(engine, async (tx, after) => {
        // processed_events: once per person and local day, across processes and restarts.
        if (!(await tx.rememberEvent('digest', key, ws.id))) return 0;
        const channel = channelFor(person, engine.enabledChannels);
        await tx.enqueueDelivery(ws.id, channel, { kind: 'card', personId: person.id, card, text });
        after.kick(channel);
        return 1;
      });
    }
  }
  return sent;
}

/** Defines the recurring digest check (worker roles only); returns it for FeatureRuntime.every. */
export function defineDigestJobs(ctx: FeatureContext): { interval: string; job: string }[] {
  ctx.jobs.define(DIGEST_TICK_JOB, async () => {
    const n = await runDigestTick(ctx.database.pool, ctx.engine);
    if (n) ctx.log.info({ digests: n }, 'CSM and manager digests queued');
  });
  return [{ interval: '1 minute', job: DIGEST_TICK_JOB }];
}
