import { formatDuration, parseDurationMs } from './duration.js';
import { ROLES, TIERS, type EscalationStep, type Role, type Tier } from './types.js';

/** Framing shown on a usage alert card, per tier. */
export interface Framing {
  emoji: string;
  label: string;
}

/** Workspace settings as the API and chat dialogs show them (DESIGN.md §5 defaults). */
export interface WorkspaceSettings {
  usageThresholds: Record<Tier, number>;
  framing: Record<Tier, Framing>;
  collectionsOverdueDays: number;
  cooldown: string;
  ackTimeout: string;
  snooze: string;
  escalation: { role: Role; after: string }[];
  /** Morning brief local time (HH:MM, workspace timezone). */
  briefTime: string;
  timezone: string;
}

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
  escalation: [
    { role: 'csm', after: '0s' },
    { role: 'csm_manager', after: '24h' },
    { role: 'vp_cs', after: '48h' },
    { role: 'cfo', after: '72h' },
  ],
  briefTime: '08:00',
  timezone: 'UTC',
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
    timezone: timezone ?? s.timezone ?? DEFAULT_SETTINGS.timezone,
  };
}

export type FieldErrors = Record<string, string>;

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
export function mergeSettings(current: WorkspaceSettings, patch: unknown): WorkspaceSettings {
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
        else if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || v > 1000)
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
  for (const key of ['cooldown', 'ackTimeout', 'snooze'] as const) {
    const v = patch[key];
    if (v === undefined) continue;
    const ms = typeof v === 'string' ? parseDurationMs(v) : null;
    if (ms === null) errors[key] = 'must be a duration such as 90s, 15m, 24h or 2d';
    else if (key !== 'cooldown' && ms < 1000) errors[key] = 'must be at least 1s';
    else next[key] = formatDuration(ms);
  }
  if (patch.escalation !== undefined) {
    const steps = patch.escalation;
    if (!Array.isArray(steps) || steps.length === 0 || steps.length > 10)
      errors.escalation = 'must be a list of 1 to 10 steps like {"role": "csm_manager", "after": "24h"}';
    else {
      const out: { role: Role; after: string }[] = [];
      let previous = -1;
      steps.forEach((step: unknown, i) => {
        if (!isRecord(step)) return void (errors[`escalation.${i}`] = 'must be {"role", "after"}');
        const role = step.role;
        if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role) || role === 'admin')
          errors[`escalation.${i}.role`] = 'must be one of csm, csm_manager, vp_cs, cfo';
        const ms = typeof step.after === 'string' ? parseDurationMs(step.after) : null;
        if (ms === null) errors[`escalation.${i}.after`] = 'must be a duration such as 0s, 90s, 15m or 24h';
        else if (ms < previous)
          errors[`escalation.${i}.after`] = 'must not be earlier than the step before it';
        else previous = ms;
        if (ms !== null && typeof role === 'string')
          out.push({ role: role as Role, after: formatDuration(ms) });
      });
      if (steps.length > 0 && isRecord(steps[0]) && steps[0].role !== 'csm' && !errors['escalation.0.role'])
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
  if (patch.timezone !== undefined) {
    const v = patch.timezone;
    if (typeof v !== 'string' || !isValidTimezone(v))
      errors.timezone = 'must be an IANA time zone such as Europe/London';
    else next.timezone = v;
  }
  if (Object.keys(errors).length > 0) throw new SettingsValidationError(errors);
  return next;
}

/** The chain to snapshot onto a new alert. */
export function escalationSnapshot(settings: WorkspaceSettings): EscalationStep[] {
  return settings.escalation.map((s) => ({ role: s.role, afterMs: parseDurationMs(s.after) ?? 0 }));
}

export function durationSetting(
  settings: WorkspaceSettings,
  key: 'cooldown' | 'ackTimeout' | 'snooze',
): number {
  return parseDurationMs(settings[key]) ?? parseDurationMs(DEFAULT_SETTINGS[key])!;
}
