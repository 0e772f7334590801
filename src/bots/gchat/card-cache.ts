import type { AdaptiveCardJson } from '../../cards/alert-card.js';

/**
 * The last alert card this process sent into each Chat message, and waiters for the next one.
 * A click is answered with UPDATE_MESSAGE carrying the new card; the product renders cards in one
 * place — the outbox, which re-renders every thread of the alert after an action — so the click
 * handler waits here for that re-render of the clicked message.
 */
export function createCardCache(max = 2_000) {
  const cards = new Map<string, AdaptiveCardJson>();
  const listeners = new Map<string, Set<(card: AdaptiveCardJson) => void>>();
  return {
    remember(messageName: string, card: AdaptiveCardJson): void {
      cards.delete(messageName);
      cards.set(messageName, card);
      if (cards.size > max) cards.delete(cards.keys().next().value!);
      for (const l of listeners.get(messageName) ?? []) l(card);
    },
    get: (messageName: string) => cards.get(messageName) ?? null,
    /** Start watching before causing the update; `wait` gives the first accepted card or null. */
    watch(messageName: string) {
      const seen: AdaptiveCardJson[] = [];
      let wake: (() => void) | null = null;
      const listener = (card: AdaptiveCardJson) => {
        seen.push(card);
        wake?.();
      };
      const set = listeners.get(messageName) ?? new Set();
      set.add(listener);
      listeners.set(messageName, set);
      const cancel = () => {
        set.delete(listener);
        if (!set.size && listeners.get(messageName) === set) listeners.delete(messageName);
      };
      return {
        async wait(accept: (c: AdaptiveCardJson) => boolean, ms: number): Promise<AdaptiveCardJson | null> {
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

/** The alert version a card was rendered from; a card without actions is final (newest). */
export function cardVersion(card: AdaptiveCardJson): number {
  let version = Number.POSITIVE_INFINITY;
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!n || typeof n !== 'object') return;
    const o = n as Record<string, unknown>;
    const v = Number((o.data as { version?: unknown } | undefined)?.version);
    if (o.type === 'Action.Execute' && Number.isFinite(v)) version = Math.min(version, v);
    Object.values(o).forEach(visit);
  };
  visit(card);
  return version;
}
