import type pg from 'pg';
import type { Cursor, PlatformId } from '../types.js';
import { selectConnectorById, selectConnectors } from '../../store/connectors.js';

/** A connectors row as the runtime uses it (credentials still encrypted). */
export interface ConnectorRow {
  id: string;
  workspaceId: string;
  platform: PlatformId;
  name: string;
  credentialsEnc: string;
  webhookSecretEnc: string | null;
  syncMode: 'poll' | 'webhook' | 'both';
  baseUrl: string | null;
  cursor: SyncState;
  status: 'connected' | 'syncing' | 'error' | 'disabled';
  lastSyncAt: Date | null;
  lastError: string | null;
  ticketsSeen: number;
  nextRunAt: Date | null;
  options: ConnectorOptions;
  externalWebhookId: string | null;
  progress: SyncProgress;
  createdBy: string | null;
  createdAt: Date;
}

export interface ConnectorOptions {
  /** Minutes between polls (default 15). */
  pollMinutes?: number;
  /** Days the first sync reaches back (default 90). */
  backfillDays?: number;
}

/**
 * What `connectors.cursor` holds: the platform's page cursor while a run is under way (resume
 * after a crash), the `since` that run started from, and the newest `updated_at` stored so far
 * (the next run starts from it minus the look-back).
 */
export interface SyncState {
  page?: Cursor | null;
  runSince?: string | null;
  highWater?: string | null;
  backfilled?: boolean;
}

export interface SyncProgress {
  phase?: 'backfill' | 'incremental' | 'done' | 'failed';
  pages?: number;
  fetched?: number;
  changed?: number;
  startedAt?: string;
  finishedAt?: string;
  /** The sync lease: who holds it and until when (a crashed holder's lease runs out). */
  owner?: string | null;
  leaseUntil?: string | null;
}

export const DEFAULT_POLL_MINUTES = 15;
export const DEFAULT_BACKFILL_DAYS = 90;

export function toConnector(r: Record<string, unknown>): ConnectorRow {
  return {
    id: r.id as string,
    workspaceId: r.workspace_id as string,
    platform: r.platform as PlatformId,
    name: r.name as string,
    credentialsEnc: r.credentials_enc as string,
    webhookSecretEnc: (r.webhook_secret_enc as string | null) ?? null,
    syncMode: r.sync_mode as ConnectorRow['syncMode'],
    baseUrl: (r.base_url as string | null) ?? null,
    cursor: (r.cursor as SyncState) ?? {},
    status: r.status as ConnectorRow['status'],
    lastSyncAt: (r.last_sync_at as Date | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    ticketsSeen: Number(r.tickets_seen ?? 0),
    nextRunAt: (r.next_run_at as Date | null) ?? null,
    options: (r.options as ConnectorOptions) ?? {},
    externalWebhookId: (r.external_webhook_id as string | null) ?? null,
    progress: (r.progress as SyncProgress) ?? {},
    createdBy: (r.created_by as string | null) ?? null,
    createdAt: r.created_at as Date,
  };
}

export async function connectorById(
  db: pg.Pool | pg.PoolClient,
  id: string,
  workspaceId?: string,
): Promise<ConnectorRow | null> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return null;
  const r = await selectConnectorById(db, [id, workspaceId ?? null]);
  return r.rows[0] ? toConnector(r.rows[0]) : null;
}

export async function listConnectors(db: pg.Pool, workspaceId: string): Promise<ConnectorRow[]> {
  const r = await selectConnectors(db, [workspaceId]);
  return r.rows.map(toConnector);
}

export const pollMinutes = (c: ConnectorRow) => c.options.pollMinutes ?? DEFAULT_POLL_MINUTES;
export const backfillDays = (c: ConnectorRow) => c.options.backfillDays ?? DEFAULT_BACKFILL_DAYS;
