import type pg from 'pg';
import type { AppFeature, FeatureContext } from '../features.js';
import {
  effectiveSettings,
  inTransaction,
  wakeOnCustomerReply,
  type Clock,
  type EngineDeps,
  type WorkspaceSettings,
} from '../engine/index.js';
import { onTicketAnalysis, supportRiskReasons } from '../engine/support-risk.js';
import { churnBand, computeChurnRisk, type ChurnFactor } from '../engine/churn.js';
import { createLocalAnalyzer, type LocalAnalyzer } from '../engine/analysis/local.js';
import { threadedAnalyzer } from '../tickets/analysis-threads.js';
import { CATEGORY_NAMES, type Analysis, type Analyzer, type Category } from '../engine/analysis/types.js';
import { createAnalyzerFromEnv } from './llm-analyzer.js';
import { defineBriefJobs } from '../brief/brief.js';
import { defineDigestJobs } from '../brief/digests.js';
import {
  selectCustomersChurnRiskChurnFactorsByWorkspaceIdId,
  selectCustomersWorkspaceIdId,
  selectInvoicesAmount3DateDueDateByWorkspaceIdCustomerId,
  selectTicketAnalysesACategoryPrimaryCountByWorkspaceIdCustom,
  selectTicketAnalysesASentimentLabelACategoryPrimaryByWorkspa,
  selectTicketsByWorkspaceIdId,
  selectUsageReadingsUsedLimitByWorkspaceIdCustomerId,
  selectWorkspacesSettingsTimezoneById,
  updateCustomersByWorkspaceIdId,
  upsertTicketAnalyses,
  type TicketRow,
} from '../store/intelligence.js';

/**
 * Support intelligence: every new or changed ticket is scored, the analysis is stored with the
 * analyzer's name and version, the customer's churn risk is recomputed, and a risky ticket raises
 * the customer's support-risk alert through the engine.
 */
export interface Intelligence {
  analyzer: Analyzer;
  /**
   * Scores tickets (by id, within the workspace) and applies the consequences: churn risk, and
   * support-risk alerts unless `alerts` is false (re-scoring old tickets must not page anyone).
   */
  processTickets(
    workspaceId: string,
    ticketIds: string[],
    opts?: { alerts?: boolean },
  ): Promise<{ analysed: number; alerts: number }>;
  /** Recomputes and stores one customer's churn risk. */
  recomputeChurn(workspaceId: string, customerId: string): Promise<{ score: number; factors: ChurnFactor[] }>;
}

const LOOKBACK_DAYS = 30;
/** Tickets last changed longer ago than this are scored and stored but raise no alert. */
export const SUPPORT_RISK_FRESH_MS = 3 * 86_400_000;
export const CHURN_REFRESH_JOB = 'intelligence:churn-refresh';

export function createIntelligence(deps: {
  pool: pg.Pool;
  /** The engine raises alerts; `clock` alone is enough when only re-scoring. */
  engine: EngineDeps | { clock: Clock };
  analyzer?: Analyzer;
  log?: { error(o: object, m?: string): void; warn(o: object, m?: string): void };
}): Intelligence {
  const { pool, engine } = deps;
  const analyzer = deps.analyzer ?? createLocalAnalyzer();

  /** Stores many analyses in one statement (an import hands over hundreds of tickets at once). */
  async function storeAll(
    workspaceId: string,
    items: { ticketId: string; analysis: Analysis; by: { name: string; version: string } }[],
  ) {
    if (items.length === 0) return;
    await upsertTicketAnalyses(pool, [
      workspaceId,
      JSON.stringify(
        items.map(({ ticketId, analysis: a, by }) => ({
          ticket_id: ticketId,
          analyzer: by.name,
          analyzer_version: by.version,
          sentiment_label: a.sentiment.label,
          sentiment_score: a.sentiment.score,
          category_primary: a.category.primary,
          category_confidence: a.category.confidence,
          categories: a.category.secondary,
          flags: a.flags,
          explanation: a.explanation ?? null,
        })),
      ),
      engine.clock.now(),
    ]);
  }

  async function recomputeChurn(workspaceId: string, customerId: string) {
    const now = engine.clock.now();
    const since = new Date(now.getTime() - LOOKBACK_DAYS * 86_400_000);
    const tickets = (
      await selectTicketAnalysesASentimentLabelACategoryPrimaryByWorkspa(pool, [
        workspaceId,
        customerId,
        since,
      ])
    ).rows.map((r) => ({ sentiment: r.sentiment_label, category: r.category_primary }));
    const usage = (
      await selectUsageReadingsUsedLimitByWorkspaceIdCustomerId(pool, [workspaceId, customerId, since])
    ).rows.map((r) => (Number(r.used) / Number(r.limit)) * 100);
    const today = now.toISOString().slice(0, 10);
    const overdue = (
      await selectInvoicesAmount3DateDueDateByWorkspaceIdCustomerId(pool, [workspaceId, customerId, today])
    ).rows.map((r) => ({ amount: Number(r.amount), days: Number(r.days) }));
    const result = computeChurnRisk({ tickets, usage, overdue });
    await updateCustomersByWorkspaceIdId(pool, [
      workspaceId,
      customerId,
      result.score,
      JSON.stringify(result.factors),
      now,
    ]);
    return result;
  }

  async function analyse(
    t: TicketRow,
  ): Promise<{ analysis: Analysis; by: { name: string; version: string } }> {
    const out = await analyzer.analyze({ id: t.id, subject: t.subject, body: t.body });
    // An LLM analyzer reports when it fell back to the local one (recorded as the analyzer).
    const by = (out as Analysis & { analyzedBy?: { name: string; version: string } }).analyzedBy ?? analyzer;
    return { analysis: out, by: { name: by.name, version: by.version } };
  }

  return {
    analyzer,
    recomputeChurn,
    async processTickets(workspaceId, ticketIds, opts = {}) {
      const alertsOn = opts.alerts !== false && 'store' in engine;
      if (ticketIds.length === 0) return { analysed: 0, alerts: 0 };
      const rows = (await selectTicketsByWorkspaceIdId(pool, [workspaceId, ticketIds])).rows;
      // Analyse all first (an LLM analyzer runs them with its bounded concurrency), then one churn
      // recomputation per customer, then the alert pipeline only for tickets that are risky.
      const analysed = await Promise.all(rows.map(async (t) => ({ t, ...(await analyse(t)) })));
      await storeAll(
        workspaceId,
        analysed.map(({ t, analysis, by }) => ({ ticketId: t.id, analysis, by })),
      );
      const churned = new Map<string, Awaited<ReturnType<typeof recomputeChurn>>>();
      for (const id of new Set(rows.map((t) => t.customer_id).filter((c): c is string => !!c)))
        churned.set(id, await recomputeChurn(workspaceId, id));
      if (!alertsOn) return { analysed: rows.length, alerts: 0 };
      const deps = engine as EngineDeps;
      const ws = (await selectWorkspacesSettingsTimezoneById(pool, [workspaceId])).rows[0];
      const settings = effectiveSettings(ws?.settings, ws?.timezone);
      // Only fresh tickets page anyone: a backfill or a CSV of last year's tickets feeds churn risk
      // and the brief, not a flood of alerts. Within one batch, one alert call per customer, for
      // its most negative risky ticket (the others are on record and in churn risk).
      const freshAfter = engine.clock.now().getTime() - SUPPORT_RISK_FRESH_MS;
      const worst = new Map<string, (typeof analysed)[number]>();
      for (const item of analysed) {
        const { t, analysis } = item;
        if (!t.customer_id || supportRiskReasons(analysis, settings).length === 0) continue;
        const at = t.updated_at ?? t.created_at;
        if (at && at.getTime() < freshAfter) continue;
        const prev = worst.get(t.customer_id);
        if (!prev || analysis.sentiment.score < prev.analysis.sentiment.score) worst.set(t.customer_id, item);
      }
      // A fresh ticket from a customer is its reply: it wakes the customer's alerts snoozed until the
      // customer replies (issue 21), before the ticket's own risk is weighed.
      const replied = new Map<string, string>();
      for (const { t } of analysed) {
        const at = t.updated_at ?? t.created_at;
        if (t.customer_id && !(at && at.getTime() < freshAfter)) replied.set(t.customer_id, t.external_id);
      }
      for (const [customerId, ticket] of replied)
        await wakeOnCustomerReply(deps, workspaceId, customerId, `The customer replied (ticket ${ticket})`);
      let alerts = 0;
      for (const { t, analysis } of worst.values()) {
        const raised = await inTransaction(deps, async (tx, after) => {
          const customer = await tx.customer(workspaceId, t.customer_id!);
          if (!customer) return null;
          return onTicketAnalysis(
            deps,
            tx,
            after,
            settings,
            customer,
            { id: t.id, externalId: t.external_id, subject: t.subject, body: t.body, url: t.url },
            analysis,
            churned.get(t.customer_id!) ?? null,
          );
        });
        if (raised && raised.outcome === 'created') alerts++;
      }
      return { analysed: rows.length, alerts };
    },
  };
}

/** Lines for `customer <name>` in chat: churn risk with its factors, and the playbook. */
export async function customerIntelligenceLines(
  pool: pg.Pool,
  workspaceId: string,
  customerId: string,
): Promise<string[]> {
  const ws = (await selectWorkspacesSettingsTimezoneById(pool, [workspaceId])).rows[0];
  const settings = effectiveSettings(ws?.settings, ws?.timezone);
  const c = (await selectCustomersChurnRiskChurnFactorsByWorkspaceIdId(pool, [workspaceId, customerId]))
    .rows[0];
  const lines: string[] = [];
  if (c?.churn_risk !== null && c?.churn_risk !== undefined) {
    const factors = ((c.churn_factors ?? []) as ChurnFactor[]).filter((f) => f.points > 0);
    lines.push(
      `Churn risk: ${c.churn_risk}/100 (${churnBand(c.churn_risk)})` +
        (factors.length ? ` — ${factors.map((f) => `${f.detail} +${f.points}`).join('; ')}` : ''),
    );
  } else lines.push('Churn risk: not computed yet (no tickets analysed)');
  const top = (
    await selectTicketAnalysesACategoryPrimaryCountByWorkspaceIdCustom(pool, [workspaceId, customerId])
  ).rows[0] as { category_primary: Category; n: number } | undefined;
  if (top) {
    const steps = settings.playbooks[top.category_primary] ?? [];
    lines.push(
      `Playbook (${CATEGORY_NAMES[top.category_primary]}, ${top.n} ticket${top.n === 1 ? '' : 's'}): ` +
        (steps.length ? steps.map((s, i) => `${i + 1}. ${s}`).join(' ') : 'no steps set'),
    );
  }
  return lines;
}

/** The support-intelligence feature: subscribes to the ticket pipeline; defines the brief job. */
export const intelligenceFeature: AppFeature = {
  name: 'support-intelligence',
  async create(ctx: FeatureContext) {
    // The local analyzer scores large batches (a backfill's pages) on worker threads, off the
    // event loop that fetches and stores the next page (issue 18); an LLM analyzer waits on I/O.
    const chosen = await createAnalyzerFromEnv(ctx.config, ctx.log);
    const threads = ctx.config.FINCELO_LLM_PROVIDER
      ? null
      : threadedAnalyzer(chosen as LocalAnalyzer, { log: ctx.log });
    const analyzer = threads ?? chosen;
    const close = async () => threads?.close();
    const intel = createIntelligence({ pool: ctx.database.pool, engine: ctx.engine, analyzer, log: ctx.log });
    ctx.tickets.onChanged(async (workspaceId, ids) => {
      const r = await intel.processTickets(workspaceId, ids);
      ctx.log.info({ workspaceId, analysed: r.analysed, alerts: r.alerts }, 'tickets analysed');
    });
    if (!ctx.runsEngine) return { close };
    // Usage readings and invoices change churn risk too; they arrive through the engine's ingest,
    // which has no subscriber hook, so churn risk is refreshed for every customer hourly.
    ctx.jobs.define(CHURN_REFRESH_JOB, async () => {
      const rows = (await selectCustomersWorkspaceIdId(ctx.database.pool)).rows;
      for (const r of rows) await intel.recomputeChurn(r.workspace_id, r.id);
    });
    const every = [
      ...defineBriefJobs(ctx),
      ...defineDigestJobs(ctx),
      { interval: '1 hour', job: CHURN_REFRESH_JOB },
    ];
    return { every, close };
  },
};

/** The settings form's "support risk" field: two lines, `sentiments: …` and `categories: …`. */
export function supportRiskFormValue(s: WorkspaceSettings): string {
  return `sentiments: ${s.supportRisk.sentiments.join(', ')}\ncategories: ${s.supportRisk.categories.join(', ')}`;
}

/** Parses the form field back into a settings patch (mergeSettings reports bad values per field). */
export function parseSupportRiskForm(text: string): unknown {
  const out: Record<string, string[]> = {};
  for (const line of text.split(/\n+/)) {
    const m = /^\s*(sentiments|categories)\s*:\s*(.*)$/i.exec(line);
    if (!m) {
      if (line.trim()) return `unreadable line "${line.trim()}"`; // not an object → field error
      continue;
    }
    out[m[1]!.toLowerCase()] = m[2]!.split(/[\s,]+/).filter(Boolean);
  }
  return out;
}

/** The playbooks field: one line per category, `category: step | step`. */
export function playbooksFormValue(s: WorkspaceSettings): string {
  return Object.entries(s.playbooks)
    .map(([c, steps]) => `${c}: ${(steps ?? []).join(' | ')}`)
    .join('\n');
}

export function parsePlaybooksForm(text: string): unknown {
  const out: Record<string, string[]> = {};
  for (const line of text.split(/\n+/)) {
    if (!line.trim()) continue;
    const m = /^\s*([a-z_]+)\s*:\s*(.*)$/i.exec(line);
    if (!m) return `unreadable line "${line.trim()}"`;
    out[m[1]!.toLowerCase()] = m[2]!
      .split('|')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return out;
}
