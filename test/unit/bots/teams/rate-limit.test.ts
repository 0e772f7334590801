import { describe, expect, it } from '@jest/globals';
import {
  backoffWithJitter,
  createPacer,
  retryAfterOf,
  TeamsRetryLaterError,
  withTeamsRetry,
  type Timing,
} from '../../../../src/bots/teams/rate-limit.js';

/** A clock that only moves when someone sleeps. */
function fakeTiming(random = 0.5): Timing & { slept: number[] } {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    random: () => random,
    async sleep(ms) {
      slept.push(ms);
      now += ms;
    },
  };
}

const httpError = (status: number, retryAfter?: string) =>
  Object.assign(new Error(`Request failed with status ${status}`), {
    status,
    response: { headers: new Headers(retryAfter ? { 'retry-after': retryAfter } : {}) },
  });

describe('Teams retry policy', () => {
  it('backs off exponentially with jitter between half and all of the step', () => {
    expect(backoffWithJitter(0, () => 0)).toBe(250);
    expect(backoffWithJitter(0, () => 1)).toBe(500);
    expect(backoffWithJitter(3, () => 1)).toBe(4_000);
    expect(backoffWithJitter(10, () => 1)).toBe(8_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterOf(httpError(429, '3'))).toBe(3_000);
    expect(retryAfterOf(httpError(429, new Date(10_000).toUTCString()), 4_000)).toBe(6_000);
    expect(retryAfterOf(httpError(429))).toBeNull();
  });

  it.each([429, 412, 502, 504])('retries %i, honouring Retry-After, then succeeds', async (status) => {
    const t = fakeTiming();
    let calls = 0;
    const result = await withTeamsRetry(
      async () => {
        if (++calls === 1) throw httpError(status, status === 429 ? '2' : undefined);
        return 'ok';
      },
      { timing: t },
    );
    expect(result).toBe('ok');
    expect(t.slept).toEqual([status === 429 ? 2_000 : 375]);
  });

  it('does not retry other failures', async () => {
    const t = fakeTiming();
    await expect(
      withTeamsRetry(async () => Promise.reject(httpError(403)), { timing: t }),
    ).rejects.toMatchObject({ status: 403 });
    expect(t.slept).toEqual([]);
  });

  it('hands a long Retry-After or repeated failures back to the outbox with a delay', async () => {
    const long = await withTeamsRetry(async () => Promise.reject(httpError(429, '120')), {
      timing: fakeTiming(),
    }).catch((e) => e);
    expect(long).toBeInstanceOf(TeamsRetryLaterError);
    expect(long.retryAfterMs).toBe(120_000);
    const t = fakeTiming();
    const repeated = await withTeamsRetry(async () => Promise.reject(httpError(502)), {
      timing: t,
      attempts: 3,
    }).catch((e) => e);
    expect(repeated).toBeInstanceOf(TeamsRetryLaterError);
    expect(t.slept).toHaveLength(2);
  });
});

describe('per-conversation pacing', () => {
  it('lets 7 operations through in a second, then waits for the window', async () => {
    const t = fakeTiming();
    const pacer = createPacer({ timing: t });
    for (let i = 0; i < 7; i++) await pacer.slot('a:1');
    expect(t.slept).toEqual([]);
    await pacer.slot('a:1');
    expect(t.slept).toEqual([1_000]);
    // Another conversation is not held back.
    await pacer.slot('a:2');
    expect(t.slept).toEqual([1_000]);
  });

  it('applies the 8-per-2-seconds and 60-per-30-seconds windows too', async () => {
    const t = fakeTiming();
    const pacer = createPacer({ timing: t, maxWaitMs: 60_000 });
    for (let i = 0; i < 60; i++) await pacer.slot('19:c@thread.tacv2');
    const start = 1_000_000;
    // 60 operations cannot fit in less than 30 s when only 8 fit in any 2 s.
    expect(t.now() - start).toBeGreaterThanOrEqual(14_000);
    const before = t.now();
    await pacer.slot('19:c@thread.tacv2');
    expect(t.now()).toBeGreaterThan(before);
  });

  it('returns long waits to the outbox instead of holding the worker', async () => {
    const t = fakeTiming();
    const pacer = createPacer({ timing: t, maxWaitMs: 500 });
    for (let i = 0; i < 7; i++) await pacer.slot('a:1');
    const err = await pacer.slot('a:1').catch((e) => e);
    expect(err).toBeInstanceOf(TeamsRetryLaterError);
    expect(err.retryAfterMs).toBe(1_000);
  });
});
