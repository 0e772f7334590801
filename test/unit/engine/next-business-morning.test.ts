/** Snooze until the next business morning (issue 21 item 1): the start of the next working day. */
import { describe, expect, it } from '@jest/globals';
import { nextBusinessMorning } from '../../../src/engine/snooze.js';
import { parseWorkingHours } from '../../../src/engine/policy/hours.js';

const london = { timeZone: 'Europe/London', hours: null, holidays: new Set<string>() };
const at = (iso: string) => nextBusinessMorning(new Date(iso), london).toISOString();

describe('nextBusinessMorning', () => {
  it('is today at 09:00 before working hours, tomorrow at 09:00 during or after them', () => {
    expect(at('2026-12-01T07:00:00Z')).toBe('2026-12-01T09:00:00.000Z'); // Tue 07:00 → Tue 09:00
    expect(at('2026-12-01T10:00:00Z')).toBe('2026-12-02T09:00:00.000Z'); // Tue 10:00 → Wed
    expect(at('2026-12-01T20:00:00Z')).toBe('2026-12-02T09:00:00.000Z');
  });
  it('skips the weekend and holidays, in the person’s time zone and hours', () => {
    expect(at('2026-12-04T20:00:00Z')).toBe('2026-12-07T09:00:00.000Z'); // Fri evening → Mon
    const ny = {
      timeZone: 'America/New_York',
      hours: parseWorkingHours('Mon-Thu 08:00-16:00'),
      holidays: new Set(['2026-12-07']),
    };
    // Thu 17:00 New York → Fri off, Mon a holiday → Tue 08:00 (13:00 UTC).
    expect(nextBusinessMorning(new Date('2026-12-03T22:00:00Z'), ny).toISOString()).toBe(
      '2026-12-08T13:00:00.000Z',
    );
  });
});
