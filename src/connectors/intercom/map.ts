import type { NormalizedTicket } from '../../store/tickets.js';
import { htmlToPlain } from '../runtime/text.js';

/** The fields of an Intercom conversation we read (intercom-client `Conversation`, API 2.11). */
export interface IntercomConversation {
  type?: string;
  id: string | number;
  title?: string | null;
  created_at?: number;
  updated_at?: number;
  state?: string;
  priority?: string;
  source?: {
    subject?: string | null;
    body?: string | null;
    author?: { type?: string; email?: string | null; name?: string | null } | null;
  } | null;
}

const unix = (v: unknown): Date | null =>
  typeof v === 'number' && Number.isFinite(v) ? new Date(v * 1000) : null;

/**
 * The inbox link: https://app.intercom.com/a/inbox/{app id}/inbox/conversation/{id}. One host for
 * every region so poll and webhook (which does not know the connector's region) agree on the link.
 */
export function conversationUrl(appId: string | null, id: string): string | null {
  if (!appId) return null;
  return `https://app.intercom.com/a/inbox/${encodeURIComponent(appId)}/inbox/conversation/${encodeURIComponent(id)}`;
}

/**
 * Maps one conversation. The body is the message that opened it (`source.body`); replies live in
 * conversation parts, which search results do not carry. Contacts (and their companies) are
 * referenced by id only, so the requester is the source author when that is a user or lead.
 */
export function mapConversation(c: IntercomConversation, appId: string | null): NormalizedTicket {
  const id = String(c.id);
  const body = htmlToPlain(c.source?.body ?? null);
  const subject =
    (c.title ?? '').trim() ||
    htmlToPlain(c.source?.subject ?? null) ||
    (body ? body.split('\n')[0]!.slice(0, 120) : '') ||
    `Conversation ${id}`;
  const author = c.source?.author;
  const customer = author && author.type !== 'admin' && author.type !== 'bot' && author.type !== 'team';
  return {
    externalId: id,
    subject,
    body,
    status: c.state ?? null,
    // Intercom has two levels: "priority" (starred) and "not_priority".
    priority: c.priority === 'priority' ? 'high' : c.priority === 'not_priority' ? 'normal' : null,
    requesterEmail: customer && typeof author.email === 'string' && author.email ? author.email : null,
    organization: null,
    organizationExternalId: null,
    url: conversationUrl(appId, id),
    createdAt: unix(c.created_at),
    updatedAt: unix(c.updated_at),
    raw: { state: c.state ?? null, priority: c.priority ?? null, authorType: author?.type ?? null },
  };
}
