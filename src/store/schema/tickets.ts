/** Ticket sources and tickets: connectors, CSV imports, tickets and their analyses. */
import {
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { bytea, id, ts, createdAt, workspaceRef } from './common.js';
import { customers } from './directory.js';

export const connectors = pgTable('connectors', {
  id: id(),
  workspaceId: workspaceRef(),
  /** zendesk | freshdesk | jsm | intercom | hubspot | webhook */
  platform: text('platform').notNull(),
  name: text('name').notNull(),
  /** AES-256-GCM envelope (see store/crypto.ts); never returned unmasked. */
  credentialsEnc: text('credentials_enc').notNull(),
  webhookSecretEnc: text('webhook_secret_enc'),
  /** poll | webhook | both */
  syncMode: text('sync_mode').notNull().default('both'),
  baseUrl: text('base_url'),
  cursor: jsonb('cursor').notNull().default({}),
  /** connected | syncing | error | disabled */
  status: text('status').notNull().default('connected'),
  lastSyncAt: ts('last_sync_at'),
  lastError: text('last_error'),
  ticketsSeen: integer('tickets_seen').notNull().default(0),
  nextRunAt: ts('next_run_at'),
  /** Per-connector options: {pollInterval, backfillDays, …} */
  options: jsonb('options').notNull().default({}),
  /** The webhook the product registered on the platform itself (e.g. Zendesk webhook id). */
  externalWebhookId: text('external_webhook_id'),
  /** Progress of the running or last sync: {phase, fetched, pages, startedAt, …} */
  progress: jsonb('progress').notNull().default({}),
  /** Person (admin) told about sync progress and failures in chat. */
  createdBy: uuid('created_by'),
  createdAt: createdAt(),
});

export const csvImports = pgTable('csv_imports', {
  id: id(),
  workspaceId: workspaceRef(),
  filename: text('filename').notNull(),
  sha256: text('sha256').notNull(),
  /** review | importing | done | failed */
  status: text('status').notNull(),
  format: text('format'),
  mapping: jsonb('mapping').notNull().default({}),
  stats: jsonb('stats').notNull().default({}),
  createdBy: uuid('created_by'),
  /** Where the import's cards live: {channel, conversationId, threadId} */
  origin: jsonb('origin').notNull().default({}),
  /** The uploaded file, kept until the import finishes (review and preview read it again). */
  content: bytea('content'),
  sizeBytes: integer('size_bytes'),
  encoding: text('encoding'),
  delimiter: text('delimiter'),
  rowCount: integer('row_count'),
  /** CSV of the skipped rows with row number and reason. */
  errorReport: text('error_report'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const tickets = pgTable(
  'tickets',
  {
    id: id(),
    workspaceId: workspaceRef(),
    /** connector id, or `csv` for imports: external ids are unique within a source */
    sourceKey: text('source_key').notNull(),
    connectorId: uuid('connector_id').references(() => connectors.id, { onDelete: 'set null' }),
    csvImportId: uuid('csv_import_id').references(() => csvImports.id, { onDelete: 'set null' }),
    externalId: text('external_id').notNull(),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'set null' }),
    subject: text('subject').notNull().default(''),
    body: text('body').notNull().default(''),
    status: text('status'),
    priority: text('priority'),
    requesterEmail: text('requester_email'),
    organization: text('organization'),
    url: text('url'),
    sourceCreatedAt: ts('source_created_at'),
    sourceUpdatedAt: ts('source_updated_at'),
    raw: jsonb('raw'),
    ingestedAt: ts('ingested_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('tickets_source_uq').on(t.workspaceId, t.sourceKey, t.externalId),
    index('tickets_customer_idx').on(t.customerId),
    // (connector, ingested_at): the feed heartbeat's latest-ticket lookup is one index probe (0021).
    index('tickets_connector_ingested_idx').on(t.connectorId, t.ingestedAt),
  ],
);

export const ticketAnalyses = pgTable('ticket_analyses', {
  ticketId: uuid('ticket_id')
    .primaryKey()
    .references(() => tickets.id, { onDelete: 'cascade' }),
  workspaceId: workspaceRef(),
  analyzer: text('analyzer').notNull(),
  analyzerVersion: text('analyzer_version').notNull(),
  sentimentLabel: text('sentiment_label').notNull(),
  sentimentScore: integer('sentiment_score').notNull(),
  categoryPrimary: text('category_primary').notNull(),
  categoryConfidence: doublePrecision('category_confidence').notNull(),
  categories: jsonb('categories').notNull().default([]),
  flags: jsonb('flags').notNull().default([]),
  /** The phrases that decided sentiment and category ({sentiment: [], category: []}); null before 0008. */
  explanation: jsonb('explanation'),
  analyzedAt: ts('analyzed_at').notNull().defaultNow(),
});
