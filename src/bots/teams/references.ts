import type { Activity, ConversationReference } from '@microsoft/agents-activity';

/**
 * Conversation references as we store them (conversations.reference): everything needed to write
 * to a Teams conversation later — service URL, conversation, tenant, the bot's and the user's
 * accounts — and deliberately no `activityId`: the Agents SDK turns a reference's activity id into
 * a reply (POST …/activities/{activityId}) on proactive sends (CHAT.md §6), which is not what a
 * new root post wants.
 */
export interface StoredReference {
  channelId: string;
  serviceUrl: string;
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  agent: { id: string; name?: string };
  user?: { id: string; name?: string; aadObjectId?: string };
  /** For channel conversations: the team the channel belongs to. */
  teamId?: string;
}

export type ConversationKind = 'personal' | 'channel' | 'groupChat';

/**
 * Teams addresses a reply in a channel thread as `<channelId>;messageid=<rootActivityId>`, e.g.
 * `19:…@thread.skype;messageid=1498171086622` (CHAT.md §2, "Proactive messages and threads"); a
 * channel activity's own conversation id already carries its thread in that form.
 */
export const threadConversationId = (channelId: string, rootId: string) => `${channelId};messageid=${rootId}`;

export function baseConversationId(id: string): string {
  const at = id.indexOf(';messageid=');
  return at === -1 ? id : id.slice(0, at);
}

export function conversationKind(ref: Pick<StoredReference, 'conversation'>): ConversationKind {
  const t = ref.conversation.conversationType;
  if (t === 'channel') return 'channel';
  if (t === 'groupChat') return 'groupChat';
  return 'personal';
}

interface TeamsChannelData {
  tenant?: { id?: string };
  team?: { id?: string };
  channel?: { id?: string };
}

export const channelDataOf = (a: Activity): TeamsChannelData => (a.channelData ?? {}) as TeamsChannelData;

export function tenantOf(a: Activity): string | undefined {
  return a.conversation?.tenantId ?? channelDataOf(a).tenant?.id;
}

/**
 * The reference to store for the conversation an inbound activity came from. For a channel the
 * conversation is the channel itself (its thread suffix removed), so alerts become new root posts.
 */
export function referenceFromActivity(a: Activity): StoredReference {
  const cd = channelDataOf(a);
  const type = a.conversation?.conversationType;
  const channelId = type === 'channel' ? (cd.channel?.id ?? baseConversationId(a.conversation!.id)) : null;
  const ref: StoredReference = {
    channelId: a.channelId ?? 'msteams',
    serviceUrl: a.serviceUrl ?? '',
    conversation: {
      id: channelId ?? a.conversation!.id,
      ...(type ? { conversationType: type } : {}),
      ...(tenantOf(a) ? { tenantId: tenantOf(a) } : {}),
      ...(a.conversation?.isGroup !== undefined ? { isGroup: a.conversation.isGroup } : {}),
    },
    agent: { id: a.recipient?.id ?? '', ...(a.recipient?.name ? { name: a.recipient.name } : {}) },
  };
  if (type !== 'channel' && type !== 'groupChat' && a.from?.id) {
    ref.user = {
      id: a.from.id,
      ...(a.from.name ? { name: a.from.name } : {}),
      ...(a.from.aadObjectId ? { aadObjectId: a.from.aadObjectId } : {}),
    };
  }
  if (cd.team?.id) ref.teamId = cd.team.id;
  return ref;
}

/** Reads a stored reference back; null when it lacks what a send needs. */
export function parseStoredReference(raw: Record<string, unknown> | undefined): StoredReference | null {
  const r = raw as Partial<StoredReference> | undefined;
  if (!r?.serviceUrl || !r.conversation?.id || !r.agent) return null;
  return r as StoredReference;
}

/** The SDK's reference for one conversation id (the stored one, or a thread of it). */
export function toSdkReference(ref: StoredReference, conversationId: string): ConversationReference {
  return {
    channelId: ref.channelId || 'msteams',
    serviceUrl: ref.serviceUrl,
    conversation: { ...ref.conversation, id: conversationId },
    agent: ref.agent,
    ...(ref.user ? { user: ref.user } : {}),
  } as ConversationReference;
}
