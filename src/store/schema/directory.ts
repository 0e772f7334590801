/** Workspaces, API keys, people, customers and what upstream agents report about them (usage, invoices). */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { id, ts, createdAt, workspaceRef } from './common.js';

export const workspaces = pgTable('workspaces', {
  id: id(),
  name: text('name').notNull(),
  timezone: text('timezone').notNull().default('UTC'),
  /** Workspace settings (thresholds, escalation chain, cooldown, …); defaults applied by the engine. */
  settings: jsonb('settings').notNull().default({}),
  isDemo: boolean('is_demo').notNull().default(false),
  createdAt: createdAt(),
});

export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    workspaceId: workspaceRef(),
    /** SHA-256 of the key; the key itself is shown once and never stored. */
    keyHash: text('key_hash').notNull(),
    prefix: text('prefix').notNull(),
    label: text('label'),
    createdAt: createdAt(),
    revokedAt: ts('revoked_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_uq').on(t.keyHash)],
);

export const people = pgTable(
  'people',
  {
    id: id(),
    workspaceId: workspaceRef(),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    /** csm | csm_manager | vp_cs | cfo | admin */
    role: text('role').notNull(),
    isAdmin: boolean('is_admin').notNull().default(false),
    managerId: uuid('manager_id'),
    timezone: text('timezone').notNull().default('UTC'),
    /** slack | teams | gchat | whatsapp | playground */
    preferredChannel: text('preferred_channel'),
    /** Per-channel identities: {"slack":{"userId"},"teams":{"aadObjectId"},…} */
    identities: jsonb('identities').notNull().default({}),
    /** Issue 20 item 5: re-notify here, once, when a card is not acted on within fallbackAfter. */
    fallbackChannel: text('fallback_channel'),
    /** A duration (`30m`); null with fallbackChannel null. */
    fallbackAfter: text('fallback_after'),
    /** Issue 20 item 1: their own working hours; null = the workspace's. */
    workingHours: text('working_hours'),
    /** Their own quiet windows (the workspace `quietWindows` shape), on top of the workspace's. */
    quietWindows: jsonb('quiet_windows').notNull().default([]),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('people_ext_uq').on(t.workspaceId, t.externalId),
    index('people_role_idx').on(t.workspaceId, t.role),
    // A chat identity names at most one person per workspace (0004_chat_trust, src/chat/tenancy.ts).
    ...(
      [
        ['people_whatsapp_wa_uq', 'whatsapp', 'waId'],
        ['people_whatsapp_bsuid_uq', 'whatsapp', 'bsuid'],
        ['people_gchat_user_uq', 'gchat', 'userName'],
        ['people_teams_aad_uq', 'teams', 'aadObjectId'],
        ['people_slack_user_uq', 'slack', 'userId'],
      ] as const
    ).map(([name, channel, key]) =>
      uniqueIndex(name)
        .on(t.workspaceId, sql`((${t.identities} -> ${sql.raw(`'${channel}'`)}) ->> ${sql.raw(`'${key}'`)})`)
        .where(sql`((${t.identities} -> ${sql.raw(`'${channel}'`)}) ->> ${sql.raw(`'${key}'`)}) IS NOT NULL`),
    ),
  ],
);

export const customers = pgTable(
  'customers',
  {
    id: id(),
    workspaceId: workspaceRef(),
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    /** platinum | good | average | poor | critical */
    tier: text('tier').notNull(),
    csmId: uuid('csm_id').references(() => people.id, { onDelete: 'set null' }),
    contractedLimit: doublePrecision('contracted_limit'),
    domains: jsonb('domains').notNull().default([]),
    arr: numeric('arr', { precision: 14, scale: 2 }),
    churnRisk: integer('churn_risk'),
    churnFactors: jsonb('churn_factors'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('customers_ext_uq').on(t.workspaceId, t.externalId)],
);

export const usageReadings = pgTable(
  'usage_readings',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceRef(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    used: doublePrecision('used').notNull(),
    limit: doublePrecision('limit').notNull(),
    metric: text('metric').notNull().default('usage'),
    at: ts('at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('usage_customer_at_idx').on(t.customerId, t.at)],
);

export const invoices = pgTable(
  'invoices',
  {
    id: id(),
    workspaceId: workspaceRef(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    amount: numeric('amount', { precision: 14, scale: 2 }).notNull(),
    currency: text('currency').notNull(),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    /** open | paid | void */
    status: text('status').notNull(),
    lastCustomerResponseAt: ts('last_customer_response_at'),
    paidAt: ts('paid_at'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('invoices_ext_uq').on(t.workspaceId, t.externalId),
    index('invoices_status_idx').on(t.workspaceId, t.status),
  ],
);
