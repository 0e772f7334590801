import type { AdaptiveCardJson } from './alert-card.js';

/**
 * The last card this process sent into each chat message (by a channel's own message key), and
 * waiters for the next one.
 *
 * Channels whose click answer carries the new card (Teams Universal Actions, Google Chat's
 * UPDATE_MESSAGE) must not render cards themselves: the product renders them in one place — the
 * outbox, which re-renders every thread of the alert after an action (src/jobs/deliveries.ts) and
 * calls the gateway's updateCard. So the click handler watches the clicked message here and waits
 * for that re-render. A `refresh` is answered with the last card sent for the message.
 */
export function createCardCache(o: { maxEntries?: number } = {}) {
  const max = o.maxEntries ?? 2_000;
  const cards = new Map<string, AdaptiveCardJson>();
  const listeners = new Map<string, Set<(card: AdaptiveCardJson) => void>>();

  return {
    /** Records the card now shown in a message and tells whoever is watching that message. */
    remember(key: string, card: AdaptiveCardJson): void {
      cards.delete(key);
      cards.set(key, card);
      if (cards.size > max) cards.delete(cards.keys().next().value!);
      for (const l of listeners.get(key) ?? []) l(card);
    },
    get(key: string): AdaptiveCardJson | null {
      return cards.get(key) ?? null;
    },
    /**
     * Starts watching a message; call before causing the update, so a fast one is not missed.
     * `wait(accept, ms)` gives the first card sent since then that `accept`s — an update already
     * queued before the action (e.g. an escalation) shows an older state and is skipped — or null
     * after `ms`. `cancel()` stops watching.
     */
    watch(key: string) {
      const seen: AdaptiveCardJson[] = [];
      let wake: (() => void) | null = null;
      const listener = (card: AdaptiveCardJson) => {
        seen.push(card);
        wake?.();
      };
      const set = listeners.get(key) ?? new Set();
      set.add(listener);
      listeners.set(key, set);
      const cancel = () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(key) === set) listeners.delete(key);
      };
      return {
        async wait(
          accept: (card: AdaptiveCardJson) => boolean,
          ms: number,
        ): Promise<AdaptiveCardJson | null> {
          const deadline = Date.now() + ms;
          try {
            for (;;) {
              const hit = seen.find(accept);
              if (hit) return hit;
              const left = deadline - Date.now();
              if (left <= 0) return null;
              await new Promise<void>((resolve) => {
                const timer = setTimeout(resolve, left);
                timer.unref();
                wake = () => {
                  clearTimeout(timer);
                  resolve();
                };
              });
              wake = null;
            }
          } finally {
            cancel();
          }
        },
        cancel,
      };
    },
  };
}

export type CardCache = ReturnType<typeof createCardCache>;

/**
 * The alert version a card was rendered from (its actions carry it back); a card without actions is
 * final (resolved) and newer than any other.
 */
export function cardVersion(card: AdaptiveCardJson): number {
  let version = Number.POSITIVE_INFINITY;
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    const v = (o.data as { version?: unknown } | undefined)?.version;
    if (o.type === 'Action.Execute' && typeof v === 'number') version = Math.min(version, v);
    Object.values(o).forEach(visit);
  };
  visit(card);
  return version;
}
