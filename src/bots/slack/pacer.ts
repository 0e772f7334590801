/**
 * Paces outbound messages per Slack conversation.
 *
 * chat.postMessage allows about one message per second per channel, with short bursts
 * (docs.slack.dev/apis/web-api/rate-limits, "Posting messages"). The outbox sends several
 * deliveries at once, so two messages for one DM can be ready together: each gets its own slot,
 * `intervalMs` apart (1.1 s: a 10 % margin so that jitter between here and Slack does not land two
 * messages in the same second).
 *
 * A slot at most `maxWaitMs` away is waited for in place. A slot further away is *reserved* and
 * `wait` throws a PacedError carrying `retryAfterMs`: the outbox puts that delivery back, and
 * messages for every other conversation keep flowing (a worker batch is never held long by one
 * busy conversation). The delivery is asked back before its slot (`maxWaitMs` − 200 ms early, so
 * the outbox's own latency does not make it miss the slot) and then takes a reserved slot that is
 * due instead of queueing behind newer messages again. Every send happens at its slot, and slots are
 * `intervalMs` apart, so the spacing always holds.
 */
export interface Pacer {
  /** Resolves when `key` may receive its next message (taking that slot). */
  wait(key: string): Promise<void>;
  /** Slack said "too many" (429): keep `key` quiet for `ms`. */
  backOff(key: string, ms: number): void;
}

export interface PacerOptions {
  intervalMs?: number;
  maxWaitMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Thrown when a conversation's next free slot is too far away to wait for in place. */
export class PacedError extends Error {
  constructor(
    readonly key: string,
    readonly retryAfterMs: number,
  ) {
    super(`Slack conversation ${key} is paced (about 1 message per second): retrying in ${retryAfterMs} ms`);
    this.name = 'PacedError';
  }
}

interface Lane {
  /** The next slot nobody holds. */
  next: number;
  /** Slots handed to deferred deliveries, not used yet (ascending). */
  reserved: number[];
  /** When the last message actually went out. */
  lastStart: number;
}

export function createPacer(o: PacerOptions = {}): Pacer {
  const interval = o.intervalMs ?? 1100;
  const maxWait = o.maxWaitMs ?? 1100;
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const lead = Math.max(0, maxWait - 200);
  const lanes = new Map<string, Lane>();

  function lane(key: string, t: number): Lane {
    let l = lanes.get(key);
    if (!l) {
      if (lanes.size >= 10_000) {
        for (const [k, x] of lanes) if (x.next < t && !x.reserved.length) lanes.delete(k);
      }
      l = { next: 0, reserved: [], lastStart: -Infinity };
      lanes.set(key, l);
    }
    // A reservation nobody came back for in time is given up: using it late could crowd the next slot.
    while (l.reserved.length && l.reserved[0]! < t) l.reserved.shift();
    return l;
  }

  return {
    async wait(key) {
      const t = now();
      const l = lane(key, t);
      let slot: number;
      if (l.reserved.length && l.reserved[0]! - t <= maxWait) {
        slot = l.reserved.shift()!;
      } else {
        slot = Math.max(t, l.next);
        l.next = slot + interval;
        if (slot - t > maxWait) {
          l.reserved.push(slot);
          throw new PacedError(key, Math.max(1, Math.round(slot - t - lead)));
        }
      }
      if (slot > t) await sleep(slot - t);
      // A busy event loop can start the previous message late; keep the spacing from when it
      // really went out, not from its slot.
      const gap = l.lastStart + interval - now();
      if (gap > 0) await sleep(gap);
      l.lastStart = now();
    },
    backOff(key, ms) {
      const t = now();
      const l = lane(key, t);
      l.next = Math.max(l.next, t + ms);
      l.reserved = [];
    },
  };
}
