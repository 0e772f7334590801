import * as chrono from 'chrono-node';
import { localDateTimeToUtc } from '../../engine/index.js';

/** UTC offset (minutes) of a time zone at an instant. */
function offsetMinutes(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(at);
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'));
  return Math.round((wall - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * "tomorrow 3pm", "Fri 10:00", "next Monday" in the person's time zone → a UTC instant. chrono reads
 * the words relative to the person's local "now"; the wall-clock result is converted with the
 * engine's localDateTimeToUtc, which handles DST changes between now and then. A date without a
 * time means 09:00, as on the other channels' follow-up forms.
 */
export function parseNaturalDate(text: string, timeZone: string, now: Date): Date | null {
  let tz = timeZone;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    tz = 'UTC';
  }
  const r = chrono.parse(text, { instant: now, timezone: offsetMinutes(tz, now) }, { forwardDate: true })[0];
  if (!r) return null;
  const s = r.start;
  const date = `${s.get('year')}-${pad(s.get('month') ?? 1)}-${pad(s.get('day') ?? 1)}`;
  const time = s.isCertain('hour') ? `${pad(s.get('hour') ?? 9)}:${pad(s.get('minute') ?? 0)}` : '09:00';
  return localDateTimeToUtc(date, time, tz);
}

/** "Fri 27 Nov, 10:00 (Europe/London)" for confirmations. */
export function formatLocal(at: Date, timeZone: string): string {
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return `${f.format(at)} (${timeZone})`;
}
