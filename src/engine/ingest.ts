import { inTransaction, type EngineDeps } from './context.js';
import { onInvoice, onUsageReading, usageTrigger } from './rules.js';
import { effectiveSettings } from './settings.js';
import type { RaiseResult, Trigger } from './alerts.js';
import { raiseAlertsBatch } from './raise-batch.js';
import { wakeWaitingInTx } from './snooze.js';
import { feedDataArrived } from './feeds.js';

/** Input validation failures the API reports field by field. */
export class InputError extends Error {
  constructor(
    message: string,
    public readonly details: Record<string, string> = {},
    public readonly status: 400 | 404 | 409 = 400,
  ) {
    super(message);
    this.name = 'InputError';
  }
}

export interface UsageInput {
  customerExternalId: string;
  used: number;
  limit: number;
  metric?: string;
  at?: Date;
}

export type UsageOutcome = RaiseResult['outcome'] | 'below_threshold';

/**
 * Stores usage readings and evaluates each against the customer's tier threshold. A batch is
 * all-or-nothing: one unknown customer rejects it with nothing stored. Readings are stored in
 * one statement and only those over their threshold go through the alert pipeline.
 */
export async function ingestUsage(
  deps: EngineDeps,
  workspaceId: string,
  readings: UsageInput[],
): Promise<UsageOutcome[]> {
  return inTransaction(deps, async (tx, after) => {
    const ids = [...new Set(readings.map((r) => r.customerExternalId))];
    const customers = new Map(
      (await tx.customersByExternalIds(workspaceId, ids)).map((c) => [c.externalId, c]),
    );
    const missing = readings.findIndex((r) => !customers.has(r.customerExternalId));
    if (missing >= 0) {
      const ext = readings[missing]!.customerExternalId;
      throw new InputError(
        `Unknown customer "${ext}": create it with POST /api/v1/customers first.`,
        {
          [readings.length > 1 ? `${missing}.customerExternalId` : 'customerExternalId']:
            'no customer with this externalId',
        },
        404,
      );
    }
    const ws = await tx.workspaceSettings(workspaceId);
    const settings = effectiveSettings(ws?.settings, ws?.timezone);
    const now = deps.clock.now();
    const rows = readings.map((r) => ({
      customer: customers.get(r.customerExternalId)!,
      reading: { used: r.used, limit: r.limit, metric: r.metric ?? 'usage', at: r.at ?? now },
    }));
    await tx.insertUsageReadings(
      workspaceId,
      rows.map(({ customer, reading }) => ({ customerId: customer.id, ...reading })),
    );
    // Issue 21 item 3: a watched usage feed is alive again (resolves its feed_stale, if open).
    await feedDataArrived(deps, tx, after, workspaceId, 'usage', settings);
    // Over-threshold readings: the first per customer goes through the set-based path (one set of
    // statements for the whole batch); a second reading of the same customer in the batch is an
    // update of the alert the first one raised, applied after it, in order.
    const out: UsageOutcome[] = rows.map(() => 'below_threshold');
    const first: { i: number; t: Trigger }[] = [];
    const later: number[] = [];
    const seen = new Set<string>();
    rows.forEach(({ customer, reading }, i) => {
      const t = usageTrigger(settings, customer, reading);
      if (!t) return;
      if (seen.has(customer.id)) later.push(i);
      else {
        seen.add(customer.id);
        first.push({ i, t });
      }
    });
    const results = await raiseAlertsBatch(
      deps,
      tx,
      after,
      workspaceId,
      settings,
      first.map((f) => f.t),
    );
    first.forEach((f, k) => (out[f.i] = results[k]!.outcome));
    for (const i of later) {
      const { customer, reading } = rows[i]!;
      const result = await onUsageReading(deps, tx, after, customer, reading, settings);
      out[i] = result ? result.outcome : 'below_threshold';
    }
    return out;
  });
}

export interface InvoiceInput {
  customerExternalId: string;
  externalId: string;
  amount: number;
  currency: string;
  dueDate: string;
  status: 'open' | 'paid' | 'void';
  lastCustomerResponseAt?: Date | null;
}

/** Stores an invoice and evaluates the collections rule (alert, response, or auto-resolve on payment). */
export async function ingestInvoice(
  deps: EngineDeps,
  workspaceId: string,
  inv: InvoiceInput,
): Promise<string> {
  return inTransaction(deps, async (tx, after) => {
    const customer = await tx.customerByExternalId(workspaceId, inv.customerExternalId);
    if (!customer) {
      throw new InputError(
        `Unknown customer "${inv.customerExternalId}": create it with POST /api/v1/customers first.`,
        { customerExternalId: 'no customer with this externalId' },
        404,
      );
    }
    const state = { ...inv, lastCustomerResponseAt: inv.lastCustomerResponseAt ?? null };
    const previous = await tx.upsertInvoice(workspaceId, customer.id, state, deps.clock.now());
    await feedDataArrived(deps, tx, after, workspaceId, 'invoices'); // issue 21 item 3
    const merged = {
      ...state,
      lastCustomerResponseAt: state.lastCustomerResponseAt ?? previous?.lastCustomerResponseAt ?? null,
    };
    // A dunning response from the customer wakes its alerts snoozed until the customer replies.
    const responded = merged.lastCustomerResponseAt?.getTime();
    if (responded && responded !== previous?.lastCustomerResponseAt?.getTime())
      await wakeWaitingInTx(
        deps,
        tx,
        after,
        workspaceId,
        customer.id,
        'customer_reply',
        `${customer.name} responded about invoice ${inv.externalId}`,
      );
    const r = await onInvoice(deps, tx, after, customer, merged, previous);
    return r.outcome;
  });
}

/** Re-evaluates every open invoice (an invoice becomes overdue with no event arriving). */
export async function scanCollections(deps: EngineDeps, workspaceId: string): Promise<number> {
  return inTransaction(deps, async (tx, after) => {
    let raised = 0;
    for (const inv of await tx.openInvoices(workspaceId)) {
      const customer = await tx.customer(workspaceId, inv.customerId);
      if (!customer) continue;
      const r = await onInvoice(
        deps,
        tx,
        after,
        customer,
        { ...inv, status: 'open' },
        { status: 'open', lastCustomerResponseAt: inv.lastCustomerResponseAt },
      );
      if (r.outcome === 'created') raised++;
    }
    return raised;
  });
}
