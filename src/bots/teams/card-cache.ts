import type { AdaptiveCardJson } from '../../cards/alert-card.js';
import { baseConversationId } from './references.js';

/**
 * The last card this process sent for each Teams message, and waiters for the next one.
 *
 * Universal Actions want the updated card *in the invoke response* (Teams replaces the clicked card
 * with it). The product renders cards in one place — the outbox, which re-renders every thread of
 * the alert after an action (src/jobs/deliveries.ts) and calls the gateway's updateCard — so the
 * invoke handler waits here for that re-render of the clicked message instead of rendering a card of
 * its own. A `refresh` invoke is answered with the last card sent for the message.
 */
export function createCardCache(o: { maxEntries?: number } = {}) {
  const max = o.maxEntries ?? 2_000;
  const cards = new Map<string, AdaptiveCardJson>();
  const listeners = new Map<string, Set<(card: AdaptiveCardJson) => void>>();
  const keyOf = (conversationId: string, messageId: string) =>
    `${baseConversationId(conversationId)}\u0000${messageId}`;

  return {
    /** Records the card now shown in a message and tells whoever is watching that message. */
    remember(conversationId: string, messageId: string, card: AdaptiveCardJson): void {
      const key = keyOf(conversationId, messageId);
      cards.delete(key);
      cards.set(key, card);
      if (cards.size > max) cards.delete(cards.keys().next().value!);
      for (const l of listeners.get(key) ?? []) l(card);
    },
    get(conversationId: string, messageId: string): AdaptiveCardJson | null {
      return cards.get(keyOf(conversationId, messageId)) ?? null;
    },
    /**
     * Starts watching a message; call before causing the update, so a fast one is not missed.
     * `wait(accept, ms)` gives the first card sent since then that `accept`s — an update already
     * queued before the action (e.g. an escalation) shows an older state and is skipped — or null
     * after `ms`. `cancel()` stops watching.
     */
    watch(conversationId: string, messageId: string) {
      const key = keyOf(conversationId, messageId);
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
