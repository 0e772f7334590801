/**
 * Google Chat answers a click with UPDATE_MESSAGE carrying the new card, so its click handler waits
 * for the outbox's re-render of the clicked message: the shared cache, keyed by the message name
 * (`spaces/…/messages/…`).
 */
export { cardVersion, createCardCache, type CardCache } from '../../cards/card-cache.js';
