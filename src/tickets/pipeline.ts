import type pg from 'pg';
import {
  upsertTickets,
  type NormalizedTicket,
  type TicketSource,
  type UpsertResult,
} from '../store/tickets.js';

export type { NormalizedTicket, TicketSource, UpsertResult };

/** Called with the ids of tickets that are new or changed (analysis, support-risk alerts…). */
export type TicketsChangedHook = (workspaceId: string, ticketIds: string[]) => Promise<void>;

/**
 * The one way tickets enter the product, whatever their source (connector poll, ticket webhook,
 * CSV import): stored idempotently, then handed to every subscriber (the support-intelligence
 * step subscribes at start-up). A failing subscriber is logged and does not undo the store:
 * the tickets stay, and `fincelo analyze --rescore` can catch up.
 */
export interface TicketPipeline {
  ingest(workspaceId: string, source: TicketSource, tickets: NormalizedTicket[]): Promise<UpsertResult>;
  onChanged(hook: TicketsChangedHook): void;
}

export function createTicketPipeline(deps: {
  pool: pg.Pool;
  log?: { error(o: object, m?: string): void };
}): TicketPipeline {
  const hooks: TicketsChangedHook[] = [];
  return {
    onChanged(hook) {
      hooks.push(hook);
    },
    async ingest(workspaceId, source, tickets) {
      const result = await upsertTickets(deps.pool, workspaceId, source, tickets);
      const changed = [...result.inserted, ...result.updated];
      if (changed.length) {
        for (const hook of hooks) {
          try {
            await hook(workspaceId, changed);
          } catch (err) {
            deps.log?.error({ err, workspaceId, tickets: changed.length }, 'ticket subscriber failed');
          }
        }
      }
      return result;
    },
  };
}
