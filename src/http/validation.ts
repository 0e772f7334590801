import { z } from 'zod';
import {
  CUSTOMER_ALERT_TYPES,
  CALL_OUTCOMES,
  CHANNELS,
  type Channel,
  parseDurationMs,
  ROLES,
  SNOOZE_UNTIL,
  TIERS,
} from '../engine/index.js';
import { CATEGORIES, SENTIMENTS } from '../engine/analysis/types.js';

/**
 * The one validation layer of API v1 (and the schemas its OpenAPI document is generated from):
 * every string has a length bound and refuses control characters (a NUL byte is refused by
 * PostgreSQL's text type, which used to surface as a 500), every number is finite and bounded,
 * every list has a count bound, every date is a real calendar date, every duration ≤ 365 days.
 * README "API v1 → Validation" lists the bounds; keep the two in step.
 */
export const LIMITS = {
  idLength: 200,
  nameLength: 300,
  noteLength: 4000,
  batchItems: 10_000,
  /** Largest usage value, limit, amount or ARR accepted (10^15). */
  maxQuantity: 1e15,
  /** Largest amount or ARR: the columns are numeric(14, 2). */
  maxMoney: 999_999_999_999,
  /** Smallest usage limit: below it `used / limit` is meaningless (5e-324 showed "Infinity%"). */
  minUsageLimit: 0.01,
  maxDurationDays: 365,
  pageMax: 500,
} as const;

// C0 controls except tab, LF, CR; DEL. JSON allows them escaped; PostgreSQL refuses NUL outright.
const NO_CONTROL = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]*$/;
// Identifiers and one-line values: no control characters at all.
const NO_CONTROL_LINE = /^[^\u0000-\u001F\u007F]*$/;
const CONTROL_MESSAGE = 'must not contain control characters (such as NUL)';

/** A one-line string of 1..max characters without control characters. */
export const line = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(NO_CONTROL_LINE, CONTROL_MESSAGE);

/** Free text (tabs and line breaks allowed) of at most `max` characters. */
export const text = (max: number) =>
  z.string().max(max, `must be at most ${max} characters`).regex(NO_CONTROL, CONTROL_MESSAGE);

export const externalId = line(LIMITS.idLength);

export const uuid = z.uuid({ message: 'must be a UUID such as 3f2a1c4e-8b7d-4e21-9a0b-5c6d7e8f9a01' });

/** A bounded, finite number. */
export const quantity = (min: number, what = 'a number', max: number = LIMITS.maxQuantity) =>
  z
    .number({ message: `must be ${what}` })
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

export const isoDateTime = z.iso.datetime({
  offset: true,
  message: 'must be an ISO 8601 date-time such as 2026-11-23T10:00:00Z',
});

/** A calendar date (`2026-11-01`), or a date-time whose date part is used. */
export const isoDate = z
  .string()
  .max(40)
  .refine(
    (v) =>
      z.iso.date().safeParse(v.slice(0, 10)).success && (v.length === 10 || isoDateTime.safeParse(v).success),
    'must be a real date such as 2026-11-01',
  );

const MAX_DURATION_MS = LIMITS.maxDurationDays * 86_400_000;
/** `90s`, `15m`, `24h`, `2d`, `1h30m`, at most 365 days. */
export const duration = z
  .string()
  .max(40)
  .regex(/^(\d+(ms|s|m|h|d))+$/, 'must be a duration such as 90s, 15m, 24h or 2d')
  .refine((v) => (parseDurationMs(v) ?? Infinity) <= MAX_DURATION_MS, 'must be at most 365d');

/** An escalation step's delay: a duration, or business hours such as `24bh` (engine/policy counts them). */
const BUSINESS_HOURS = /^\d{1,4}bh$/;
const stepDelay = z
  .string()
  .max(40)
  .refine(
    (v) => BUSINESS_HOURS.test(v) || /^(\d+(ms|s|m|h|d))+$/.test(v),
    'must be a duration such as 90s, 15m, 24h or 2d, or business hours such as 24bh',
  )
  .refine(
    (v) => BUSINESS_HOURS.test(v) || (parseDurationMs(v) ?? Infinity) <= MAX_DURATION_MS,
    'must be at most 365d',
  );

const timezone = line(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as America/New_York');

const enumOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { message: `must be one of ${values.join(', ')}` });

/**
 * The channel names: the channels src/bots/registry.ts declares. Schemas that use them are built on
 * first use (z.lazy), after the registry has declared them: this module may be loaded before it,
 * and the engine names no channel. The schemas are the same as an enum written here would give.
 */
let channelEnum: z.ZodEnum<{ [K in Channel]: K }> | undefined;
const channels = () => (channelEnum ??= enumOf(CHANNELS as readonly Channel[] as [Channel, ...Channel[]]));
const channel = z.lazy(channels);

// ——— request bodies ———

export const personSchema = z
  .object({
    externalId,
    name: line(LIMITS.nameLength),
    email: z.email({ message: 'must be an email address' }).max(320).nullish(),
    role: enumOf(ROLES),
    managerExternalId: externalId.nullish(),
    timezone: timezone.optional(),
    preferredChannel: channel.nullish(),
    identities: z
      .lazy(() =>
        z
          .partialRecord(channels(), z.record(line(100), line(LIMITS.idLength)))
          .refine((r) => Object.values(r).every((v) => Object.keys(v ?? {}).length <= 10), {
            message: 'at most 10 identity fields per channel',
          }),
      )
      .optional(),
    isAdmin: z.boolean().optional(),
    // Issue 20 item 5: re-notify once on this channel when a card is not acted on within fallbackAfter.
    fallbackChannel: channel.nullish(),
    fallbackAfter: duration.nullish(),
    // Issue 20 item 1: their own hours in their time zone; null = the workspace's workingHours.
    workingHours: line(200).nullish(),
    // Issue 20 item 2: their own quiet windows on top of the workspace's (validated like them).
    quietWindows: z.array(z.record(z.string(), z.unknown())).max(50, 'at most 50 windows').optional(),
  })
  .meta({ id: 'Person' });

/** PATCH /people/{externalId}: any of a person's fields but the externalId; unknown fields are a 400. */
export const personPatchSchema = z
  .strictObject(personSchema.omit({ externalId: true }).partial().shape, {
    error: (iss) => (iss.code === 'unrecognized_keys' ? 'is not a field of a person' : undefined),
  })
  .meta({ id: 'PersonPatch' });

export const customerSchema = z
  .object({
    externalId,
    name: line(LIMITS.nameLength),
    tier: z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), enumOf(TIERS)),
    csmExternalId: externalId.nullish(),
    domains: z.array(line(253)).max(50, 'at most 50 domains').optional(),
    arr: quantity(0, 'a non-negative number', LIMITS.maxMoney).nullish(),
  })
  .meta({ id: 'Customer' });

export const usageSchema = z
  .object({
    customerExternalId: externalId,
    used: quantity(0, 'a non-negative number'),
    limit: z
      .number({ message: 'must be a number' })
      .min(LIMITS.minUsageLimit, `must be a contracted limit of at least ${LIMITS.minUsageLimit}`)
      .max(LIMITS.maxQuantity, `must be at most ${LIMITS.maxQuantity}`),
    metric: line(100).optional(),
    at: isoDateTime.optional(),
  })
  .meta({ id: 'UsageReading' });

export const invoiceSchema = z
  .object({
    customerExternalId: externalId,
    externalId,
    amount: quantity(0, 'a non-negative number', LIMITS.maxMoney),
    currency: z.string().regex(/^[A-Za-z]{3}$/, 'must be a 3-letter ISO currency code such as USD'),
    dueDate: isoDate,
    status: enumOf(['open', 'paid', 'void'] as const),
    lastCustomerResponseAt: isoDateTime.nullish(),
  })
  .meta({ id: 'Invoice' });

const actor = { actorExternalId: externalId.describe('externalId of the person acting') };
const note = text(LIMITS.noteLength);
export const ACTION_NAMES = [
  'acknowledge',
  'log_call',
  'schedule_follow_up',
  'reassign',
  'snooze',
  'resolve',
  'escalate_now',
  'decline',
] as const;

/** One schema per action, so each action's parameters are validated and documented. */
export const actionSchema = z
  .discriminatedUnion(
    'action',
    [
      z.object({ action: z.literal('acknowledge'), ...actor }),
      z.object({
        action: z.literal('log_call'),
        ...actor,
        outcome: enumOf(CALL_OUTCOMES),
        notes: note.optional(),
      }),
      z.object({
        action: z.literal('schedule_follow_up'),
        ...actor,
        dueAt: isoDateTime.describe('when the reminder is posted in the thread (future)'),
        title: line(200).optional(),
      }),
      z.object({
        action: z.literal('reassign'),
        ...actor,
        toPersonExternalId: externalId.describe('externalId of the CSM who takes the alert'),
        note: note.optional(),
      }),
      z.object({
        action: z.literal('snooze'),
        ...actor,
        duration: duration.optional().describe('defaults to the workspace snooze setting'),
        until: z
          .enum(SNOOZE_UNTIL)
          .optional()
          .describe(
            'what wakes it: duration (default, the workspace snooze or `duration`), next_business_morning ' +
              "(the actor's working hours, Mon–Fri 09:00–18:00 when none are set), customer_reply (a new " +
              'ticket or dunning response from the customer), paid (collections: payment resolves it, ' +
              'another invoice falling due wakes it)',
          ),
        note: note.optional(),
      }),
      z.object({ action: z.literal('resolve'), ...actor, note: note.optional() }),
      z.object({
        action: z.literal('escalate_now'),
        ...actor,
        note: note.optional(),
        fromStep: z
          .number()
          .int()
          .min(-1)
          .max(20)
          .optional()
          .describe('the escalation step the person saw; another current step answers 409'),
      }),
      z.object({ action: z.literal('decline'), ...actor, note: note.optional() }),
    ],
    {
      error: (iss) =>
        iss.code === 'invalid_union' ? `must be one of ${ACTION_NAMES.join(', ')}` : undefined,
    },
  )
  .meta({ id: 'AlertAction' });

const percent = z
  .number({ message: 'must be a percentage between 1 and 1000, e.g. 80' })
  .min(1, 'must be a percentage between 1 and 1000, e.g. 80')
  .max(1000, 'must be a percentage between 1 and 1000, e.g. 80');

/** A feed's cadence (issue 21 item 3): at least 10 s, since the heartbeat checks every 10 s. */
const feedCadence = z.strictObject({
  expectedEvery: duration
    .refine(
      (v) => (parseDurationMs(v) ?? 0) >= 10_000,
      'must be at least 10s (staleness is checked every 10 seconds)',
    )
    .describe('how often data is expected, e.g. "1d"; at least 10s'),
});

/**
 * PATCH /settings: the shape and bounds; mergeSettings (engine) adds the rules between fields
 * (steps in order, the first step notifies the CSM) and applies the patch.
 */
export const settingsPatchSchema = z
  .strictObject(
    {
      usageThresholds: z.partialRecord(enumOf(TIERS), percent).optional(),
      framing: z
        .partialRecord(enumOf(TIERS), z.object({ emoji: text(16).optional(), label: line(60) }))
        .optional(),
      collectionsOverdueDays: z.number().int().min(0).max(365).optional(),
      cooldown: duration.optional(),
      ackTimeout: duration.optional(),
      snooze: duration.optional(),
      deliveryExpiry: duration.optional(),
      escalation: z
        .array(
          z.object({
            role: enumOf(['csm', 'csm_manager', 'vp_cs', 'cfo'] as const).optional(),
            // A role channel instead of a role (issue 20): "slack:C0123ABCD"; the engine checks the id.
            channel: line(200).optional(),
            after: stepDelay,
          }),
        )
        .min(1, 'must have at least one step')
        .max(10, 'at most 10 steps')
        .optional(),
      briefTime: z
        .string()
        .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time HH:MM, e.g. 08:00')
        .optional(),
      digests: z
        .strictObject(
          {
            csmDaily: z
              .string()
              .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time HH:MM, e.g. 08:30')
              .nullish()
              .describe("each CSM's daily digest, at this time in their own time zone; null = off (default)"),
            managerWeekly: line(40)
              .nullish()
              .describe(
                'each manager\'s weekly digest, e.g. "Mon 09:00" in their own time zone; null = off (default)',
              ),
          },
          { error: (iss) => (iss.code === 'unrecognized_keys' ? 'is not a digest' : undefined) },
        )
        .optional(),
      channelCaps: z
        .lazy(() =>
          z.partialRecord(
            channels(),
            z
              .strictObject({
                monthlyCap: z
                  .number()
                  .int('must be a whole number of messages')
                  .min(1, 'must be at least 1 message')
                  .max(100_000_000)
                  .nullable()
                  .describe(
                    "messages per UTC month on this channel; past it, the person's other channel; null = no cap",
                  ),
              })
              .nullable(),
          ),
        )
        .optional()
        .describe(
          'a monthly message cap per channel, e.g. {"whatsapp": {"monthlyCap": 5000}}; none by default',
        ),
      feeds: z
        .strictObject(
          {
            usage: feedCadence.nullable().optional(),
            invoices: feedCadence.nullable().optional(),
            connectors: z.record(line(64), feedCadence.nullable()).nullable().optional(),
          },
          {
            error: (iss) =>
              iss.code === 'unrecognized_keys' ? 'is not a feed (usage, invoices, connectors)' : undefined,
          },
        )
        .nullable()
        .optional()
        .describe(
          'data-feed heartbeat: {"usage": {"expectedEvery": "1d"}, "invoices": {...}, "connectors": {"<connector id or platform>": {...}}}; a feed silent for longer raises feed_stale to the admins; null stops watching; none watched by default',
        ),
      timezone: timezone.optional(),
      supportRisk: z
        .strictObject({
          sentiments: z.array(enumOf(SENTIMENTS)).max(SENTIMENTS.length).optional(),
          categories: z.array(enumOf(CATEGORIES)).max(CATEGORIES.length).optional(),
        })
        .optional(),
      playbooks: z
        .partialRecord(enumOf(CATEGORIES), z.array(line(200)).max(10, 'at most 10 steps'))
        .optional(),
      // Escalation policy (issue 20): shapes and bounds here, the rules in engine/policy.
      workingHours: line(200).nullish(),
      holidays: z.array(isoDate).max(366, 'at most 366 dates').optional(),
      quietWindows: z
        .array(z.record(line(20), line(40)))
        .max(50, 'at most 50 windows')
        .optional(),
      quietBypass: z
        .strictObject({
          arrAtLeast: z.number().min(0).max(LIMITS.maxMoney).optional(),
          overdueDaysAtLeast: z.number().int().min(0).max(3650).optional(),
          categories: z.array(enumOf(CATEGORIES)).max(CATEGORIES.length).optional(),
        })
        .nullish(),
      reassignResponse: duration.nullish(),
    },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? 'is not a setting' : undefined) },
  )
  .meta({ id: 'SettingsPatch' });

/** POST /escalation/dry-run (issue 20). */
export const dryRunSchema = z
  .strictObject(
    {
      customerExternalId: externalId.describe('the customer an alert would be raised for'),
      type: enumOf(CUSTOMER_ALERT_TYPES),
      at: isoDateTime.optional().describe('when the alert would be raised (default: now)'),
    },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? 'is not a field of a dry run' : undefined) },
  )
  .meta({ id: 'EscalationDryRun' });

/** POST /alerts/actions (issue 21): one action on every open alert of a customer. */
export const bulkActionSchema = z
  .strictObject(
    {
      action: enumOf(['acknowledge', 'resolve'] as const),
      ...actor,
      customerExternalId: externalId.describe('the customer whose open alerts the action applies to'),
    },
    { error: (iss) => (iss.code === 'unrecognized_keys' ? 'is not a field of a bulk action' : undefined) },
  )
  .meta({ id: 'BulkAlertAction' });

/** POST /connectors. */
export const connectSchema = z
  .object({
    platform: line(50),
    credentials: z
      .record(line(100), text(4000))
      .refine((r) => Object.keys(r).length <= 20, 'at most 20 credential fields')
      .default({}),
    syncMode: enumOf(['poll', 'webhook', 'both'] as const).default('both'),
    baseUrl: z.url({ message: 'must be an absolute URL' }).max(2000).nullish(),
    webhookSecret: line(500).min(8, 'must be at least 8 characters').nullish(),
    name: line(200).optional(),
    options: z
      .object({
        pollMinutes: z.number().int().min(1).max(1440).optional(),
        backfillDays: z.number().int().min(1).max(3650).optional(),
      })
      .optional(),
  })
  .meta({ id: 'ConnectorInput' });

// ——— query strings ———

const pageLimit = (def: number, max: number = LIMITS.pageMax) =>
  z.coerce
    .number({ message: `must be a whole number between 1 and ${max}` })
    .int(`must be a whole number between 1 and ${max}`)
    .min(1, `must be a whole number between 1 and ${max}`)
    .max(max, `must be a whole number between 1 and ${max}`)
    .default(def);
const pageOffset = z.coerce
  .number({ message: 'must be a whole number ≥ 0' })
  .int('must be a whole number ≥ 0')
  .min(0, 'must be a whole number ≥ 0')
  .max(1_000_000, 'must be at most 1000000')
  .default(0);

export const alertsQuery = z.object({
  status: enumOf(['open', 'acknowledged', 'snoozed', 'resolved'] as const).optional(),
  limit: pageLimit(100),
});
export const pageQuery = z.object({ limit: pageLimit(100), offset: pageOffset });
export const ticketsQuery = z.object({
  connectorId: uuid.optional(),
  customerId: uuid.optional(),
  unmatched: z.enum(['true', 'false']).optional(),
  limit: pageLimit(100, 1000),
  offset: pageOffset,
});

export const idempotencyKeyHeader = z
  .string()
  .min(1)
  .max(255, 'must be at most 255 characters')
  .regex(/^[\x21-\x7E]+$/, 'must be 1–255 visible ASCII characters (a UUID is a good key)');

/** The error body every 4xx/5xx of API v1 has. */
export const errorSchema = z
  .object({
    error: z.string().describe('what happened and what to do next'),
    details: z
      .record(z.string(), z.unknown())
      .describe('field (dotted path, e.g. "1.limit") → what is wrong with it'),
  })
  .meta({ id: 'Error' });
