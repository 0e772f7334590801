/** Alerts and everything that happens to them: events, recipients, cooldowns, conversations, threads, the outbox, tasks and call logs. */
import { sql } from 'drizzle-orm';
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
import { customers, people } from './directory.js';

export const alerts = pgTable(
  'alerts',
  {
    id: id(),
    workspaceId: workspaceRef(),
    /** Null for a workspace-level alert (feed_stale, issue 21 item 3: no customer). */
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'cascade' }),
    /** usage_threshold | collections | support_risk | feed_stale */
    type: text('type').notNull(),
    /** customer + type (+ subject such as an invoice): one open alert per key */
    dedupKey: text('dedup_key').notNull(),
    /** open | acknowledged | snoozed | resolved */
    status: text('status').notNull(),
    assigneeId: uuid('assignee_id').references(() => people.id, { onDelete: 'set null' }),
    /** What triggered it and its latest numbers (percent, amount, days overdue, ticket excerpt). */
    facts: jsonb('facts').notNull().default({}),
    /** The escalation chain copied from settings at creation: [{role, afterMs}] */
    escalation: jsonb('escalation').notNull(),
    step: integer('step').notNull().default(0),
    /** Fencing token: every timer carries it; a stale token does nothing. */
    token: integer('token').notNull().default(1),
    /** Optimistic-concurrency version, bumped on every change. */
    version: integer('version').notNull().default(1),
    chainStartedAt: ts('chain_started_at').notNull(),
    pausedAt: ts('paused_at'),
    pausedTotalMs: bigint('paused_total_ms', { mode: 'number' }).notNull().default(0),
    /** When the next timer is due, and what it does (escalate | resume | wake). */
    nextActionAt: ts('next_action_at'),
    nextActionKind: text('next_action_kind'),
    /** While snoozed: time | next_business_morning | customer_reply | paid (issue 21). */
    waitingFor: text('waiting_for'),
    resolvedAt: ts('resolved_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('alerts_one_open_uq')
      .on(t.workspaceId, t.dedupKey)
      .where(sql`status <> 'resolved'`),
    index('alerts_due_idx')
      .on(t.nextActionAt)
      .where(sql`next_action_at is not null`),
    index('alerts_ws_status_idx').on(t.workspaceId, t.status),
  ],
);

export const alertEvents = pgTable(
  'alert_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    at: ts('at').notNull(),
    kind: text('kind').notNull(),
    actorId: uuid('actor_id'),
    targetId: uuid('target_id'),
    channel: text('channel'),
    details: jsonb('details').notNull().default({}),
  },
  (t) => [index('alert_events_alert_idx').on(t.alertId, t.id)],
);

export const alertRecipients = pgTable(
  'alert_recipients',
  {
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    personId: uuid('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    step: integer('step').notNull(),
    notifiedAt: ts('notified_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.alertId, t.personId] })],
);

export const cooldowns = pgTable(
  'cooldowns',
  {
    workspaceId: workspaceRef(),
    customerId: uuid('customer_id').notNull(),
    type: text('type').notNull(),
    personId: uuid('person_id').notNull(),
    lastSentAt: ts('last_sent_at').notNull(),
    alertId: uuid('alert_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.customerId, t.type, t.personId] })],
);

/** A place a message can go: a person's DM or a role channel, on one chat platform. */
export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    workspaceId: workspaceRef(),
    channel: text('channel').notNull(),
    personId: uuid('person_id').references(() => people.id, { onDelete: 'cascade' }),
    /** For a channel configured for a role (e.g. #cs-escalations for vp_cs). */
    role: text('role'),
    externalId: text('external_id').notNull(),
    /** Platform-specific reference needed to write there (Teams conversation reference, …). */
    reference: jsonb('reference').notNull().default({}),
    /** Last message from the person (WhatsApp 24-hour window). */
    lastInboundAt: ts('last_inbound_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('conversations_ext_uq').on(t.workspaceId, t.channel, t.externalId),
    index('conversations_person_idx').on(t.personId, t.channel),
  ],
);

/** One root message per alert per conversation; updates are replies under it. */
export const alertThreads = pgTable(
  'alert_threads',
  {
    id: id(),
    workspaceId: workspaceRef(),
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    rootMessageId: text('root_message_id'),
    /** The intro the card was sent with; card updates keep it (migration 0020). */
    intro: text('intro'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('alert_threads_uq').on(t.alertId, t.conversationId)],
);

/** Outbox of messages to send; `deliver:<channel>` jobs drain it in order per conversation. */
export const deliveries = pgTable(
  'deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    alertId: uuid('alert_id').references(() => alerts.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull(),
    /** Person to reach; the gateway finds or opens their conversation. */
    personId: uuid('person_id').references(() => people.id, { onDelete: 'set null' }),
    threadId: uuid('thread_id').references(() => alertThreads.id, { onDelete: 'cascade' }),
    /** post_card | update_card | reply | notice */
    kind: text('kind').notNull(),
    payload: jsonb('payload').notNull().default({}),
    /** pending | sent | failed */
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: ts('sent_at'),
  },
  (t) => [
    index('deliveries_pending_idx').on(t.channel, t.status, t.nextAttemptAt),
    // The claim query looks only at unsent rows, per channel and per alert (measured: 13 ms → 0.7 ms
    // per claim with 8,000 rows in the table).
    index('deliveries_open_channel_idx')
      .on(t.channel, t.id)
      .where(sql`status in ('pending', 'sending')`),
    index('deliveries_open_alert_idx')
      .on(t.alertId, t.id)
      .where(sql`status in ('pending', 'sending')`),
    index('deliveries_alert_idx').on(t.alertId),
  ],
);

export const tasks = pgTable('tasks', {
  id: id(),
  workspaceId: workspaceRef(),
  alertId: uuid('alert_id').references(() => alerts.id, { onDelete: 'cascade' }),
  customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'cascade' }),
  assigneeId: uuid('assignee_id').references(() => people.id, { onDelete: 'set null' }),
  title: text('title').notNull(),
  dueAt: ts('due_at').notNull(),
  /** open | reminded | done */
  status: text('status').notNull().default('open'),
  createdBy: uuid('created_by'),
  remindedAt: ts('reminded_at'),
  createdAt: createdAt(),
});

export const callLogs = pgTable('call_logs', {
  id: id(),
  workspaceId: workspaceRef(),
  alertId: uuid('alert_id').references(() => alerts.id, { onDelete: 'cascade' }),
  customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'cascade' }),
  personId: uuid('person_id').references(() => people.id, { onDelete: 'set null' }),
  outcome: text('outcome').notNull(),
  notes: text('notes'),
  at: ts('at').notNull(),
});
