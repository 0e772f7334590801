import { describe, expect, it } from '@jest/globals';
import {
  addWorkingTime,
  nextWorkingInstant,
  parseWorkingHours,
  type Calendar,
} from '../../../../src/engine/policy/hours.js';
import { bypassesQuiet, formatHoldUntil, holdFor } from '../../../../src/engine/policy/holds.js';
import { DEFAULT_SETTINGS, mergeSettings, SettingsValidationError } from '../../../../src/engine/settings.js';

const ny = (hours: string | null, holidays: string[] = []): Calendar => ({
  timeZone: 'America/New_York',
  hours: hours ? parseWorkingHours(hours) : null,
  holidays: new Set(holidays),
});

describe('working hours', () => {
  it('parses several ranges and refuses malformed ones', () => {
    expect(parseWorkingHours('Mon-Fri 09:00-18:00, Sat 10:00-12:00')).toEqual([
      { days: [1, 2, 3, 4, 5], from: 540, to: 1080 },
      { days: [6], from: 600, to: 720 },
    ]);
    for (const bad of ['Mon-Fri 18:00-09:00', 'Mon-Fry 09:00-18:00', '09:00-18:00', 'Mon 9-5', ''])
      expect(parseWorkingHours(bad)).toBeNull();
  });

  it('a delivery at 02:00 on Monday in New York waits for 09:00 New York time', () => {
    // 2026-12-07 is a Monday; 02:00 EST = 07:00Z, 09:00 EST = 14:00Z.
    const at = new Date('2026-12-07T07:00:00Z');
    expect(nextWorkingInstant(at, ny('Mon-Fri 09:00-18:00')).toISOString()).toBe('2026-12-07T14:00:00.000Z');
    expect(nextWorkingInstant(at, ny(null))).toBe(at);
  });

  it('Friday evening rolls to Monday, skipping a holiday Monday to Tuesday', () => {
    const fri = new Date('2026-12-04T23:30:00Z'); // 18:30 EST Friday
    expect(nextWorkingInstant(fri, ny('Mon-Fri 09:00-18:00')).toISOString()).toBe('2026-12-07T14:00:00.000Z');
    expect(nextWorkingInstant(fri, ny('Mon-Fri 09:00-18:00', ['2026-12-07'])).toISOString()).toBe(
      '2026-12-08T14:00:00.000Z',
    );
  });

  it('"24bh" from Friday 16:00 is Wednesday 13:00 with 9-hour days', () => {
    // Fri 16–18 (2h) + Mon 9h + Tue 9h = 20h, then 4h into Wednesday: 13:00 EST = 18:00Z.
    const start = new Date('2026-12-04T21:00:00Z');
    expect(addWorkingTime(start, 24 * 3_600_000, ny('Mon-Fri 09:00-18:00')).toISOString()).toBe(
      '2026-12-09T18:00:00.000Z',
    );
    expect(addWorkingTime(start, 24 * 3_600_000, ny(null)).toISOString()).toBe('2026-12-05T21:00:00.000Z');
  });

  it('counts hours across a DST change in the recipient zone', () => {
    // US DST starts Sun 2027-03-14: Fri 17:00 EST (22:00Z) + 2bh = Mon 10:00 EDT (14:00Z).
    expect(
      addWorkingTime(
        new Date('2027-03-12T22:00:00Z'),
        2 * 3_600_000,
        ny('Mon-Fri 09:00-18:00'),
      ).toISOString(),
    ).toBe('2027-03-15T14:00:00.000Z');
  });
});

describe('quiet windows and bypass', () => {
  const weekend = [{ days: 'Sat-Sun', from: '00:00', to: '24:00' }];
  const sat = new Date('2026-12-05T15:00:00Z'); // Saturday 10:00 EST

  it('a weekend window holds until Monday 00:00 local, and is reported as a quiet-window hold', () => {
    const hold = holdFor(sat, ny(null), weekend, false);
    expect(hold).toEqual({ until: new Date('2026-12-07T05:00:00Z'), by: 'quiet_window' });
    expect(formatHoldUntil(hold!.until, 'America/New_York')).toBe('00:00 Mon');
  });

  it('with working hours as well, the hold runs to Monday 09:00', () => {
    expect(holdFor(sat, ny('Mon-Fri 09:00-18:00'), weekend, false)?.until.toISOString()).toBe(
      '2026-12-07T14:00:00.000Z',
    );
  });

  it('a bypassed alert is not held by a quiet window; nothing is held outside windows', () => {
    expect(holdFor(sat, ny(null), weekend, true)).toBeNull();
    expect(holdFor(new Date('2026-12-07T15:00:00Z'), ny(null), weekend, false)).toBeNull();
  });

  it('a one-off maintenance window holds until its end', () => {
    const w = [{ start: '2026-12-07T10:00:00Z', end: '2026-12-07T12:30:00Z' }];
    expect(holdFor(new Date('2026-12-07T11:00:00Z'), ny(null), w, false)?.until.toISOString()).toBe(
      '2026-12-07T12:30:00.000Z',
    );
  });

  it('bypass rules: ARR, days overdue, category', () => {
    const rule = { arrAtLeast: 50_000, overdueDaysAtLeast: 30, categories: ['legal_threat'] };
    expect(bypassesQuiet({ type: 'usage_threshold', arr: 100_000, facts: {} }, rule)).toBe(true);
    expect(bypassesQuiet({ type: 'usage_threshold', arr: 10_000, facts: {} }, rule)).toBe(false);
    expect(bypassesQuiet({ type: 'collections', arr: null, facts: { maxDaysOverdue: 31 } }, rule)).toBe(true);
    expect(bypassesQuiet({ type: 'collections', arr: null, facts: { maxDaysOverdue: 20 } }, rule)).toBe(
      false,
    );
    expect(
      bypassesQuiet({ type: 'support_risk', arr: null, facts: { category: 'legal_threat' } }, rule),
    ).toBe(true);
    expect(bypassesQuiet({ type: 'support_risk', arr: 1e9, facts: {} }, null)).toBe(false);
  });
});

describe('policy settings', () => {
  it('accepts the fields and "24bh" steps', () => {
    const s = mergeSettings(DEFAULT_SETTINGS, {
      workingHours: 'Mon-Fri 09:00-18:00',
      holidays: ['2026-12-25', '2026-12-24'],
      quietWindows: [{ days: 'Sat-Sun', from: '00:00', to: '24:00' }],
      quietBypass: { arrAtLeast: 50000 },
      reassignResponse: '240m',
      escalation: [
        { role: 'csm', after: '0s' },
        { role: 'csm_manager', after: '24bh' },
      ],
    });
    expect(s.holidays).toEqual(['2026-12-24', '2026-12-25']);
    expect(s.reassignResponse).toBe('4h');
    expect(s.escalation[1]).toEqual({ role: 'csm_manager', after: '24bh' });
  });

  it('names every bad field', () => {
    let err: unknown;
    try {
      mergeSettings(DEFAULT_SETTINGS, {
        workingHours: 'weekdays',
        holidays: ['2026-02-30'],
        quietWindows: [{ days: 'Someday', from: '10:00', to: '09:00' }],
        quietBypass: { arr: 5 },
        reassignResponse: 'soon',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SettingsValidationError);
    expect(Object.keys((err as SettingsValidationError).fields).sort()).toEqual([
      'holidays.0',
      'quietBypass.arr',
      'quietWindows.0.days',
      'quietWindows.0.from',
      'reassignResponse',
      'workingHours',
    ]);
  });
});
