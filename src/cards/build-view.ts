import { ALL_ACTIONS, stepLabel, type Alert, type Customer, type Person } from '../engine/types.js';
import { CALL_OUTCOMES, formatWhen, money, suppressedLine } from '../engine/index.js';
import { feedStaleFacts, FEED_STALE_HEADLINE } from '../engine/feeds-view.js';
import type { AlertView } from './alert-view.js';

const TIER_LABELS = {
  platinum: 'Platinum',
  good: 'Good',
  average: 'Average',
  poor: 'Poor',
  critical: 'Critical',
} as const;
const STATUS_LABELS = {
  open: '🔴 Open',
  acknowledged: '🟡 Acknowledged',
  snoozed: '😴 Snoozed',
  resolved: '✅ Resolved',
} as const;

export interface AlertViewInput {
  alert: Alert;
  /** Null for a workspace-level alert (feed_stale: a data feed went silent). */
  customer: Customer | null;
  assignee: Person | null;
  /** The assignee's manager, who Decline hands the alert back to (no Decline without one). */
  manager?: Person | null;
  /** People holding each role (for "next escalation: CSM Manager (Dana)"). */
  nextHolders: Person[];
  csms: Person[];
  /** Timezone to print times in (the viewer's, else the workspace's). */
  timezone: string;
  intro?: string | null;
  resolvedBy?: string | null;
  publicUrl?: string | null;
  /** The workspace's snooze length (settings `snooze`, e.g. "24h", "1m"): the Snooze button says it. */
  snooze?: string;
  /** Triggers the alert absorbed since its card was sent (engine/suppression.ts). */
  suppressed?: { count: number; latest: string | null };
}

function headline(alert: Alert): string {
  if (alert.type === 'usage_threshold') return String(alert.facts.framing ?? '📈 Usage threshold');
  if (alert.type === 'collections') return '💸 Collections: invoice overdue';
  if (alert.type === 'feed_stale') return FEED_STALE_HEADLINE;
  return '🔥 Support Risk';
}

function facts(alert: Alert, timezone: string): { title: string; value: string }[] {
  const f = alert.facts;
  if (alert.type === 'feed_stale') return feedStaleFacts(f, timezone); // issue 21 item 3
  if (alert.type === 'usage_threshold') {
    return [
      {
        title: 'Usage',
        value: `${Math.round(Number(f.percent))}% of ${String(f.metric ?? 'usage')} (${f.used} / ${f.limit})`,
      },
      { title: 'Threshold', value: `${f.threshold}%` },
    ];
  }
  if (alert.type === 'collections') {
    const invoices =
      (f.invoices as
        { externalId: string; amount: number; currency: string; daysOverdue: number }[] | undefined) ?? [];
    return [
      { title: 'Overdue', value: money(Number(f.totalOverdue ?? 0), String(f.currency ?? 'USD')) },
      { title: 'Days overdue', value: String(f.maxDaysOverdue ?? 0) },
      ...invoices.slice(0, 5).map((i) => ({
        title: `Invoice ${i.externalId}`,
        value: `${money(i.amount, i.currency)} · ${i.daysOverdue} days`,
      })),
    ];
  }
  // Support risk (facts written by engine/support-risk.ts).
  const out: { title: string; value: string }[] = [];
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  if (f.ticketSubject) out.push({ title: 'Ticket', value: String(f.ticketSubject) });
  if (f.ticketExcerpt) out.push({ title: 'Excerpt', value: String(f.ticketExcerpt) });
  if (f.sentiment)
    out.push({
      title: 'Sentiment',
      value: `${String(f.sentiment)} (${String(f.sentimentScore ?? '?')}/100)`,
    });
  if (f.categoryName)
    out.push({
      title: 'Category',
      value: `${String(f.categoryName)} (confidence ${Number(f.categoryConfidence ?? 0).toFixed(2)})`,
    });
  if (list(f.why).length)
    out.push({
      title: 'Why',
      value: list(f.why)
        .map((p) => `'${p}'`)
        .join(', '),
    });
  if (list(f.matchedPhrases).length)
    out.push({ title: 'Matched phrases', value: list(f.matchedPhrases).join(', ') });
  if (f.churnRisk !== null && f.churnRisk !== undefined)
    out.push({
      title: 'Churn risk',
      value: `${String(f.churnRisk)}/100${list(f.churnFactors).length ? ` — ${list(f.churnFactors).join('; ')}` : ''}`,
    });
  if (list(f.playbook).length)
    out.push({
      title: 'Playbook',
      value: list(f.playbook)
        .map((s, i) => `${i + 1}. ${s}`)
        .join(' '),
    });
  return out;
}

/** What a snoozed alert waits for, as the card says it (issue 21 item 1). */
const WAITING_LABELS = {
  time: '',
  next_business_morning: 'until the next business morning',
  customer_reply: 'until the customer replies',
  paid: 'until paid',
} as const;

/**
 * The actions a card offers in the alert's state: what the engine would refuse is not offered (an
 * acknowledged or snoozed alert has no Acknowledge, a snoozed one no Snooze), Escalate now needs a
 * next step in the chain, Decline a manager to hand back to; a resolved alert offers nothing.
 */
function offeredActions(a: Alert, hasNextStep: boolean, hasManager: boolean): AlertView['actions'] {
  if (a.status === 'resolved') return [];
  return ALL_ACTIONS.filter((x) => {
    if (x === 'acknowledge') return a.status !== 'acknowledged' && a.status !== 'snoozed';
    if (x === 'snooze') return a.status !== 'snoozed';
    if (x === 'escalate_now') return hasNextStep;
    if (x === 'decline') return hasManager;
    return true;
  });
}

/** Snooze's choices (engine/snooze.ts `until`); "until paid" only where payment can end it. */
function snoozeChoices(a: Alert, snooze: string): { value: string; title: string }[] {
  return [
    { value: 'duration', title: `For ${snooze}` },
    // Titles within WhatsApp's 24-character list rows (CHAT.md §4).
    { value: 'next_business_morning', title: 'Next business morning' },
    { value: 'customer_reply', title: 'Until customer replies' },
    ...(a.type === 'collections' ? [{ value: 'paid', title: 'Until paid' }] : []),
  ];
}

/** Turns an alert and its people into the words and numbers on its card. */
export function buildAlertView(i: AlertViewInput): AlertView {
  const a = i.alert;
  const final = a.status === 'resolved';
  const nextStep = a.escalation[a.step + 1];
  const waiting = a.status === 'snoozed' ? WAITING_LABELS[a.waitingFor ?? 'time'] : '';
  const nextEscalation =
    !final && waiting && !a.nextActionAt
      ? `paused ${waiting}`
      : final || !nextStep || !a.nextActionAt
        ? '—'
        : a.status === 'open'
          ? `${stepLabel(nextStep)}${i.nextHolders.length ? ` (${i.nextHolders.map((p) => p.name).join(', ')})` : ''} at ${formatWhen(a.nextActionAt, i.timezone)}`
          : `paused until ${formatWhen(a.nextActionAt, i.timezone)}`;
  const current = a.escalation[Math.max(0, a.step)];
  return {
    alertId: a.id,
    version: a.version,
    type: a.type,
    headline: headline(a),
    // A workspace-level alert (feed_stale) has no customer: the card says whose it is instead.
    customerName: i.customer?.name ?? 'Whole workspace',
    tier: i.customer?.tier ?? 'good',
    tierLabel: i.customer ? TIER_LABELS[i.customer.tier] : 'n/a (data feed)',
    facts: facts(a, i.timezone),
    status: a.status,
    statusLabel: waiting ? `${STATUS_LABELS[a.status]} ${waiting}` : STATUS_LABELS[a.status],
    assigneeName: i.assignee?.name ?? 'Unassigned',
    nextEscalation,
    escalationLabel: current
      ? `Step ${Math.max(0, a.step) + 1} of ${a.escalation.length} — ${stepLabel(current)}`
      : '—',
    actions: offeredActions(a, Boolean(nextStep), Boolean(i.manager)),
    csmChoices: i.csms.filter((p) => p.id !== a.assigneeId).map((p) => ({ id: p.id, name: p.name })),
    callOutcomes: CALL_OUTCOMES.map((v) => ({
      value: v,
      title: v.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    })),
    snoozeLabel: `Snooze ${i.snooze ?? '24h'}`,
    snoozeChoices: snoozeChoices(a, i.snooze ?? '24h'),
    step: a.step,
    nextStepLabel: nextStep
      ? `${stepLabel(nextStep)}${i.nextHolders.length ? ` (${i.nextHolders.map((p) => p.name).join(', ')})` : ''}`
      : '',
    managerName: i.manager?.name ?? '',
    suppressedNote: suppressedLine(a.type, i.suppressed?.count ?? 0, i.suppressed?.latest ?? null),
    final,
    finalNote: final
      ? `Resolved${i.resolvedBy ? ` by ${i.resolvedBy}` : ''}${a.resolvedAt ? ` at ${formatWhen(a.resolvedAt, i.timezone)}` : ''}.`
      : null,
    intro: i.intro ?? null,
    url: i.publicUrl ? `${i.publicUrl.replace(/\/$/, '')}/playground/#alert=${a.id}` : null,
  };
}

/** Plain text for notifications and clients that cannot show cards. */
export function alertText(v: AlertView): string {
  const lines = [
    v.intro,
    `${v.headline} — ${v.customerName} (${v.tierLabel})`,
    ...v.facts.map((f) => `${f.title}: ${f.value}`),
    v.suppressedNote,
    `Status: ${v.statusLabel} · Assignee: ${v.assigneeName}`,
  ];
  return lines.filter(Boolean).join('\n');
}
