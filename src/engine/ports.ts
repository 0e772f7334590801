import type {
  Alert,
  AlertType,
  Channel,
  Customer,
  Person,
  Role,
  TimelineEvent,
  WaitingFor,
} from './types.js';
import type { FeedsTx } from './feeds-ports.js';

/**
 * What the engine needs from the outside world. Implemented by src/store (PostgreSQL),
 * src/jobs (Agenda) and the channel gateways; the engine imports none of them.
 */

/** Wall clock, injectable so rules can be tested at any moment. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Durable timers. A job scheduled here survives restarts and runs once. */
export interface Scheduler {
  /** Runs job `name` with `data` at `when` (immediately when in the past). */
  at(name: string, when: Date, data: Record<string, unknown>): Promise<void>;
  /** Removes scheduled jobs of `name` whose data contains `match`. */
  cancel(name: string, match: Record<string, unknown>): Promise<number>;
  /**
   * Asks for job `name` (no data) to run soon. Kicks are coalesced: many kicks in a burst
   * produce one run, in this process when it serves that job, else as one queued job.
   */
  kick(name: string): Promise<void>;
  /**
   * Alert timers live on the alert row (`next_action_at` + token) and are run by the due-timer
   * claim loop (src/jobs/alert-timers.ts). When set, a committed transaction that set a timer calls
   * this once with its earliest instant, so a sleeping loop (here or in another process) wakes up.
   * When absent, each timer is an Agenda job (`at(TIMER_JOB, …)`).
   */
  alertTimerSet?(at: Date): Promise<void>;
}

/** A message for the outbox; `deliver:<channel>` jobs send them in order per alert. */
export type DeliveryRequest =
  /** Post the alert card into the person's conversation (or reply + update if the thread exists). */
  | { kind: 'post_card'; alertId: string; personId: string; intro?: string }
  /**
   * Post the alert card into a team conversation (a role channel step, issue 20 item 6): the
   * platform's conversation id; a second one for the same alert updates the card and replies in its thread.
   */
  | { kind: 'channel_card'; alertId: string; conversation: string; intro?: string }
  /**
   * Re-render the alert card in every thread of the alert on this channel. `quiet`: only where the
   * platform edits in place — a channel that would have to send a new message (WhatsApp) skips it,
   * and its next message about the alert shows the change (absorbed triggers, issue 21 item 2).
   * `note`: what happened, posted as a reply in each thread with the update — as one message on a
   * channel that bills every message and cannot edit in place (WhatsApp, issue 21 item 7).
   */
  | {
      kind: 'update_cards';
      alertId: string;
      quiet?: boolean;
      note?: string;
      /** People whose threads are left alone: this step just sent them the card, fresh (issue 21 item 7). */
      except?: string[];
    }
  /** Post text as a reply in every thread of the alert on this channel. */
  | { kind: 'reply_all'; alertId: string; text: string }
  /** A direct message to a person outside any alert thread (admin notices, reminders). */
  | { kind: 'notice'; personId: string; text: string; alertId?: string }
  /** A standalone card to a person outside any alert thread (the CFO morning brief). */
  | { kind: 'card'; personId: string; card: Record<string, unknown>; text: string };

export interface NewAlert {
  workspaceId: string;
  /** Null for a workspace-level alert (feed_stale). */
  customerId: string | null;
  type: AlertType;
  dedupKey: string;
  assigneeId: string | null;
  facts: Record<string, unknown>;
  escalation: Alert['escalation'];
  chainStartedAt: Date;
  now: Date;
}

/** One alert of a set-based creation: the alert after its immediate steps ran, and their effects. */
export interface BatchAlert {
  alert: NewAlert & {
    /** Chosen by the engine so events and outbox rows can name it in the same statements. */
    id: string;
    step: number;
    token: number;
    nextActionAt: Date | null;
    nextActionKind: string | null;
  };
  /** Its timeline events in order (`created`, then `notified`…). */
  events: TimelineEvent[];
  recipients: { personId: string; step: number }[];
  deliveries: { channel: Channel; request: DeliveryRequest }[];
  /** The cooldown row to set (the CSM), or null. */
  cooldownPersonId: string | null;
}

export type AlertPatch = Partial<
  Pick<
    Alert,
    | 'status'
    | 'assigneeId'
    | 'facts'
    | 'step'
    | 'token'
    | 'chainStartedAt'
    | 'pausedAt'
    | 'pausedTotalMs'
    | 'nextActionAt'
    | 'nextActionKind'
    | 'waitingFor'
    | 'resolvedAt'
  >
>;

/** Everything the engine reads and writes inside one database transaction. */
export interface EngineTx extends FeedsTx {
  workspaceSettings(workspaceId: string): Promise<{ settings: unknown; timezone: string } | null>;
  saveWorkspaceSettings(workspaceId: string, settings: unknown): Promise<void>;
  person(workspaceId: string, id: string): Promise<Person | null>;
  personByExternalId(workspaceId: string, externalId: string): Promise<Person | null>;
  peopleWithRole(workspaceId: string, role: Role): Promise<Person[]>;
  admins(workspaceId: string): Promise<Person[]>;
  customer(workspaceId: string, id: string): Promise<Customer | null>;
  customerByExternalId(workspaceId: string, externalId: string): Promise<Customer | null>;
  customersByExternalIds(workspaceId: string, externalIds: string[]): Promise<Customer[]>;
  /** Stores many readings in one statement. */
  insertUsageReadings(
    workspaceId: string,
    rows: { customerId: string; used: number; limit: number; metric: string; at: Date }[],
  ): Promise<void>;
  /** Upserts an invoice by external id; returns the state it had before (null when new). */
  upsertInvoice(
    workspaceId: string,
    customerId: string,
    inv: {
      externalId: string;
      amount: number;
      currency: string;
      dueDate: string;
      status: string;
      lastCustomerResponseAt: Date | null;
    },
    now: Date,
  ): Promise<{ status: string; lastCustomerResponseAt: Date | null } | null>;
  /** Open invoices of the workspace with their customers (collections scan). */
  openInvoices(workspaceId: string): Promise<
    {
      customerId: string;
      externalId: string;
      amount: number;
      currency: string;
      dueDate: string;
      lastCustomerResponseAt: Date | null;
    }[]
  >;
  /** The open (not resolved) alert for a dedup key, locked for update. */
  openAlertForKey(workspaceId: string, dedupKey: string): Promise<Alert | null>;
  /**
   * Serialises writers of the same dedup keys until the transaction ends (advisory locks, taken in
   * sorted order so two batches never deadlock). Without it two concurrent readings for one
   * customer both find no open alert and the second insert hits the one-open-alert unique index.
   */
  lockDedupKeys(workspaceId: string, dedupKeys: string[]): Promise<void>;
  /** Open alerts for many dedup keys (locked for update). */
  openAlertsForKeys(workspaceId: string, dedupKeys: string[]): Promise<Alert[]>;
  /** Cooldown rows for many (customer, type, person). */
  cooldownsFor(
    workspaceId: string,
    keys: { customerId: string; type: AlertType; personId: string }[],
  ): Promise<{ customerId: string; type: AlertType; personId: string; lastSentAt: Date; alertId: string }[]>;
  /** People of a workspace by id, in one query. */
  peopleByIds(workspaceId: string, ids: string[]): Promise<Person[]>;
  /**
   * Inserts many alerts in their final state after their immediate steps (one statement), with
   * their events, recipients, cooldowns and outbox rows (one statement each).
   */
  insertAlertsBatch(rows: BatchAlert[]): Promise<Alert[]>;
  /**
   * Merges new facts into many alerts (each only at `expectedVersion`, bumped by one) in one
   * statement; returns the rows updated.
   */
  updateAlertFactsBatch(
    rows: { id: string; expectedVersion: number; facts: Record<string, unknown> }[],
    now: Date,
  ): Promise<Alert[]>;
  /** Adds many timeline events in one statement (in the given order). */
  addEvents(rows: { workspaceId: string; alertId: string; event: TimelineEvent }[]): Promise<void>;
  /**
   * Claims alerts whose timer is due at `now`, locked for this transaction and skipped by every
   * other claimer (`FOR UPDATE SKIP LOCKED`), oldest first.
   */
  claimDueAlerts(now: Date, limit: number, skipIds: string[]): Promise<Alert[]>;
  /** A customer's snoozed alerts waiting for this event (issue 21), locked for update. */
  snoozedAlertsWaitingFor(workspaceId: string, customerId: string, waitingFor: WaitingFor): Promise<Alert[]>;
  // Set-based escalation steps (src/engine/escalate-batch.ts): one statement each for a whole batch.
  /** Settings and time zone of many workspaces. */
  workspacesSettings(ids: string[]): Promise<{ id: string; settings: unknown; timezone: string }[]>;
  customersByIds(ids: string[]): Promise<Customer[]>;
  /** People by id in any workspace (the caller checks each against its alert's workspace). */
  peopleByIdsAcross(ids: string[]): Promise<Person[]>;
  /** People holding any of `roles` in any of the workspaces, ordered as peopleWithRole orders them. */
  peopleWithRoles(workspaceIds: string[], roles: Role[]): Promise<Person[]>;
  recipientsOf(alertIds: string[]): Promise<{ alertId: string; personId: string }[]>;
  /** alertChannels for many alerts. */
  alertChannelsOf(alertIds: string[]): Promise<{ alertId: string; channel: Channel }[]>;
  addRecipients(rows: { alertId: string; personId: string; step: number; at: Date }[]): Promise<void>;
  /** Outbox rows in the given order (the order deliveries of one alert are sent in). */
  enqueueDeliveries(
    rows: { workspaceId: string; channel: Channel; request: DeliveryRequest }[],
  ): Promise<void>;
  /**
   * Sets step, token and timer of many alerts, each only when its stored version is
   * `expectedVersion` (bumped by `versionBump`); returns how many rows changed.
   */
  updateAlertsBatch(
    rows: {
      id: string;
      expectedVersion: number;
      versionBump: number;
      step: number;
      token: number;
      nextActionAt: Date | null;
      nextActionKind: string | null;
    }[],
    now: Date,
  ): Promise<number>;
  /** An alert locked for update; workspaceId null only for timers, which carry just the alert id. */
  lockAlert(workspaceId: string | null, alertId: string): Promise<Alert | null>;
  insertAlert(a: NewAlert): Promise<Alert>;
  /** Conditional update: applies only when the stored version is `expectedVersion`; bumps it. */
  updateAlert(alertId: string, expectedVersion: number, patch: AlertPatch, now: Date): Promise<Alert | null>;
  addEvent(workspaceId: string, alertId: string, e: TimelineEvent): Promise<void>;
  timeline(alertId: string): Promise<TimelineEvent[]>;
  lastCooldown(
    workspaceId: string,
    customerId: string,
    type: AlertType,
    personId: string,
  ): Promise<{ lastSentAt: Date; alertId: string } | null>;
  setCooldown(
    workspaceId: string,
    customerId: string,
    type: AlertType,
    personId: string,
    alertId: string,
    at: Date,
  ): Promise<void>;
  addRecipient(alertId: string, personId: string, step: number, at: Date): Promise<boolean>;
  recipients(alertId: string): Promise<string[]>;
  /** Channels on which the alert has (or is about to have) a thread. */
  alertChannels(alertId: string): Promise<Channel[]>;
  enqueueDelivery(workspaceId: string, channel: Channel, d: DeliveryRequest): Promise<void>;
  insertTask(t: {
    workspaceId: string;
    alertId: string;
    customerId: string | null;
    assigneeId: string | null;
    title: string;
    dueAt: Date;
    createdBy: string | null;
  }): Promise<string>;
  task(taskId: string): Promise<{
    id: string;
    workspaceId: string;
    alertId: string | null;
    title: string;
    dueAt: Date;
    status: string;
    assigneeId: string | null;
  } | null>;
  markTaskReminded(taskId: string, at: Date): Promise<boolean>;
  insertCallLog(c: {
    workspaceId: string;
    alertId: string;
    customerId: string | null;
    personId: string;
    outcome: string;
    notes: string | null;
    at: Date;
  }): Promise<void>;
  /** Records an inbound event id; false when it was already processed (a retry or duplicate). */
  rememberEvent(source: string, eventId: string, workspaceId: string): Promise<boolean>;
}

export interface EngineStore {
  transaction<T>(fn: (tx: EngineTx) => Promise<T>): Promise<T>;
}
