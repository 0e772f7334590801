import { inTransaction, type EngineDeps } from './context.js';
import { onInvoice, onUsageReading } from './rules.js';
import type { RaiseResult } from './alerts.js';

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

/** Stores usage readings and evaluates each against the customer's tier threshold. */
export async function ingestUsage(
  deps: EngineDeps,
  workspaceId: string,
  readings: UsageInput[],
): Promise<UsageOutcome[]> {
  return inTransaction(deps, async (tx, after) => {
    const out: UsageOutcome[] = [];
    const cache = new Map<string, Awaited<ReturnType<typeof tx.customerByExternalId>>>();
    for (const [i, r] of readings.entries()) {
      let customer = cache.get(r.customerExternalId);
      if (customer === undefined) {
        customer = await tx.customerByExternalId(workspaceId, r.customerExternalId);
        cache.set(r.customerExternalId, customer);
      }
      if (!customer) {
        throw new InputError(
          `Unknown customer "${r.customerExternalId}": create it with POST /api/v1/customers first.`,
          {
            [readings.length > 1 ? `${i}.customerExternalId` : 'customerExternalId']:
              'no customer with this externalId',
          },
          404,
        );
      }
      const reading = {
        used: r.used,
        limit: r.limit,
        metric: r.metric ?? 'usage',
        at: r.at ?? deps.clock.now(),
      };
      await tx.insertUsageReading(workspaceId, customer.id, reading);
      const result = await onUsageReading(deps, tx, after, customer, reading);
      out.push(result ? result.outcome : 'below_threshold');
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
    const merged = {
      ...state,
      lastCustomerResponseAt: state.lastCustomerResponseAt ?? previous?.lastCustomerResponseAt ?? null,
    };
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
