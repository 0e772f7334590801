import type { AdaptiveCardJson } from '../../cards/alert-card.js';
import {
  cardVersion,
  createCardCache as createSharedCardCache,
  type CardCache as SharedCardCache,
} from '../../cards/card-cache.js';
import { baseConversationId } from './references.js';

export { cardVersion };

/**
 * The shared card cache (src/cards/card-cache.ts), keyed by Teams conversation and message.
 * Universal Actions want the updated card *in the invoke response* (Teams replaces the clicked card
 * with it); a channel thread's replies carry `;messageid=` in the conversation id, so the key uses
 * the base conversation id.
 */
export function createCardCache(o: { maxEntries?: number } = {}) {
  const cache: SharedCardCache = createSharedCardCache(o);
  const keyOf = (conversationId: string, messageId: string) =>
    `${baseConversationId(conversationId)}\u0000${messageId}`;
  return {
    remember(conversationId: string, messageId: string, card: AdaptiveCardJson): void {
      cache.remember(keyOf(conversationId, messageId), card);
    },
    get(conversationId: string, messageId: string): AdaptiveCardJson | null {
      return cache.get(keyOf(conversationId, messageId));
    },
    watch(conversationId: string, messageId: string) {
      return cache.watch(keyOf(conversationId, messageId));
    },
  };
}

export type CardCache = ReturnType<typeof createCardCache>;
