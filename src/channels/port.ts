/**
 * The chat port: what every channel implements (src/bots/<channel>/gateway.ts) and what the
 * outbox worker (src/jobs/deliveries.ts) calls. Channels import this file, never src/jobs/.
 */
import type { Channel, Person } from '../engine/index.js';

/** A card for a chat message: the shared Adaptive Card plus plain text for notifications. */
export interface CardMessage {
  card: Record<string, unknown>;
  text: string;
}

/** A conversation we can write to, as stored (conversations table). */
export interface ConversationRef {
  id: string;
  externalId: string;
  reference: Record<string, unknown>;
  personId: string | null;
}

/**
 * The notifier port every chat channel implements (src/bots/<channel>/gateway.ts).
 * Deliveries call it; it knows nothing about alerts, only conversations and messages.
 */
export interface ChannelGateway {
  readonly channel: Channel;
  /** Finds or opens the person's direct conversation; null when the person cannot be reached here. */
  openConversation(
    person: Person,
  ): Promise<{ externalId: string; reference?: Record<string, unknown> } | null>;
  postCard(conv: ConversationRef, msg: CardMessage): Promise<{ messageId: string }>;
  /**
   * Replaces the card of `messageId`. `quiet`: nothing new is worth a notification (a trigger the
   * open alert absorbed); a channel that cannot edit in place sends nothing then.
   */
  updateCard(
    conv: ConversationRef,
    messageId: string,
    msg: CardMessage,
    opts?: { quiet?: boolean },
  ): Promise<void>;
  postReply(conv: ConversationRef, rootMessageId: string, text: string): Promise<{ messageId: string }>;
  /**
   * An update and the reply saying what happened, as one message (a channel that cannot edit in
   * place and bills every message: WhatsApp). Absent: `updateCard`, then `postReply`.
   */
  updateCardWithReply?(
    conv: ConversationRef,
    messageId: string,
    msg: CardMessage,
    text: string,
  ): Promise<void>;
  postText(conv: ConversationRef, text: string): Promise<{ messageId: string }>;
  /**
   * A team conversation named by its platform id (a role channel step, issue 20 item 6): what to
   * store to write there. Absent: only conversations the app already knows (e.g. Teams channels
   * it was added to) can be reached.
   */
  openChannel?(
    workspaceId: string,
    conversationId: string,
  ): Promise<{ externalId: string; reference?: Record<string, unknown> } | null>;
}

/** An error a gateway throws when retrying cannot help (unknown user, revoked token …). */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** Exponential backoff with full jitter: ~2s, 4s, 8s … capped at 5 minutes. */
export function backoffMs(attempt: number, random = Math.random): number {
  const cap = Math.min(300_000, 1000 * 2 ** attempt);
  return Math.max(500, Math.round(cap * (0.5 + random() * 0.5)));
}
