/**
 * The escalation-policy settings (issue 20): validation of the patch fields and the calendar a
 * recipient is held to. Kept beside the policy so src/engine/settings.ts only calls in.
 */
import { parseDurationMs, formatDuration } from '../duration.js';
import type { Person } from '../types.js';
import { parseDays, parseSpan, parseWorkingHours, type Calendar } from './hours.js';
import type { QuietBypass, QuietWindow } from './holds.js';

export interface PolicySettings {
  /** Workspace default working hours (`"Mon-Fri 09:00-18:00"`); null = nothing is held for hours. */
  workingHours: string | null;
  /** Dates (`YYYY-MM-DD`, in each recipient's time zone) on which nobody is working. */
  holidays: string[];
  quietWindows: QuietWindow[];
  /** Alerts at or above this rule go out inside quiet windows; null = none bypass. */
  quietBypass: QuietBypass | null;
  /** A reassigned alert's response window before the chain resumes; null = the chain restarts. */
  reassignResponse: string | null;
}

export const DEFAULT_POLICY: PolicySettings = {
  workingHours: null,
  holidays: [],
  quietWindows: [],
  quietBypass: null,
  reassignResponse: null,
};

export const WORKING_HOURS_HELP = 'must be like "Mon-Fri 09:00-18:00" (several ranges comma-separated)';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function validDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const isInstant = (s: unknown): s is string =>
  typeof s === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(s) && !Number.isNaN(new Date(s).getTime());

/** Validates the policy fields of a settings patch into `next`, naming each bad field in `errors`. */
export function mergePolicyFields(
  patch: Record<string, unknown>,
  next: PolicySettings,
  errors: Record<string, string>,
): void {
  if (patch.workingHours !== undefined) {
    const v = patch.workingHours;
    if (v === null) next.workingHours = null;
    else if (typeof v !== 'string' || !parseWorkingHours(v)) errors.workingHours = WORKING_HOURS_HELP;
    else next.workingHours = v.trim();
  }
  if (patch.holidays !== undefined) {
    const v = patch.holidays;
    if (!Array.isArray(v) || v.length > 366) errors.holidays = 'must be a list of dates like "2026-12-25"';
    else {
      v.forEach((d, i) => {
        if (!validDate(d)) errors[`holidays.${i}`] = 'must be a date YYYY-MM-DD, e.g. 2026-12-25';
      });
      next.holidays = [...new Set(v as string[])].sort();
    }
  }
  if (patch.quietWindows !== undefined) {
    const v = patch.quietWindows;
    if (!Array.isArray(v) || v.length > 20)
      errors.quietWindows =
        'must be a list of up to 20 windows like {"days": "Sat-Sun", "from": "00:00", "to": "24:00"}';
    else {
      const out: QuietWindow[] = [];
      v.forEach((w: unknown, i) => {
        const key = `quietWindows.${i}`;
        if (!isRecord(w)) return void (errors[key] = 'must be {"days","from","to"} or {"start","end"}');
        if (w.start !== undefined || w.end !== undefined) {
          if (!isInstant(w.start)) errors[`${key}.start`] = 'must be an ISO 8601 instant';
          if (!isInstant(w.end)) errors[`${key}.end`] = 'must be an ISO 8601 instant';
          else if (isInstant(w.start) && new Date(w.end) <= new Date(w.start))
            errors[`${key}.end`] = 'must be after start';
          if (isInstant(w.start) && isInstant(w.end))
            out.push({
              start: new Date(w.start).toISOString(),
              end: new Date(w.end).toISOString(),
              ...(typeof w.label === 'string' ? { label: w.label.slice(0, 100) } : {}),
            });
          return;
        }
        if (typeof w.days !== 'string' || !parseDays(w.days))
          errors[`${key}.days`] = 'must be a day or range such as "Sat-Sun" or "Mon"';
        if (typeof w.from !== 'string' || typeof w.to !== 'string' || !parseSpan(w.from, w.to))
          errors[`${key}.from`] = 'from/to must be HH:MM with from before to ("24:00" ends at midnight)';
        else if (typeof w.days === 'string') out.push({ days: w.days, from: w.from, to: w.to });
      });
      next.quietWindows = out;
    }
  }
  if (patch.quietBypass !== undefined) {
    const v = patch.quietBypass;
    if (v === null) next.quietBypass = null;
    else if (!isRecord(v))
      errors.quietBypass = 'must be {"arrAtLeast", "overdueDaysAtLeast", "categories"} or null';
    else {
      const rule: QuietBypass = {};
      for (const k of Object.keys(v))
        if (!['arrAtLeast', 'overdueDaysAtLeast', 'categories'].includes(k))
          errors[`quietBypass.${k}`] = 'is not a setting';
      for (const k of ['arrAtLeast', 'overdueDaysAtLeast'] as const) {
        if (v[k] === undefined) continue;
        const n = v[k];
        if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
          errors[`quietBypass.${k}`] = 'must be a number ≥ 0';
        else rule[k] = n;
      }
      if (v.categories !== undefined) {
        if (!Array.isArray(v.categories) || v.categories.some((c) => typeof c !== 'string'))
          errors['quietBypass.categories'] = 'must be a list of categories such as ["legal_threat"]';
        else rule.categories = v.categories as string[];
      }
      next.quietBypass = rule;
    }
  }
  if (patch.reassignResponse !== undefined) {
    const v = patch.reassignResponse;
    const ms = typeof v === 'string' ? parseDurationMs(v) : null;
    if (v === null) next.reassignResponse = null;
    else if (ms === null || ms < 1000)
      errors.reassignResponse = 'must be a duration of at least 1s, e.g. 4h, or null';
    else next.reassignResponse = formatDuration(ms);
  }
}

/**
 * A person's own quiet windows (issue 20 item 2), validated as the workspace's are: the windows,
 * or the errors keyed `quietWindows.N.<field>`.
 */
export function parseQuietWindows(
  v: unknown,
): { ok: true; windows: QuietWindow[] } | { ok: false; errors: Record<string, string> } {
  const next = { ...DEFAULT_POLICY };
  const errors: Record<string, string> = {};
  mergePolicyFields({ quietWindows: v }, next, errors);
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, windows: next.quietWindows };
}

/** The calendar a recipient is held to: their zone, their hours (else the workspace's) and holidays. */
export function calendarFor(
  person: Pick<Person, 'timezone' | 'workingHours'> | null,
  s: PolicySettings,
  workspaceTz: string,
): Calendar {
  // The person's own hours win over the workspace's (issue 20 item 1); neither = always working.
  const text = person?.workingHours || s.workingHours;
  const hours = text ? parseWorkingHours(text) : null;
  return { timeZone: person?.timezone || workspaceTz, hours, holidays: new Set(s.holidays) };
}

/** `"24bh"` → 24 business hours in ms; null when not a business-hours delay. */
export function parseBusinessHours(v: string): number | null {
  const m = /^\s*(\d+)bh\s*$/.exec(v);
  return m ? Number(m[1]) * 3_600_000 : null;
}
