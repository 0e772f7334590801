/**
 * When may a step be delivered to a recipient? Working hours hold every step until the
 * recipient's next working instant; quiet windows hold it until the window ends unless the alert
 * passes the bypass rule. Pure: the instant is given, nothing is read from a clock.
 */
import { instant, localParts, nextWorkingInstant, parseDays, parseSpan, type Calendar } from './hours.js';

/** A recurring window in the recipient's local time, or a one-off window between two instants. */
export type QuietWindow =
  { days: string; from: string; to: string } | { start: string; end: string; label?: string };

export interface QuietBypass {
  arrAtLeast?: number;
  overdueDaysAtLeast?: number;
  categories?: string[];
}

/** What the bypass rule looks at. */
export interface AlertFacts {
  type: string;
  arr: number | null;
  facts: Record<string, unknown>;
}

export type HoldReason = 'working_hours' | 'quiet_window';

export interface Hold {
  until: Date;
  by: HoldReason;
}

/** True when the alert is important enough to go out inside a quiet window. */
export function bypassesQuiet(alert: AlertFacts, rule: QuietBypass | null | undefined): boolean {
  if (!rule) return false;
  if (rule.arrAtLeast !== undefined && alert.arr !== null && alert.arr >= rule.arrAtLeast) return true;
  const overdue = Number(alert.facts.maxDaysOverdue ?? alert.facts.daysOverdue ?? NaN);
  if (rule.overdueDaysAtLeast !== undefined && Number.isFinite(overdue) && overdue >= rule.overdueDaysAtLeast)
    return true;
  const category = typeof alert.facts.category === 'string' ? alert.facts.category : null;
  return !!(category && rule.categories?.includes(category));
}

/** The end of the quiet window containing `at`, or null when `at` is not in one. */
function quietEnd(at: Date, w: QuietWindow, timeZone: string): Date | null {
  if ('start' in w) {
    const s = new Date(w.start).getTime();
    const e = new Date(w.end).getTime();
    return at.getTime() >= s && at.getTime() < e ? new Date(e) : null;
  }
  const days = parseDays(w.days);
  const span = parseSpan(w.from, w.to);
  if (!days || !span) return null;
  const here = localParts(at, timeZone);
  if (!days.includes(here.weekday) || here.minute < span.from || here.minute >= span.to) return null;
  // Ends at `to` today; a 24:00 end runs into tomorrow's window when that starts at 00:00 (holdFor loops).
  return instant(here.date, span.to, timeZone);
}

/**
 * The instant a delivery planned at `at` can actually go out, and what held it (null = now).
 * Applies working hours and quiet windows until both are satisfied.
 */
export function holdFor(at: Date, cal: Calendar, quiet: QuietWindow[], bypassed: boolean): Hold | null {
  let t = at;
  let by: HoldReason | null = null;
  for (let i = 0; i < 100; i++) {
    const working = nextWorkingInstant(t, cal);
    if (working.getTime() > t.getTime()) {
      t = working;
      by = 'working_hours';
      continue;
    }
    if (bypassed) break;
    let moved = false;
    for (const w of quiet) {
      const end = quietEnd(t, w, cal.timeZone);
      if (end && end.getTime() > t.getTime()) {
        t = end;
        by = 'quiet_window';
        moved = true;
      }
    }
    if (!moved) break;
  }
  return by && t.getTime() > at.getTime() ? { until: t, by } : null;
}

/** `"09:00 Mon"` in the recipient's time zone, for the timeline ("held until 09:00 Mon"). */
export function formatHoldUntil(until: Date, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(until);
  const get = (t: string) => f.find((p) => p.type === t)?.value ?? '';
  return `${get('hour')}:${get('minute')} ${get('weekday')}`;
}
