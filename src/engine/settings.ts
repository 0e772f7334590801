import { formatDuration, parseDurationMs } from './duration.js';
import { CHANNELS, ROLES, TIERS, type Channel, type EscalationStep, type Role, type Tier } from './types.js';
import { CATEGORIES, SENTIMENTS, type Category, type SentimentLabel } from './analysis/types.js';
import {
  DEFAULT_POLICY,
  mergePolicyFields,
  parseBusinessHours,
  type PolicySettings,
} from './policy/settings-fields.js';
import { parseStepChannel, type StepChannelFormats } from './policy/channel-step.js';
import { mergeFeedsField, type FeedsSetting } from './feeds-settings.js';

/** One step of the chain as set: `{"role": "vp_cs", "after": "48h"}` or `{"channel": "slack:C0123ABCD", "after": "48h"}`. */
export type EscalationSetting = { role: Role; after: string } | { channel: string; after: string };

/** Framing shown on a usage alert card, per tier. */
export interface Framing {
  emoji: string;
  label: string;
}

/** Workspace settings as the API and chat dialogs show them (DESIGN.md §5 defaults). */
export interface WorkspaceSettings extends PolicySettings {
  usageThresholds: Record<Tier, number>;
  framing: Record<Tier, Framing>;
  collectionsOverdueDays: number;
  cooldown: string;
  ackTimeout: string;
  snooze: string;
  /** A message queued longer than this is dropped, never sent late (issue 21; ≥ 5 s). */
  deliveryExpiry: string;
  /** Each step notifies a role's holders, or (`channel`, issue 20 item 6) a team conversation. */
  escalation: EscalationSetting[];
  /** Morning brief local time (HH:MM, workspace timezone). */
  briefTime: string;
  /**
   * Digests beyond the CFO (issue 21): a CSM's daily digest at `csmDaily` (HH:MM) and a manager's
   * weekly one at `managerWeekly` ("Mon 09:00"), each in the recipient's own time zone; null = off.
   */
  digests: { csmDaily: string | null; managerWeekly: string | null };
  /**
   * A monthly message cap per channel (issue 21 item 7, e.g. `{"<channel>": {"monthlyCap": 5000}}`):
   * past it, people get their messages on their other channel until the month ends. None by default.
   */
  channelCaps: Partial<Record<Channel, { monthlyCap: number | null }>>;
  /** Expected cadence of each data feed (issue 21 item 3, engine/feeds-settings.ts); none watched by default. */
  feeds: FeedsSetting;
  timezone: string;
  /** Which ticket scores raise a support-risk alert for the customer's CSM. */
  supportRisk: { sentiments: SentimentLabel[]; categories: Category[] };
  /** Recommended next steps per revenue-risk category (alert cards, `customer <name>`). */
  playbooks: Partial<Record<Category, string[]>>;
}

/** Default playbooks: what a CSM does next for each category. Workspace-editable. */
export const DEFAULT_PLAYBOOKS: Partial<Record<Category, string[]>> = {
  billing_dispute: [
    'Pull the invoice and the contract terms',
    'Confirm the disputed amount with Finance',
    'Reply within one business day with the correction or the explanation',
  ],
  cancellation_request: [
    'Call the decision maker within 24 hours',
    'Review usage and value delivered before the call',
    'Prepare a save offer with your manager',
  ],
  legal_threat: [
    'Do not reply in writing before Legal has seen the thread',
    'Inform your manager and Legal today',
    'Collect the timeline of incidents and SLA credits',
  ],
  competitor_mention: [
    'Find out which competitor and what triggered the evaluation',
    'Share the roadmap items that answer the gap',
    'Offer an executive business review',
  ],
  product_bug: ['Reproduce and link the engineering ticket', 'Give the customer a date for the next update'],
  service_outage: [
    'Share the incident status page and ETA',
    'Offer SLA credits where the contract provides them',
    'Send the post-incident report',
  ],
  security_concern: [
    'Loop in the security team today',
    'Do not speculate about impact in writing',
    'Send the security documentation (SOC 2, DPA) the customer asked for',
  ],
  refund_request: [
    'Check the contract and the billing history',
    'Agree the refund or credit with Finance',
    'Confirm the amount and timing to the customer',
  ],
  downgrade: [
    'Understand the reason (budget, adoption, reorganisation)',
    'Show usage by team before agreeing the new seat count',
    'Offer a right-sized plan instead of a cut',
  ],
  pricing_objection: [
    'Quantify the value delivered (usage, outcomes)',
    'Discuss term length or scope options with your manager',
    'Avoid discounting before the value conversation',
  ],
  executive_escalation: [
    'Brief your manager and the executive sponsor today',
    'Book an executive call within 48 hours',
    'Send a written recovery plan',
  ],
};

const EXPANSION: Framing = { emoji: '🚀', label: 'Expansion Opportunity' };
const HEADS_UP: Framing = { emoji: '⚠️', label: 'Heads Up' };
const RISK: Framing = { emoji: '🚨', label: 'Risk Alert' };

export const DEFAULT_SETTINGS: WorkspaceSettings = {
  usageThresholds: { platinum: 85, good: 80, average: 75, poor: 70, critical: 70 },
  framing: { platinum: EXPANSION, good: EXPANSION, average: HEADS_UP, poor: RISK, critical: RISK },
  collectionsOverdueDays: 14,
  cooldown: '24h',
  ackTimeout: '24h',
  snooze: '24h',
  deliveryExpiry: '24h',
  escalation: [
    { role: 'csm', after: '0s' },
    { role: 'csm_manager', after: '24h' },
    { role: 'vp_cs', after: '48h' },
    { role: 'cfo', after: '72h' },
  ],
  briefTime: '08:00',
  digests: { csmDaily: null, managerWeekly: null },
  channelCaps: {},
  feeds: {},
  timezone: 'UTC',
  supportRisk: {
    sentiments: ['hostile', 'distressed'],
    categories: ['legal_threat', 'cancellation_request', 'security_concern'],
  },
  playbooks: DEFAULT_PLAYBOOKS,
  ...DEFAULT_POLICY,
};

/** Stored settings merged over the defaults (stored values may be partial or from an older version). */
export function effectiveSettings(stored: unknown, timezone?: string): WorkspaceSettings {
  const s = (stored && typeof stored === 'object' ? stored : {}) as Partial<WorkspaceSettings>;
  return {
    ...DEFAULT_SETTINGS,
    ...s,
    usageThresholds: { ...DEFAULT_SETTINGS.usageThresholds, ...(s.usageThresholds ?? {}) },
    framing: { ...DEFAULT_SETTINGS.framing, ...(s.framing ?? {}) },
    escalation: s.escalation ?? DEFAULT_SETTINGS.escalation,
    supportRisk: { ...DEFAULT_SETTINGS.supportRisk, ...(s.supportRisk ?? {}) },
    digests: { ...DEFAULT_SETTINGS.digests, ...(s.digests ?? {}) },
    channelCaps: { ...(s.channelCaps ?? {}) },
    feeds: { ...(s.feeds ?? {}) },
    playbooks: { ...DEFAULT_PLAYBOOKS, ...(s.playbooks ?? {}) },
    timezone: timezone ?? s.timezone ?? DEFAULT_SETTINGS.timezone,
  };
}

export type FieldErrors = Record<string, string>;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** `"Mon 09:00"` (any case, a full day name too) → weekday 0–6 (Sunday 0) and HH:MM; null if not. */
export function parseWeekly(v: string): { weekday: number; time: string } | null {
  const m = /^\s*([a-z]{3})[a-z]*\s+(\d{1,2}:\d{2})\s*$/i.exec(v);
  if (!m) return null;
  const weekday = WEEKDAYS.findIndex((d) => d.toLowerCase() === m[1]!.toLowerCase());
  const time = m[2]!.padStart(5, '0');
  return weekday >= 0 && HHMM.test(time) ? { weekday, time } : null;
}
export const formatWeekly = (w: { weekday: number; time: string }) => `${WEEKDAYS[w.weekday]} ${w.time}`;

/** Cooldown, ack timeout, snooze and escalation delays: at most 365 days (a larger one overflowed timers). */
const MAX_SETTING_DURATION_MS = 365 * 86_400_000;

export class SettingsValidationError extends Error {
  constructor(public readonly fields: FieldErrors) {
    super(
      `Invalid settings: ${Object.entries(fields)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')}`,
    );
    this.name = 'SettingsValidationError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Merges a partial update into the current settings and validates the result field by field.
 * Throws SettingsValidationError naming every bad field (dotted path → what is wrong).
 */
export function mergeSettings(
  current: WorkspaceSettings,
  patch: unknown,
  /** Channels with team conversations and their id formats (src/channels/step-channels.ts). */
  opts: { stepChannels?: StepChannelFormats } = {},
): WorkspaceSettings {
  const errors: FieldErrors = {};
  if (!isRecord(patch)) throw new SettingsValidationError({ '': 'settings must be a JSON object' });
  const next: WorkspaceSettings = structuredClone(current);
  const known = new Set(Object.keys(DEFAULT_SETTINGS));
  for (const key of Object.keys(patch)) if (!known.has(key)) errors[key] = 'is not a setting';

  if (patch.usageThresholds !== undefined) {
    if (!isRecord(patch.usageThresholds)) errors.usageThresholds = 'must be an object of tier → percent';
    else
      for (const [tier, v] of Object.entries(patch.usageThresholds)) {
        if (!(TIERS as readonly string[]).includes(tier))
          errors[`usageThresholds.${tier}`] = `unknown tier (tiers: ${TIERS.join(', ')})`;
        else if (typeof v !== 'number' || !Number.isFinite(v) || v < 1 || v > 1000)
          errors[`usageThresholds.${tier}`] = 'must be a percentage between 1 and 1000, e.g. 80';
        else next.usageThresholds[tier as Tier] = v;
      }
  }
  if (patch.framing !== undefined) {
    if (!isRecord(patch.framing)) errors.framing = 'must be an object of tier → {emoji, label}';
    else
      for (const [tier, v] of Object.entries(patch.framing)) {
        if (!(TIERS as readonly string[]).includes(tier)) errors[`framing.${tier}`] = 'unknown tier';
        else if (!isRecord(v) || typeof v.label !== 'string' || !v.label.trim() || v.label.length > 60)
          errors[`framing.${tier}`] =
            'must be {"emoji": "🚀", "label": "Expansion Opportunity"} with a label of 1–60 characters';
        else if (typeof v.emoji === 'string' && v.emoji.length > 16)
          errors[`framing.${tier}.emoji`] = 'must be at most 16 characters';
        else
          next.framing[tier as Tier] = {
            emoji: typeof v.emoji === 'string' ? v.emoji : '',
            label: v.label.trim(),
          };
      }
  }
  if (patch.collectionsOverdueDays !== undefined) {
    const v = patch.collectionsOverdueDays;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 365)
      errors.collectionsOverdueDays = 'must be a whole number of days between 0 and 365, e.g. 14';
    else next.collectionsOverdueDays = v;
  }
  for (const key of ['cooldown', 'ackTimeout', 'snooze', 'deliveryExpiry'] as const) {
    const v = patch[key];
    if (v === undefined) continue;
    const ms = typeof v === 'string' ? parseDurationMs(v) : null;
    if (ms === null) errors[key] = 'must be a duration such as 90s, 15m, 24h or 2d';
    else if (ms > MAX_SETTING_DURATION_MS) errors[key] = 'must be at most 365d';
    else if (key === 'deliveryExpiry' && ms < 5000) errors[key] = 'must be at least 5s';
    else if (key !== 'cooldown' && ms < 1000) errors[key] = 'must be at least 1s';
    else next[key] = formatDuration(ms);
  }
  if (patch.escalation !== undefined) {
    const steps = patch.escalation;
    if (!Array.isArray(steps) || steps.length === 0 || steps.length > 10)
      errors.escalation = 'must be a list of 1 to 10 steps like {"role": "csm_manager", "after": "24h"}';
    else {
      const out: EscalationSetting[] = [];
      let previous = -1;
      steps.forEach((step: unknown, i) => {
        if (!isRecord(step))
          return void (errors[`escalation.${i}`] = 'must be {"role", "after"} or {"channel", "after"}');
        const role = step.role;
        // A role channel (issue 20 item 6): "<channel>:<conversation id>" instead of a role.
        const channel =
          step.channel === undefined ? undefined : parseStepChannel(step.channel, opts.stepChannels ?? null);
        if (channel !== undefined && role !== undefined)
          errors[`escalation.${i}.channel`] = 'a step has either a role or a channel, not both';
        else if (typeof channel === 'string') errors[`escalation.${i}.channel`] = channel;
        else if (channel) {
          if (i === 0) errors[`escalation.${i}.channel`] = 'the first step must notify the csm';
        } else if (
          typeof role !== 'string' ||
          !(ROLES as readonly string[]).includes(role) ||
          role === 'admin'
        )
          errors[`escalation.${i}.role`] =
            'must be one of csm, csm_manager, vp_cs, cfo (or give "channel": "slack:C0123ABCD")';
        // `"24bh"` counts the recipient's business hours (issue 20); it is not compared with
        // calendar delays, whose order against it depends on the calendar.
        const bh = typeof step.after === 'string' ? parseBusinessHours(step.after) : null;
        const ms = bh ?? (typeof step.after === 'string' ? parseDurationMs(step.after) : null);
        if (ms === null)
          errors[`escalation.${i}.after`] =
            'must be a duration such as 0s, 90s, 15m or 24h, or business hours such as 24bh';
        else if (ms > MAX_SETTING_DURATION_MS) errors[`escalation.${i}.after`] = 'must be at most 365d';
        else if (bh === null && ms < previous)
          errors[`escalation.${i}.after`] = 'must not be earlier than the step before it';
        else if (bh === null) previous = ms;
        const after = bh !== null ? `${ms! / 3_600_000}bh` : formatDuration(ms ?? 0);
        if (ms !== null && channel && typeof channel !== 'string')
          out.push({ channel: `${channel.kind}:${channel.id}`, after });
        else if (ms !== null && typeof role === 'string') out.push({ role: role as Role, after });
      });
      if (
        steps.length > 0 &&
        isRecord(steps[0]) &&
        steps[0].role !== 'csm' &&
        !errors['escalation.0.role'] &&
        !errors['escalation.0.channel']
      )
        errors['escalation.0.role'] = 'the first step must notify the csm';
      next.escalation = out;
    }
  }
  if (patch.briefTime !== undefined) {
    const v = patch.briefTime;
    if (typeof v !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(v))
      errors.briefTime = 'must be a 24-hour time HH:MM, e.g. 08:00';
    else next.briefTime = v;
  }
  if (patch.digests !== undefined) {
    const v = patch.digests;
    if (!isRecord(v))
      errors.digests = 'must be an object like {"csmDaily": "08:30", "managerWeekly": "Mon 09:00"}';
    else {
      const d = { ...next.digests };
      for (const k of Object.keys(v))
        if (k !== 'csmDaily' && k !== 'managerWeekly') errors[`digests.${k}`] = 'is not a digest';
      if (v.csmDaily !== undefined) {
        if (v.csmDaily === null || v.csmDaily === '') d.csmDaily = null;
        else if (typeof v.csmDaily !== 'string' || !HHMM.test(v.csmDaily))
          errors['digests.csmDaily'] = 'must be a 24-hour time HH:MM such as 08:30, or null (off)';
        else d.csmDaily = v.csmDaily;
      }
      if (v.managerWeekly !== undefined) {
        if (v.managerWeekly === null || v.managerWeekly === '') d.managerWeekly = null;
        else if (typeof v.managerWeekly !== 'string' || !parseWeekly(v.managerWeekly))
          errors['digests.managerWeekly'] = 'must be a weekday and a time such as "Mon 09:00", or null (off)';
        else d.managerWeekly = formatWeekly(parseWeekly(v.managerWeekly)!);
      }
      next.digests = d;
    }
  }
  if (patch.channelCaps !== undefined) {
    const v = patch.channelCaps;
    if (!isRecord(v)) errors.channelCaps = 'must be an object of channel → {"monthlyCap": n}';
    else {
      const caps = { ...next.channelCaps };
      for (const [ch, cap] of Object.entries(v)) {
        if (!(CHANNELS as readonly string[]).includes(ch)) {
          errors[`channelCaps.${ch}`] = `is not a channel (${CHANNELS.join(', ')})`;
          continue;
        }
        const n = isRecord(cap) ? cap.monthlyCap : undefined;
        if (cap === null || n === null) delete caps[ch as Channel];
        else if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 100_000_000)
          errors[`channelCaps.${ch}.monthlyCap`] =
            'must be a whole number of messages of at least 1, or null (no cap)';
        else caps[ch as Channel] = { monthlyCap: n };
      }
      next.channelCaps = caps;
    }
  }
  if (patch.timezone !== undefined) {
    const v = patch.timezone;
    if (typeof v !== 'string' || !isValidTimezone(v))
      errors.timezone = 'must be an IANA time zone such as Europe/London';
    else next.timezone = v;
  }
  if (patch.supportRisk !== undefined) {
    const v = patch.supportRisk;
    if (!isRecord(v)) errors.supportRisk = 'must be {"sentiments": [...], "categories": [...]}';
    else {
      for (const key of Object.keys(v))
        if (key !== 'sentiments' && key !== 'categories') errors[`supportRisk.${key}`] = 'is not a setting';
      if (v.sentiments !== undefined) {
        if (
          !Array.isArray(v.sentiments) ||
          v.sentiments.some((x) => !(SENTIMENTS as readonly unknown[]).includes(x))
        )
          errors['supportRisk.sentiments'] = `must be a list of sentiment labels (${SENTIMENTS.join(', ')})`;
        else next.supportRisk.sentiments = [...new Set(v.sentiments as SentimentLabel[])];
      }
      if (v.categories !== undefined) {
        if (
          !Array.isArray(v.categories) ||
          v.categories.some((x) => !(CATEGORIES as readonly unknown[]).includes(x) || x === 'none')
        )
          errors['supportRisk.categories'] =
            `must be a list of categories (${CATEGORIES.filter((c) => c !== 'none').join(', ')})`;
        else next.supportRisk.categories = [...new Set(v.categories as Category[])];
      }
    }
  }
  if (patch.playbooks !== undefined) {
    const v = patch.playbooks;
    if (!isRecord(v)) errors.playbooks = 'must be an object of category → list of steps';
    else
      for (const [cat, steps] of Object.entries(v)) {
        if (!(CATEGORIES as readonly string[]).includes(cat))
          errors[`playbooks.${cat}`] = `unknown category (categories: ${CATEGORIES.join(', ')})`;
        else if (
          !Array.isArray(steps) ||
          steps.length > 10 ||
          steps.some((x) => typeof x !== 'string' || !x.trim() || x.length > 200)
        )
          errors[`playbooks.${cat}`] = 'must be a list of up to 10 steps, each 1–200 characters';
        else next.playbooks = { ...next.playbooks, [cat]: steps.map((x: string) => x.trim()) };
      }
  }
  mergePolicyFields(patch, next, errors);
  mergeFeedsField(patch, next, errors);
  if (Object.keys(errors).length > 0) throw new SettingsValidationError(errors);
  return next;
}

/** The chain to snapshot onto a new alert. */
export function escalationSnapshot(settings: WorkspaceSettings): EscalationStep[] {
  return settings.escalation.map((s) => {
    const bh = parseBusinessHours(s.after);
    const who = 'channel' in s ? { channel: s.channel } : { role: s.role };
    return bh !== null
      ? { ...who, afterMs: bh, business: true }
      : { ...who, afterMs: parseDurationMs(s.after) ?? 0 };
  });
}

export function durationSetting(
  settings: WorkspaceSettings,
  key: 'cooldown' | 'ackTimeout' | 'snooze' | 'deliveryExpiry',
): number {
  return parseDurationMs(settings[key]) ?? parseDurationMs(DEFAULT_SETTINGS[key])!;
}
