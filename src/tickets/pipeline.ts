import type pg from 'pg';
import {
  ticketIdsByExternalId,
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
 *
 * `ingest` is `store` then `handOn`. A connector sync calls the two apart so that it can store
 * the next page while the subscribers work on this one (src/connectors/runtime/sync.ts).
 */
export interface TicketPipeline {
  ingest(workspaceId: string, source: TicketSource, tickets: NormalizedTicket[]): Promise<UpsertResult>;
  /**
   * Stores a batch (one multi-row upsert per 1,000 tickets). `redelivered`: the batch may hold
   * tickets an interrupted run stored without handing them on (a resumed sync's first pages), so
   * the unchanged ones are handed on too (`handOn` then gets their ids as well).
   */
  store(
    workspaceId: string,
    source: TicketSource,
    tickets: NormalizedTicket[],
    opts?: { redelivered?: boolean },
  ): Promise<StoredBatch>;
  /** Hands a stored batch's changed tickets to every subscriber, one after the other. */
  handOn(workspaceId: string, batch: StoredBatch): Promise<void>;
  onChanged(hook: TicketsChangedHook): void;
}

export interface StoredBatch extends UpsertResult {
  /** The ids the subscribers get: inserted + updated (+ the unchanged ones when redelivered). */
  changed: string[];
}

export function createTicketPipeline(deps: {
  pool: pg.Pool;
  log?: { error(o: object, m?: string): void };
}): TicketPipeline {
  const hooks: TicketsChangedHook[] = [];
  const pipeline: TicketPipeline = {
    onChanged(hook) {
      hooks.push(hook);
    },
    async store(workspaceId, source, tickets, opts = {}) {
      const result = await upsertTickets(deps.pool, workspaceId, source, tickets);
      const changed = [...result.inserted, ...result.updated];
      if (opts.redelivered && hooks.length && result.unchanged.length)
        changed.push(...(await ticketIdsByExternalId(deps.pool, workspaceId, source, result.unchanged)));
      return { ...result, changed };
    },
    async handOn(workspaceId, batch) {
      if (!batch.changed.length) return;
      for (const hook of hooks) {
        try {
          await hook(workspaceId, batch.changed);
        } catch (err) {
          deps.log?.error({ err, workspaceId, tickets: batch.changed.length }, 'ticket subscriber failed');
        }
      }
    },
    async ingest(workspaceId, source, tickets) {
      const batch = await pipeline.store(workspaceId, source, tickets);
      await pipeline.handOn(workspaceId, batch);
      const { changed: _changed, ...result } = batch;
      return result;
    },
  };
  return pipeline;
}
