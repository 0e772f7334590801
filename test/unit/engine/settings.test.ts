import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_SETTINGS,
  escalationSnapshot,
  mergeSettings,
  SettingsValidationError,
} from '../../../src/engine/settings.js';
import { formatDuration, parseDurationMs } from '../../../src/engine/duration.js';
import { localDateTimeToUtc } from '../../../src/engine/local-time.js';

describe('durations', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
  ])('%s = %d ms', (text, ms) => expect(parseDurationMs(text)).toBe(ms));
  it.each(['', '10', 'h', '1.5h', '-1h', '24 hours'])('rejects %p', (t) =>
    expect(parseDurationMs(t)).toBeNull(),
  );
  it('formats back in the largest exact unit', () => {
    expect(formatDuration(86_400_000)).toBe('24h');
    expect(formatDuration(90_000)).toBe('90s');
    expect(formatDuration(0)).toBe('0s');
  });
});

describe('workspace settings', () => {
  it('has the DESIGN.md defaults', () => {
    expect(DEFAULT_SETTINGS.usageThresholds).toEqual({
      platinum: 85,
      good: 80,
      average: 75,
      poor: 70,
      critical: 70,
    });
    expect(escalationSnapshot(DEFAULT_SETTINGS)).toEqual([
      { role: 'csm', afterMs: 0 },
      { role: 'csm_manager', afterMs: 86_400_000 },
      { role: 'vp_cs', afterMs: 172_800_000 },
      { role: 'cfo', afterMs: 259_200_000 },
    ]);
    expect(DEFAULT_SETTINGS.cooldown).toBe('24h');
    expect(DEFAULT_SETTINGS.collectionsOverdueDays).toBe(14);
  });

  it('merges a partial update and keeps the rest', () => {
    const s = mergeSettings(DEFAULT_SETTINGS, { usageThresholds: { good: 90 }, cooldown: '1440m' });
    expect(s.usageThresholds.good).toBe(90);
    expect(s.usageThresholds.platinum).toBe(85);
    expect(s.cooldown).toBe('24h');
  });

  it('names every bad field', () => {
    let err: SettingsValidationError | undefined;
    try {
      mergeSettings(DEFAULT_SETTINGS, {
        usageThresholds: { gold: 80, poor: -3 },
        cooldown: 'soon',
        escalation: [
          { role: 'csm_manager', after: '1h' },
          { role: 'ceo', after: '30m' },
        ],
        briefTime: '25:00',
        colour: 'blue',
      });
    } catch (e) {
      err = e as SettingsValidationError;
    }
    expect(Object.keys(err!.fields).sort()).toEqual(
      [
        'briefTime',
        'colour',
        'cooldown',
        'escalation.0.role',
        'escalation.1.after',
        'escalation.1.role',
        'usageThresholds.gold',
        'usageThresholds.poor',
      ].sort(),
    );
    expect(err!.fields.cooldown).toMatch(/90s, 15m, 24h/);
  });
});

describe('local time', () => {
  it('reads a wall-clock time in the person’s zone, across DST', () => {
    expect(localDateTimeToUtc('2026-07-01', '15:00', 'Europe/London')!.toISOString()).toBe(
      '2026-07-01T14:00:00.000Z',
    );
    expect(localDateTimeToUtc('2026-12-01', '15:00', 'Europe/London')!.toISOString()).toBe(
      '2026-12-01T15:00:00.000Z',
    );
    expect(localDateTimeToUtc('2026-12-01', '09:30', 'America/New_York')!.toISOString()).toBe(
      '2026-12-01T14:30:00.000Z',
    );
    expect(localDateTimeToUtc('2026-13-01', '09:30', 'UTC')).toBeNull();
    expect(localDateTimeToUtc('2026-12-01', '09:30', 'Mars/Olympus')).toBeNull();
  });
});
