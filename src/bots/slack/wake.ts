/**
 * Brings the outbox back when a deferred Slack delivery falls due. A delivery put back with
 * `retryAfterMs` (pacing, HTTP 429) is otherwise only picked up by the outbox sweep (every
 * 10 s, src/app.ts `deliveries:sweep`); a timer here asks for a drain (ChatServices.kick) right
 * when it is due. Timers are coalesced into 250 ms buckets and never keep the process alive; if
 * the process stops, the sweep still finds the delivery.
 */
export function createWaker(kick: () => Promise<void>, onError: (err: unknown) => void) {
  const buckets = new Map<number, NodeJS.Timeout>();
  return {
    after(ms: number): void {
      const at = Math.ceil((Date.now() + ms + 50) / 250) * 250;
      if (buckets.has(at)) return;
      const timer = setTimeout(
        () => {
          buckets.delete(at);
          kick().catch(onError);
        },
        Math.max(0, at - Date.now()),
      );
      timer.unref();
      buckets.set(at, timer);
    },
    stop(): void {
      for (const t of buckets.values()) clearTimeout(t);
      buckets.clear();
    },
  };
}
