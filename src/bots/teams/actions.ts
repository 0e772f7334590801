import type { AdaptiveCardJson } from '../../cards/alert-card.js';
import { ALL_ACTIONS, type ActionName } from '../../engine/index.js';
import type { ChatServices } from '../../chat/services.js';
import { cardVersion, type CardCache } from './card-cache.js';
import type { TeamsActor } from './identity.js';
import { conversationKind } from './references.js';

/** Keys of an alert action's data that are not user inputs. */
const META_KEYS = new Set(['alertId', 'action', 'version', 'verb', 'msteams', 'fincelo']);

export const UNKNOWN_PERSON =
  "I don't know who you are in Fincelo yet: ask a Fincelo admin to add you under People with your work email, then try again.";

/** One click on an alert card's button (invoke or Action.Submit fallback). */
export interface CardActionRequest {
  /** The action's data merged with the card's inputs (Teams merges them for Execute and Submit). */
  data: Record<string, unknown>;
  /** The platform's activity id: a redelivered click is applied once. */
  eventId?: string;
  /** The clicked card's message id (the activity's replyToId). */
  messageId?: string;
}

/** What to tell the clicking user: the new card when it is ready in time, else a text. */
export type CardActionOutcome =
  { ok: true; message: string; card: AdaptiveCardJson | null } | { ok: false; message: string };

export function isAlertAction(data: Record<string, unknown> | undefined): boolean {
  return (
    !!data &&
    typeof data.alertId === 'string' &&
    (ALL_ACTIONS as readonly string[]).includes(String(data.action ?? data.verb))
  );
}

/**
 * Applies a card button through ChatServices.act. When the click came from a card in a 1:1 chat,
 * waits (up to `waitMs`) for the outbox to re-render that card and returns it, so the invoke
 * response shows the new state at once; otherwise the card is updated by the outbox alone.
 */
export async function runCardAction(
  deps: { services: ChatServices; cards: CardCache; waitMs: number },
  actor: TeamsActor,
  req: CardActionRequest,
): Promise<CardActionOutcome> {
  if (!actor.person) return { ok: false, message: UNKNOWN_PERSON };
  const action = String(req.data.action ?? req.data.verb) as ActionName;
  const inputs: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.data))
    if (!META_KEYS.has(k) && v !== undefined && v !== null && typeof v !== 'object') inputs[k] = String(v);
  const conversationId = actor.reference.conversation.id;
  const waiter =
    req.messageId && conversationKind(actor.reference) === 'personal'
      ? deps.cards.watch(conversationId, req.messageId)
      : null;
  const result = await deps.services
    .act({
      workspaceId: actor.person.workspaceId,
      alertId: String(req.data.alertId),
      action,
      actor: actor.person,
      channel: 'teams',
      eventId: req.eventId,
      inputs,
    })
    .catch((err: unknown) => {
      waiter?.cancel();
      throw err;
    });
  if (!result.ok) {
    waiter?.cancel();
    return { ok: false, message: result.message };
  }
  if (result.duplicate) {
    waiter?.cancel();
    return {
      ok: true,
      message: result.message,
      card: req.messageId ? deps.cards.get(conversationId, req.messageId) : null,
    };
  }
  if (!waiter) return { ok: true, message: result.message, card: null };
  await deps.services.kick('teams');
  const version = result.alert.version;
  const card = await waiter.wait((c) => cardVersion(c) >= version, deps.waitMs);
  return { ok: true, message: result.message, card };
}
