import { autoResolveInTx } from './actions.js';
import { wakeSnoozed } from './snooze.js';
import { raiseAlertInTx, fanOut, fanOutUpdate, type RaiseResult, type Trigger } from './alerts.js';
import type { EngineDeps } from './context.js';
import type { EngineTx } from './ports.js';
import { effectiveSettings, type WorkspaceSettings } from './settings.js';
import type { Customer } from './types.js';

/** Usage threshold rule (DESIGN.md §5): percent = used / limit, compared with the tier's threshold. */
export function evaluateUsage(
  settings: WorkspaceSettings,
  customer: Pick<Customer, 'tier'>,
  reading: { used: number; limit: number },
): {
  percent: number;
  threshold: number;
  crossed: boolean;
  framing: WorkspaceSettings['framing'][keyof WorkspaceSettings['framing']];
} {
  const percent = reading.limit > 0 ? (reading.used / reading.limit) * 100 : 0;
  const threshold = settings.usageThresholds[customer.tier];
  return {
    percent: Math.round(percent * 10) / 10,
    threshold,
    crossed: reading.limit > 0 && percent >= threshold,
    framing: settings.framing[customer.tier],
  };
}

export interface UsageReading {
  used: number;
  limit: number;
  metric: string;
  at: Date;
}

/** Evaluates one usage reading for a customer (already stored) and raises/updates the alert. */
export async function onUsageReading(
  deps: EngineDeps,
  tx: EngineTx,
  after: Parameters<typeof raiseAlertInTx>[2],
  customer: Customer,
  reading: UsageReading,
  known?: WorkspaceSettings,
): Promise<RaiseResult | null> {
  let settings = known;
  if (!settings) {
    const ws = await tx.workspaceSettings(customer.workspaceId);
    settings = effectiveSettings(ws?.settings, ws?.timezone);
  }
  const t = usageTrigger(settings, customer, reading);
  return t ? raiseAlertInTx(deps, tx, after, t) : null;
}

export const usageDedupKey = (customer: Pick<Customer, 'id'>) => `usage_threshold:${customer.id}`;

/**
 * The alert trigger of a usage reading over its threshold (null when below). Absorbed by an open
 * alert or the cooldown, every such reading counts on the card ("3 more readings over threshold,
 * latest 97%").
 */
export function usageTrigger(
  settings: WorkspaceSettings,
  customer: Customer,
  reading: UsageReading,
): Trigger | null {
  const r = evaluateUsage(settings, customer, reading);
  if (!r.crossed) return null;
  return {
    workspaceId: customer.workspaceId,
    customer,
    type: 'usage_threshold',
    dedupKey: usageDedupKey(customer),
    facts: {
      percent: r.percent,
      used: reading.used,
      limit: reading.limit,
      metric: reading.metric,
      threshold: r.threshold,
      framing: `${r.framing.emoji} ${r.framing.label}`.trim(),
      readingAt: reading.at.toISOString(),
    },
    absorbedAs: fmtPct(r.percent),
    cause: `usage ${fmtPct(r.percent)} ≥ ${r.threshold}%`,
  };
}

const fmtPct = (p: number) => `${Math.round(p)}%`;

export interface InvoiceState {
  externalId: string;
  amount: number;
  currency: string;
  dueDate: string; // YYYY-MM-DD
  status: 'open' | 'paid' | 'void';
  lastCustomerResponseAt: Date | null;
}

/** Whole days an invoice is overdue at `now` (0 when not yet due). */
export function daysOverdue(dueDate: string, now: Date): number {
  const due = Date.parse(`${dueDate}T00:00:00Z`);
  return Math.max(0, Math.floor((now.getTime() - due) / 86_400_000));
}

/**
 * Collections rule: open, overdue ≥ N days, and no customer response since dunning began
 * (dunning is taken to begin on the due date).
 */
export function collectionsDue(
  settings: WorkspaceSettings,
  inv: InvoiceState,
  now: Date,
): { due: boolean; days: number; responded: boolean } {
  const days = daysOverdue(inv.dueDate, now);
  const dunningStart = Date.parse(`${inv.dueDate}T00:00:00Z`);
  const responded =
    inv.lastCustomerResponseAt !== null && inv.lastCustomerResponseAt.getTime() >= dunningStart;
  return {
    due: inv.status === 'open' && days >= settings.collectionsOverdueDays && !responded,
    days,
    responded,
  };
}

/**
 * Evaluates an invoice after it was stored: raise or update the customer's collections alert,
 * post a customer response into the thread, or resolve the alert when the invoice is paid.
 */
export async function onInvoice(
  deps: EngineDeps,
  tx: EngineTx,
  after: Parameters<typeof raiseAlertInTx>[2],
  customer: Customer,
  inv: InvoiceState,
  previous: { status: string; lastCustomerResponseAt: Date | null } | null,
): Promise<RaiseResult | { outcome: 'resolved' | 'response_posted' | 'none' }> {
  const now = deps.clock.now();
  const ws = await tx.workspaceSettings(customer.workspaceId);
  const settings = effectiveSettings(ws?.settings, ws?.timezone);
  const dedupKey = `collections:${customer.id}`;
  const open = await tx.openAlertForKey(customer.workspaceId, dedupKey);
  const tracked = (open?.facts.invoices as Record<string, unknown>[] | undefined) ?? [];
  const isTracked = tracked.some((i) => i.externalId === inv.externalId);

  if (open && isTracked && inv.status !== 'open') {
    const remaining = tracked.filter((i) => i.externalId !== inv.externalId);
    const verb = inv.status === 'paid' ? 'paid' : 'voided';
    if (remaining.length === 0) {
      await autoResolveInTx(
        deps,
        tx,
        after,
        open,
        `invoice ${inv.externalId} (${money(inv.amount, inv.currency)}) was ${verb}`,
      );
      return { outcome: 'resolved' };
    }
    const updated = await tx.updateAlert(
      open.id,
      open.version,
      { facts: { ...open.facts, invoices: remaining, ...totals(remaining) } },
      now,
    );
    if (updated) {
      await tx.addEvent(open.workspaceId, open.id, {
        at: now,
        kind: 'invoice_' + verb,
        channel: 'system',
        details: { invoice: inv.externalId },
      });
      await fanOutUpdate(
        deps,
        tx,
        after,
        updated,
        `💰 Invoice ${inv.externalId} (${money(inv.amount, inv.currency)}) was ${verb}; ${remaining.length} still overdue.`,
      );
    }
    return { outcome: 'none' };
  }

  const rule = collectionsDue(settings, inv, now);
  const newResponse =
    inv.lastCustomerResponseAt &&
    (!previous?.lastCustomerResponseAt ||
      previous.lastCustomerResponseAt.getTime() !== inv.lastCustomerResponseAt.getTime());
  if (open && isTracked && rule.responded && newResponse) {
    await tx.addEvent(open.workspaceId, open.id, {
      at: now,
      kind: 'customer_responded',
      channel: 'system',
      details: { invoice: inv.externalId, at: inv.lastCustomerResponseAt!.toISOString() },
    });
    await fanOut(deps, tx, after, open, {
      kind: 'reply_all',
      alertId: open.id,
      text: `✉️ ${customer.name} responded about invoice ${inv.externalId} (${inv.lastCustomerResponseAt!.toISOString().slice(0, 10)}).`,
    });
    return { outcome: 'response_posted' };
  }
  if (!rule.due) return { outcome: 'none' };

  const entry = {
    externalId: inv.externalId,
    amount: inv.amount,
    currency: inv.currency,
    dueDate: inv.dueDate,
    daysOverdue: rule.days,
  };
  const invoices = [...tracked.filter((i) => i.externalId !== inv.externalId), entry];
  const raised = await raiseAlertInTx(deps, tx, after, {
    workspaceId: customer.workspaceId,
    customer,
    type: 'collections',
    dedupKey,
    facts: { invoices, ...totals(invoices) },
    // A newly overdue invoice is news; a re-scan of one already on the card (or, in the cooldown
    // after its alert closed, of one already known) is not.
    absorbedAs:
      (open && !isTracked) || (!open && previous?.status !== 'open')
        ? `${inv.externalId} (${money(inv.amount, inv.currency)}, ${rule.days} days)`
        : null,
    cause: `invoice ${inv.externalId} ${rule.days} days overdue with no customer response`,
  });
  // Snoozed until paid (issue 21): another invoice falling due brings it back.
  if (raised.outcome === 'updated' && open?.status === 'snoozed' && open.waitingFor === 'paid' && !isTracked)
    await wakeSnoozed(
      deps,
      tx,
      after,
      raised.alert,
      `Invoice ${inv.externalId} of ${customer.name} fell due too`,
    );
  return raised;
}

function totals(invoices: Record<string, unknown>[]): Record<string, unknown> {
  const currency = (invoices[0]?.currency as string | undefined) ?? 'USD';
  return {
    totalOverdue: invoices.reduce((s, i) => s + Number(i.amount ?? 0), 0),
    currency,
    maxDaysOverdue: invoices.reduce((m, i) => Math.max(m, Number(i.daysOverdue ?? 0)), 0),
  };
}

export function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);
  } catch {
    return `${amount.toFixed(2)} ${currency}`;
  }
}
