/**
 * Teams rate limits (learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit):
 * - 429 Too Many Requests is answered with "exponential backoff with a random jitter", and
 *   "in addition to retrying error code 429, error codes 412, 502, and 504 must also be retried";
 * - limits apply per bot per thread (7 operations / 1 s, 8 / 2 s, 60 / 30 s, 1800 / 3600 s) plus a
 *   global 50 requests per second per app per tenant.
 * The pacer keeps each conversation under the per-thread windows; whatever still fails with a
 * retryable status is retried a few times here, then handed back to the outbox with a delay.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([412, 429, 502, 504]);

export const TEAMS_THREAD_WINDOWS = [
  { ms: 1_000, max: 7 },
  { ms: 2_000, max: 8 },
  { ms: 30_000, max: 60 },
  { ms: 3_600_000, max: 1_800 },
] as const;

/** An error the outbox retries after `retryAfterMs` (see src/jobs/deliveries.ts). */
export class TeamsRetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'TeamsRetryLaterError';
  }
}

/** Clock, sleep and randomness, injectable so the policies can be tested without waiting. */
export interface Timing {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const realTiming: Timing = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  random: Math.random,
};

/** The HTTP status of an SDK HttpError (or anything with a numeric `status`). */
export function statusOf(err: unknown): number | null {
  const s = (err as { status?: unknown })?.status;
  return typeof s === 'number' ? s : null;
}

/** Retry-After of a failed response, in ms (seconds or an HTTP date); null when absent. */
export function retryAfterOf(err: unknown, now = Date.now()): number | null {
  const headers = (err as { response?: { headers?: { get?(n: string): string | null } } })?.response?.headers;
  const raw = typeof headers?.get === 'function' ? headers.get('retry-after') : null;
  if (!raw) return null;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Exponential backoff with jitter: 500 ms, 1 s, 2 s … (each between half and all of it). */
export function backoffWithJitter(
  attempt: number,
  random: () => number,
  baseMs = 500,
  capMs = 8_000,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Limits of the in-process retries before the outbox takes over. */
export interface RetryOptions {
  /** Attempts in this process before handing over to the outbox (default 3). */
  attempts?: number;
  /** Longest wait in this process; a longer Retry-After goes back to the outbox (default 10 s). */
  maxWaitMs?: number;
  timing?: Timing;
}

/** Runs `fn`, retrying Teams' retryable statuses with backoff and jitter (honouring Retry-After). */
export async function withTeamsRetry<T>(fn: () => Promise<T>, o: RetryOptions = {}): Promise<T> {
  const attempts = o.attempts ?? 3;
  const maxWait = o.maxWaitMs ?? 10_000;
  const t = o.timing ?? realTiming;
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const status = statusOf(err);
      if (status === null || !RETRYABLE_STATUSES.has(status)) throw err;
      const wait = retryAfterOf(err, t.now()) ?? backoffWithJitter(attempt, t.random);
      if (attempt + 1 >= attempts || wait > maxWait) {
        throw new TeamsRetryLaterError(
          `Microsoft Teams answered ${status} (${status === 429 ? 'rate limited' : 'temporarily unavailable'}); will retry.`,
          Math.max(wait, backoffWithJitter(attempt + 1, t.random)),
        );
      }
      await t.sleep(wait);
    }
  }
}

/**
 * Per-conversation pacing under Teams' per-thread windows. `slot(key)` waits until one more
 * operation fits every window; a wait longer than `maxWaitMs` is not slept here but returned to
 * the outbox as a TeamsRetryLaterError, so one busy thread does not hold a delivery worker.
 */
export function createPacer(o: { maxWaitMs?: number; timing?: Timing; maxKeys?: number } = {}) {
  const t = o.timing ?? realTiming;
  const maxWait = o.maxWaitMs ?? 5_000;
  const longest = Math.max(...TEAMS_THREAD_WINDOWS.map((w) => w.ms));
  const history = new Map<string, number[]>();
  const tails = new Map<string, Promise<void>>();

  function waitFor(key: string, now: number): number {
    const times = (history.get(key) ?? []).filter((x) => x > now - longest);
    history.set(key, times);
    let wait = 0;
    for (const w of TEAMS_THREAD_WINDOWS) {
      const inWindow = times.filter((x) => x > now - w.ms);
      if (inWindow.length >= w.max) wait = Math.max(wait, inWindow[inWindow.length - w.max]! + w.ms - now);
    }
    return wait;
  }

  async function take(key: string): Promise<void> {
    for (;;) {
      const wait = waitFor(key, t.now());
      if (wait <= 0) break;
      if (wait > maxWait)
        throw new TeamsRetryLaterError(
          'Pausing to stay under Microsoft Teams rate limits for this chat.',
          wait,
        );
      await t.sleep(wait);
    }
    history.get(key)!.push(t.now());
    if (history.size > (o.maxKeys ?? 10_000)) history.delete(history.keys().next().value!);
  }

  return {
    /** Resolves when one more operation on `key` fits Teams' per-thread limits (calls queue in order). */
    slot(key: string): Promise<void> {
      const run = (tails.get(key) ?? Promise.resolve()).then(() => take(key));
      const tail = run.catch(() => {});
      tails.set(key, tail);
      void tail.then(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
      return run;
    },
  };
}

export type Pacer = ReturnType<typeof createPacer>;
