/**
 * Working hours, holidays and quiet windows as pure functions of an instant and a time zone
 * (issue 20). Nothing here reads a clock: every function is given the instant it reasons about.
 */
import { localDateTimeToUtc } from '../local-time.js';

export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/** One weekly range: the days it applies to (0 = Sunday) and minutes from local midnight. */
export interface HoursRange {
  days: number[];
  from: number;
  to: number;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

function minutes(hhmm: string): number | null {
  if (!TIME.test(hhmm)) return null;
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** `Mon-Fri`, `Sat`, `Sat-Sun`, `Fri-Mon` (wraps) → day numbers; null when malformed. */
export function parseDays(text: string): number[] | null {
  const idx = (d: string) =>
    WEEKDAYS.findIndex(
      (w) => w.toLowerCase() === d.trim().slice(0, 3).toLowerCase() && d.trim().length === 3,
    );
  const parts = text.split('-');
  if (parts.length === 1) {
    const d = idx(parts[0]!);
    return d < 0 ? null : [d];
  }
  if (parts.length !== 2) return null;
  const a = idx(parts[0]!);
  const b = idx(parts[1]!);
  if (a < 0 || b < 0) return null;
  const out: number[] = [];
  for (let d = a; ; d = (d + 1) % 7) {
    out.push(d);
    if (d === b) break;
  }
  return out;
}

/** A `HH:MM` / `24:00` pair → minutes; null unless from < to. */
export function parseSpan(from: string, to: string): { from: number; to: number } | null {
  const f = minutes(from.trim());
  const t = minutes(to.trim());
  if (f === null || t === null || f >= t || f === 1440) return null;
  return { from: f, to: t };
}

/**
 * `"Mon-Fri 09:00-18:00"`, several ranges comma-separated (`"Mon-Thu 09:00-17:00, Fri 09:00-13:00"`).
 * Null when any part is malformed.
 */
export function parseWorkingHours(text: string): HoursRange[] | null {
  const ranges: HoursRange[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z]{3}(?:-[A-Za-z]{3})?)\s+(\d{2}:\d{2})-(\d{2}:\d{2})\s*$/.exec(part);
    if (!m) return null;
    const days = parseDays(m[1]!);
    const span = parseSpan(m[2]!, m[3]!);
    if (!days || !span) return null;
    ranges.push({ days, ...span });
  }
  return ranges.length ? ranges : null;
}

/** The local calendar date, weekday and minute of `at` in `timeZone`. */
export function localParts(at: Date, timeZone: string): { date: string; weekday: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return { date, weekday, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

function addDays(date: string, n: number): { date: string; weekday: number } {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return { date: d.toISOString().slice(0, 10), weekday: d.getUTCDay() };
}

/** Local `date` + minute-of-day in `timeZone` as an instant (minute 1440 = next midnight). */
export function instant(date: string, minute: number, timeZone: string): Date {
  if (minute >= 1440) return instant(addDays(date, 1).date, minute - 1440, timeZone);
  const hh = String(Math.floor(minute / 60)).padStart(2, '0');
  const mm = String(minute % 60).padStart(2, '0');
  return localDateTimeToUtc(date, `${hh}:${mm}`, timeZone)!;
}

/** A recipient's calendar: weekly hours (null = always working), holidays, in their time zone. */
export interface Calendar {
  timeZone: string;
  hours: HoursRange[] | null;
  holidays: ReadonlySet<string>;
}

const HORIZON_DAYS = 400;

/**
 * The working range that contains `at`, or else the next one to start: its start (≥ at) and end.
 * Null when the calendar has no working time in the next ~year (every day a holiday).
 */
function workingSpan(at: Date, cal: Calendar): { start: Date; end: Date } | null {
  const hours = cal.hours!;
  const here = localParts(at, cal.timeZone);
  for (let d = 0; d < HORIZON_DAYS; d++) {
    const { date, weekday } = d === 0 ? here : addDays(here.date, d);
    if (cal.holidays.has(date)) continue;
    const today = hours.filter((r) => r.days.includes(weekday)).sort((a, b) => a.from - b.from);
    for (const r of today) {
      if (d === 0 && r.to <= here.minute) continue;
      const start = d === 0 && r.from <= here.minute ? at : instant(date, r.from, cal.timeZone);
      return { start, end: instant(date, r.to, cal.timeZone) };
    }
  }
  return null;
}

/** The first instant ≥ `at` inside the recipient's working hours (`at` itself when working). */
export function nextWorkingInstant(at: Date, cal: Calendar): Date {
  if (!cal.hours) return at;
  return workingSpan(at, cal)?.start ?? at;
}

/**
 * `start` plus `ms` of working time (a `"24bh"` delay). With no hours it is calendar time.
 */
export function addWorkingTime(start: Date, ms: number, cal: Calendar): Date {
  if (!cal.hours) return new Date(start.getTime() + ms);
  let t = start;
  let left = ms;
  for (let i = 0; i < 5000; i++) {
    const span = workingSpan(t, cal);
    if (!span) break;
    const available = span.end.getTime() - span.start.getTime();
    if (left <= available) return new Date(span.start.getTime() + left);
    left -= available;
    t = span.end;
  }
  return new Date(t.getTime() + left);
}
