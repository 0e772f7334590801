/** When the CFO morning brief is due: at the local brief time, with a bounded catch-up. */
import { describe, expect, it } from '@jest/globals';
import { briefDue } from '../../../src/brief/brief.js';

describe('briefDue', () => {
  const tz = 'America/New_York'; // 08:00 local = 12:00Z on 10 March 2026 (EDT since 8 March)
  it('is not due before the local brief time', () => {
    expect(briefDue(new Date('2026-03-10T11:59:00Z'), tz, '08:00')).toEqual({
      due: false,
      day: '2026-03-10',
    });
  });
  it('is due from the brief time, for that local day, and still after a short outage', () => {
    expect(briefDue(new Date('2026-03-10T12:00:00Z'), tz, '08:00').due).toBe(true);
    expect(briefDue(new Date('2026-03-10T13:30:00Z'), tz, '08:00')).toEqual({ due: true, day: '2026-03-10' });
  });
  it('is not due hours later: a workspace created in the afternoon waits for tomorrow morning', () => {
    expect(briefDue(new Date('2026-03-10T19:00:00Z'), tz, '08:00').due).toBe(false);
  });
  it('is not due the day a workspace is created after its brief time, and due the next day', () => {
    const created = new Date('2026-03-10T12:30:00Z'); // 08:30 local, half an hour after the brief
    expect(briefDue(new Date('2026-03-10T13:00:00Z'), tz, '08:00', created).due).toBe(false);
    expect(briefDue(new Date('2026-03-11T12:00:00Z'), tz, '08:00', created).due).toBe(true);
    // Created before the brief time: that day's brief goes out.
    expect(
      briefDue(new Date('2026-03-10T12:05:00Z'), tz, '08:00', new Date('2026-03-10T11:00:00Z')).due,
    ).toBe(true);
  });
});
