import type pg from 'pg';
import type { FeatureContext } from '../features.js';
import {
  channelFor,
  effectiveSettings,
  inTransaction,
  localDateTimeToUtc,
  money,
  type EngineDeps,
} from '../engine/index.js';
import { CATEGORY_NAMES, type Category } from '../engine/analysis/types.js';
import { briefText, renderBriefCard, type BriefView } from '../cards/brief-card.js';
import {
  selectAlertsByWorkspaceIdStatus,
  selectAlertsCNameCArrAFactsByWorkspaceIdType,
  selectCustomersCNameCArrCChurnRiskByWorkspaceIdChurnRisk,
  selectInvoicesByWorkspaceIdStatus,
  selectPeopleIdByWorkspaceIdRole,
  selectTicketAnalysesByWorkspaceIdAnalyzedAt,
  selectWorkspacesIdSettingsTimezone,
  selectWorkspacesSettingsTimezoneById,
} from '../store/brief.js';

/**
 * The CFO morning brief: at each workspace's brief time in its time zone, once per local day, a
 * card to every CFO on their channel — overdue invoices, ARR at risk, expansion opportunities,
 * the riskiest tickets and the alerts escalated to the CFO. Also on demand with `brief` in chat.
 */

export const BRIEF_TICK_JOB = 'brief:tick';
/** ARR counts as at risk when churn risk reaches this, or a support-risk alert is open. */
const HIGH_CHURN = 60;

/** The local calendar date at `at` in `timeZone` (YYYY-MM-DD). */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

/**
 * How late a brief may still go out after its time (a worker restarting, a missed tick). Later
 * than that it is no longer a morning brief, and a workspace created in the afternoon does not get
 * one the minute it is created: it gets its first at the next brief time.
 */
export const BRIEF_CATCH_UP_MS = 2 * 60 * 60 * 1000;

/**
 * Whether today's brief is due at `now` (local time reached, within the catch-up), and its local
 * day. A workspace created after today's brief time (`createdAt`) gets its first one tomorrow: the
 * catch-up is for a worker that missed its tick, not for a workspace set up at 09:30.
 */
export function briefDue(
  now: Date,
  timeZone: string,
  briefTime: string,
  createdAt?: Date | null,
): { due: boolean; day: string } {
  const day = localDate(now, timeZone);
  const at = localDateTimeToUtc(day, briefTime, timeZone);
  const late = at === null ? -1 : now.getTime() - at.getTime();
  const createdSince = !!createdAt && !!at && createdAt > at && createdAt <= now;
  return { due: late >= 0 && late < BRIEF_CATCH_UP_MS && !createdSince, day };
}

/** Gathers the brief's figures for one workspace (every query scoped to it). */
export async function buildBrief(
  pool: pg.Pool,
  workspaceId: string,
  now: Date,
  timeZone: string,
): Promise<BriefView> {
  const today = localDate(now, timeZone);
  const overdue = (await selectInvoicesByWorkspaceIdStatus(pool, [workspaceId, today])).rows;
  const totals = new Map<string, number>();
  for (const r of overdue) totals.set(r.currency, (totals.get(r.currency) ?? 0) + Number(r.amount));
  const atRisk = (
    await selectCustomersCNameCArrCChurnRiskByWorkspaceIdChurnRisk(pool, [workspaceId, HIGH_CHURN])
  ).rows;
  const arrAtRisk = atRisk.reduce((a, r) => a + Number(r.arr ?? 0), 0);
  const expansion = (await selectAlertsCNameCArrAFactsByWorkspaceIdType(pool, [workspaceId])).rows;
  const since = new Date(now.getTime() - 24 * 3600_000);
  const tickets = (await selectTicketAnalysesByWorkspaceIdAnalyzedAt(pool, [workspaceId, since])).rows;
  const escalated = (await selectAlertsByWorkspaceIdStatus(pool, [workspaceId])).rows;
  const arrCurrency = 'USD';
  const typeLabel: Record<string, string> = {
    usage_threshold: 'Usage',
    collections: 'Collections',
    support_risk: 'Support risk',
    feed_stale: 'Data feed silent',
  };
  return {
    title: `☀️ CFO Morning Brief — ${today}`,
    subtitle: `Figures as of ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    headline: [
      {
        title: 'Overdue invoices',
        value: overdue.length
          ? `${overdue.length} · ${[...totals].map(([cur, sum]) => money(sum, cur)).join(' + ')}`
          : 'none',
      },
      {
        title: 'ARR at risk',
        value: `${money(arrAtRisk, arrCurrency)} (${atRisk.length} customer${atRisk.length === 1 ? '' : 's'})`,
      },
      { title: 'Expansion opportunities', value: String(expansion.length) },
      { title: 'Escalated to CFO', value: String(escalated.length) },
    ],
    sections: [
      {
        title: '💸 Overdue invoices',
        empty: 'No overdue invoices.',
        rows: overdue.slice(0, 8).map((r) => ({
          title: `${r.name} · ${r.external_id}`,
          value: `${money(Number(r.amount), r.currency)} · ${r.days} days overdue`,
        })),
      },
      {
        title: '⚠️ ARR at risk',
        empty: 'No customer at high churn risk.',
        rows: atRisk.slice(0, 8).map((r) => ({
          title: r.name,
          value: `${r.arr !== null ? money(Number(r.arr), arrCurrency) : 'ARR unknown'} · churn risk ${r.churn_risk ?? '–'}/100`,
        })),
      },
      {
        title: '🚀 Expansion opportunities',
        empty: 'None open.',
        rows: expansion.slice(0, 8).map((r) => ({
          title: r.name,
          value: `${Math.round(Number(r.facts.percent))}% of ${String(r.facts.metric ?? 'usage')}${r.arr !== null ? ` · ARR ${money(Number(r.arr), arrCurrency)}` : ''}`,
        })),
      },
      {
        title: '🎫 Riskiest tickets (24 h)',
        empty: 'No risky tickets.',
        rows: tickets.map((r) => ({
          title: `${r.customer ?? 'Unmatched'} · ${String(r.subject).slice(0, 80)}`,
          value: `${r.sentiment_label} (${r.sentiment_score}/100) · ${CATEGORY_NAMES[r.category_primary as Category] ?? r.category_primary}`,
        })),
      },
      {
        title: '📣 Alerts escalated to the CFO',
        empty: 'None.',
        rows: escalated.map((r) => ({
          title: r.name,
          value: `${typeLabel[r.type] ?? r.type} · ${r.status}`,
        })),
      },
    ],
  };
}

/** Sends today's brief for every workspace whose brief time has passed (once per local day). */
export async function runBriefTick(pool: pg.Pool, engine: EngineDeps): Promise<number> {
  const now = engine.clock.now();
  let sent = 0;
  const workspaces = (await selectWorkspacesIdSettingsTimezone(pool)).rows;
  for (const ws of workspaces) {
    const settings = effectiveSettings(ws.settings, ws.timezone);
    const { due, day } = briefDue(now, settings.timezone, settings.briefTime, ws.created_at);
    if (!due) continue;
    const cfos = (await selectPeopleIdByWorkspaceIdRole(pool, [ws.id])).rows;
    if (cfos.length === 0) continue;
    const view = await buildBrief(pool, ws.id, now, settings.timezone);
    const card = renderBriefCard(view);
    const text = briefText(view);
    sent += await inTransaction(engine, async (tx, after) => {
      // processed_events makes the brief once per workspace and local day, across processes.
      if (!(await tx.rememberEvent('brief', `${ws.id}:${day}`, ws.id))) return 0;
      let n = 0;
      for (const { id } of cfos) {
        const person = await tx.person(ws.id, id);
        if (!person) continue;
        const channel = channelFor(person, engine.enabledChannels);
        await tx.enqueueDelivery(ws.id, channel, { kind: 'card', personId: person.id, card, text });
        after.kick(channel);
        n++;
      }
      return n;
    });
  }
  return sent;
}

/** The brief on demand (`brief` in chat): the same figures as text. */
export async function briefOnDemand(pool: pg.Pool, engine: EngineDeps, workspaceId: string): Promise<string> {
  const ws = (await selectWorkspacesSettingsTimezoneById(pool, [workspaceId])).rows[0];
  const settings = effectiveSettings(ws?.settings, ws?.timezone);
  return briefText(await buildBrief(pool, workspaceId, engine.clock.now(), settings.timezone));
}

/** Defines the recurring brief check (worker roles only); returns it for FeatureRuntime.every. */
export function defineBriefJobs(ctx: FeatureContext): { interval: string; job: string }[] {
  ctx.jobs.define(BRIEF_TICK_JOB, async () => {
    const n = await runBriefTick(ctx.database.pool, ctx.engine);
    if (n) ctx.log.info({ briefs: n }, 'CFO morning briefs queued');
  });
  return [{ interval: '1 minute', job: BRIEF_TICK_JOB }];
}
