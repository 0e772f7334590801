import type { AfterCommit, EngineDeps } from './context.js';
import { raiseAlertInTx, type RaiseResult } from './alerts.js';
import type { EngineTx } from './ports.js';
import type { WorkspaceSettings } from './settings.js';
import type { Customer } from './types.js';
import { CATEGORY_NAMES, type Analysis, type Category } from './analysis/types.js';

/**
 * The ticket's own words that decided its sentiment and category (the analysis' explanation),
 * de-duplicated, at most `max`: the card's "why: 'third time this month', 'escalate to your CEO'".
 */
export function whyPhrases(analysis: Analysis, max = 5): string[] {
  const out: string[] = [];
  for (const p of [...(analysis.explanation?.sentiment ?? []), ...(analysis.explanation?.category ?? [])])
    if (out.length < max && !out.some((o) => o.includes(p) || p.includes(o))) out.push(p);
  return out;
}

/** Why a ticket's analysis raises a support-risk alert (empty: it does not). */
export function supportRiskReasons(analysis: Analysis, settings: WorkspaceSettings): string[] {
  const reasons: string[] = [];
  if (settings.supportRisk.sentiments.includes(analysis.sentiment.label))
    reasons.push(`${analysis.sentiment.label} sentiment (${analysis.sentiment.score}/100)`);
  if (settings.supportRisk.categories.includes(analysis.category.primary))
    reasons.push(CATEGORY_NAMES[analysis.category.primary].toLowerCase());
  return reasons;
}

export interface RiskyTicket {
  id: string;
  externalId: string;
  subject: string;
  body: string;
  url: string | null;
}

const excerpt = (s: string, n = 280) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > n ? t.slice(0, n - 1) + '…' : t;
};

/**
 * Raises (or updates) the customer's support-risk alert for a risky ticket: one open alert per
 * customer, so further risky tickets update its card (counted: "2 more risky tickets, latest …");
 * cooldown and escalation are the alert pipeline's. Returns null when the ticket is not risky under the workspace's settings.
 */
export async function onTicketAnalysis(
  deps: EngineDeps,
  tx: EngineTx,
  after: AfterCommit,
  settings: WorkspaceSettings,
  customer: Customer,
  ticket: RiskyTicket,
  analysis: Analysis,
  churn: { score: number; factors: { name: string; points: number; detail: string }[] } | null,
): Promise<RaiseResult | null> {
  const reasons = supportRiskReasons(analysis, settings);
  if (reasons.length === 0) return null;
  const category: Category = analysis.category.primary;
  const dedupKey = `support_risk:${customer.id}`;
  const matched = analysis.flags.flatMap((f) => f.matches.map((m) => `${m} (${f.name.replace(/_/g, ' ')})`));
  return raiseAlertInTx(deps, tx, after, {
    workspaceId: customer.workspaceId,
    customer,
    type: 'support_risk',
    dedupKey,
    facts: {
      ticketId: ticket.id,
      ticketExternalId: ticket.externalId,
      ticketSubject: excerpt(ticket.subject, 120),
      ticketExcerpt: excerpt(ticket.body),
      ticketUrl: ticket.url,
      sentiment: analysis.sentiment.label,
      sentimentScore: analysis.sentiment.score,
      category,
      categoryName: CATEGORY_NAMES[category],
      categoryConfidence: analysis.category.confidence,
      matchedPhrases: matched,
      why: whyPhrases(analysis),
      reasons,
      churnRisk: churn?.score ?? null,
      churnFactors: churn?.factors.filter((f) => f.points > 0).map((f) => `${f.detail} (+${f.points})`) ?? [],
      playbook: settings.playbooks[category] ?? [],
    },
    absorbedAs: `“${excerpt(ticket.subject, 80)}” (${reasons.join(', ')})`,
    cause: `ticket ${ticket.externalId}: ${reasons.join(', ')}`,
  });
}
