/** Domain vocabulary shared by every part of the product. */
import type { QuietWindow } from './policy/holds.js';

export const TIERS = ['platinum', 'good', 'average', 'poor', 'critical'] as const;
export type Tier = (typeof TIERS)[number];

export const ROLES = ['csm', 'csm_manager', 'vp_cs', 'cfo', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The chat channels, by name. The engine names none: each channel adds itself to this interface
 * (`declare module` in src/bots/<channel>/descriptor.ts), and src/bots/registry.ts declares the
 * list at start-up (defineChannels), so a new channel edits nothing here.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ChannelNames {}
export type Channel = Extract<keyof ChannelNames, string>;

const declared: Channel[] = [];
let fallback: Channel | null = null;

/** Every channel, in the registry's order (empty until src/bots/registry.ts is loaded). */
export const CHANNELS: readonly Channel[] = declared;

/** Called once by src/bots/registry.ts: the channels, and the one a person with none configured gets. */
export function defineChannels(names: readonly Channel[], fallbackChannel: Channel): void {
  declared.splice(0, declared.length, ...names);
  fallback = fallbackChannel;
}

/** The channel a person is reached on when none of theirs is configured (the registry says which). */
export function fallbackChannel(): Channel {
  if (!fallback) throw new Error('no channel is declared: src/bots/registry.ts declares them at start-up');
  return fallback;
}

export const ALERT_TYPES = ['usage_threshold', 'collections', 'support_risk', 'feed_stale'] as const;
/** Alert types raised for a customer (feed_stale, issue 21 item 3, belongs to the workspace). */
export const CUSTOMER_ALERT_TYPES = ['usage_threshold', 'collections', 'support_risk'] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

export type AlertStatus = 'open' | 'acknowledged' | 'snoozed' | 'resolved';

export const ACTIONS = [
  'acknowledge',
  'log_call',
  'schedule_follow_up',
  'reassign',
  'snooze',
  'resolve',
] as const;
/**
 * Issue 20's actions: API v1 and the cards of every channel (in a second action set of the card,
 * as Teams shows six actions per set; see README "Escalation policy").
 */
export const POLICY_ACTIONS = ['escalate_now', 'decline'] as const;
export const ALL_ACTIONS = [...ACTIONS, ...POLICY_ACTIONS] as const;
export type ActionName = (typeof ALL_ACTIONS)[number];

export const ROLE_LABELS: Record<Role, string> = {
  csm: 'CSM',
  csm_manager: 'CSM Manager',
  vp_cs: 'VP Customer Success',
  cfo: 'CFO',
  admin: 'Admin',
};

export const ACTION_LABELS: Record<ActionName, string> = {
  acknowledge: 'Acknowledge',
  log_call: 'Log Call',
  schedule_follow_up: 'Schedule Follow-up',
  reassign: 'Reassign',
  snooze: 'Snooze 24h',
  resolve: 'Mark Resolved',
  escalate_now: 'Escalate now',
  decline: "Decline / can't take it",
};

export interface Person {
  id: string;
  workspaceId: string;
  externalId: string;
  name: string;
  email: string | null;
  role: Role;
  isAdmin: boolean;
  managerId: string | null;
  timezone: string;
  preferredChannel: Channel | null;
  identities: Partial<Record<Channel, Record<string, string>>>;
  /** Issue 20 item 5: where to re-notify, once, a card not acted on within `fallbackAfter`. */
  fallbackChannel?: Channel | null;
  /** A duration such as `30m`. */
  fallbackAfter?: string | null;
  /** Issue 20 item 1: their own working hours (`Mon-Fri 09:00-18:00`); null = the workspace's. */
  workingHours?: string | null;
  /** Issue 20 item 2: their own quiet windows, held on top of the workspace's. */
  quietWindows?: QuietWindow[];
}

export interface Customer {
  id: string;
  workspaceId: string;
  externalId: string;
  name: string;
  tier: Tier;
  csmId: string | null;
  arr: number | null;
  domains: string[];
}

export interface EscalationStep {
  /** Who is notified: the holders of this role. Absent on a channel step. */
  role?: Role;
  /**
   * A role channel (issue 20 item 6): `"slack:C0123ABCD"` — the card goes to that team
   * conversation instead of a person (src/engine/policy/channel-step.ts).
   */
  channel?: string;
  afterMs: number;
  /** `afterMs` counts the recipient's working hours (`"24bh"`), not calendar time. */
  business?: boolean;
}

export type NextActionKind = 'escalate' | 'resume' | 'wake';

/** What a snoozed alert waits for (issue 21 item 1): the snooze action's `until`. */
export const SNOOZE_UNTIL = ['duration', 'next_business_morning', 'customer_reply', 'paid'] as const;
export type SnoozeUntil = (typeof SNOOZE_UNTIL)[number];
/** `until: "duration"` is shown as `time`. */
export type WaitingFor = 'time' | 'next_business_morning' | 'customer_reply' | 'paid';

export interface Alert {
  id: string;
  workspaceId: string;
  /** Null for a workspace-level alert (feed_stale: a data feed went silent, no customer). */
  customerId: string | null;
  type: AlertType;
  dedupKey: string;
  status: AlertStatus;
  assigneeId: string | null;
  facts: Record<string, unknown>;
  escalation: EscalationStep[];
  step: number;
  token: number;
  version: number;
  chainStartedAt: Date;
  pausedAt: Date | null;
  pausedTotalMs: number;
  nextActionAt: Date | null;
  nextActionKind: NextActionKind | null;
  /** Set by Snooze; meaningful only while `status` is `snoozed` (null from older rows = time). */
  waitingFor?: WaitingFor | null;
  resolvedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface TimelineEvent {
  at: Date;
  kind: string;
  actorId?: string | null;
  targetId?: string | null;
  channel?: Channel | 'api' | 'system' | null;
  details?: Record<string, unknown>;
}

/** Where an inbound action came from: the channel, and the platform's event id when it has one. */
export interface ActionSource {
  channel: Channel | 'api';
  eventId?: string;
}

/** How a step is named in messages and cards: its role's label, or its channel. */
export function stepLabel(step: Pick<EscalationStep, 'role' | 'channel'>): string {
  if (step.channel) {
    const i = step.channel.indexOf(':');
    return `${step.channel.slice(0, i)} channel ${step.channel.slice(i + 1)}`;
  }
  return ROLE_LABELS[step.role ?? 'csm'];
}
