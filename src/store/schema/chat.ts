/** Chat platform state and inbound dedupe: installations, processed events, playground messages, dialogs, channel messages, API idempotency keys. */
import {
  bigint,
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { id, ts, createdAt, workspaceRef } from './common.js';
import { alerts, conversations } from './alerts.js';

/** Platform installations (Slack OAuth, Teams tenants…) bound to one workspace each. */
export const chatInstallations = pgTable(
  'chat_installations',
  {
    id: id(),
    workspaceId: workspaceRef(),
    channel: text('channel').notNull(),
    /** Slack team id, Teams tenant id, … */
    externalId: text('external_id').notNull(),
    /** Encrypted installation (tokens). */
    dataEnc: text('data_enc').notNull(),
    installedBy: text('installed_by'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('chat_installations_uq').on(t.channel, t.externalId)],
);

/** Inbound event ids already handled: a platform's retry changes nothing the second time. */
export const processedEvents = pgTable(
  'processed_events',
  {
    source: text('source').notNull(),
    /** The workspace id, or '' before any workspace is known: event ids are per workspace. */
    scope: text('scope').notNull().default(''),
    eventId: text('event_id').notNull(),
    workspaceId: uuid('workspace_id'),
    receivedAt: ts('received_at').notNull().defaultNow(),
    result: jsonb('result'),
  },
  (t) => [primaryKey({ columns: [t.source, t.scope, t.eventId] })],
);

/** The playground channel's messages: what a chat client would show, per person. */
export const playgroundMessages = pgTable(
  'playground_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    threadRootId: bigint('thread_root_id', { mode: 'number' }),
    card: jsonb('card'),
    text: text('text'),
    /** Shown only to this person (refusals, confirmations). */
    visibleTo: uuid('visible_to'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('playground_conv_idx').on(t.conversationId, t.id)],
);

/**
 * A short conversation in progress with one person on one channel (WhatsApp's Log Call outcome →
 * notes, a guided settings dialog, a CSV review…). Expires cleanly at `expires_at`.
 */
export const chatDialogs = pgTable(
  'chat_dialogs',
  {
    id: id(),
    workspaceId: workspaceRef(),
    channel: text('channel').notNull(),
    /** The conversation (or user) the dialog belongs to on that channel. */
    conversationKey: text('conversation_key').notNull(),
    kind: text('kind').notNull(),
    state: jsonb('state').notNull().default({}),
    expiresAt: ts('expires_at').notNull(),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('chat_dialogs_uq').on(t.channel, t.conversationKey)],
);

/**
 * Every platform message id we sent that belongs to an alert (not only thread roots): a reply
 * quoting any of them acts on that alert, and delivery statuses land on its timeline.
 */
export const channelMessages = pgTable(
  'channel_messages',
  {
    channel: text('channel').notNull(),
    externalMessageId: text('external_message_id').notNull(),
    workspaceId: workspaceRef(),
    alertId: uuid('alert_id').references(() => alerts.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'cascade' }),
    /** card | reply | template | notice | text */
    kind: text('kind').notNull(),
    /** Last delivery status reported by the platform (sent | delivered | read | failed). */
    status: text('status'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.channel, t.externalMessageId] }),
    index('channel_messages_alert_idx').on(t.alertId),
    // The monthly message cap counts a workspace's messages on a channel this month (issue 21).
    index('channel_messages_ws_channel_created_idx').on(t.workspaceId, t.channel, t.createdAt),
  ],
);

/**
 * API `Idempotency-Key`s (migration 0003): one per (workspace, key), remembering the request it
 * answered (alert, action, body hash) and, once answered with a 2xx, the status and body to replay.
 * `pending` rows (no status yet) are held for `locked_until`; a request that fails (4xx/5xx) deletes
 * its row so the corrected retry is applied.
 */
export const apiIdempotencyKeys = pgTable(
  'api_idempotency_keys',
  {
    workspaceId: workspaceRef(),
    key: text('key').notNull(),
    method: text('method').notNull(),
    route: text('route').notNull(),
    alertId: uuid('alert_id'),
    action: text('action'),
    requestHash: text('request_hash').notNull(),
    status: integer('status'),
    response: jsonb('response'),
    lockedUntil: ts('locked_until'),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.key] }),
    index('api_idempotency_keys_created_idx').on(t.createdAt),
  ],
);
