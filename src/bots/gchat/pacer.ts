/**
 * Paces message writes per Chat space. Chat's per-space write quota is shared by every app in the
 * space and is about one write per second (developers.google.com/workspace/chat/limits: "Per space
 * … write" 60 per minute); the outbox sends deliveries in parallel, so two writes for one space
 * are spaced `intervalMs` apart here instead of earning a 429.
 */
export interface SpacePacer {
  wait(space: string): Promise<void>;
  /** Chat answered 429: keep the space quiet for `ms`. */
  backOff(space: string, ms: number): void;
}

export function createSpacePacer(
  o: { intervalMs?: number; now?: () => number; sleep?: (ms: number) => Promise<void> } = {},
): SpacePacer {
  const interval = o.intervalMs ?? 1000;
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const next = new Map<string, number>();
  return {
    async wait(space) {
      const t = now();
      if (next.size > 10_000) for (const [k, v] of next) if (v < t) next.delete(k);
      const slot = Math.max(t, next.get(space) ?? 0);
      next.set(space, slot + interval);
      if (slot > t) await sleep(slot - t);
    },
    backOff(space, ms) {
      next.set(space, Math.max(next.get(space) ?? 0, now() + ms));
    },
  };
}
