import type { Person } from '../../engine/index.js';
import type { ChatServices } from '../../chat/services.js';
import { AMBIGUOUS_WORKSPACE } from '../../chat/tenancy.js';
import { isDirectMessage, type ChatEvent } from './events.js';

/** The Fincelo side of an event's user: the workspace and the person, when known. */
export interface GchatActor {
  workspaceId: string | null;
  person: Person | null;
  /** Set when the user is known in several workspaces and the event does not say which: the answer. */
  refusal?: string;
}

/**
 * The workspace comes from the named space once it is bound (chat_installations `gchat`, external
 * id the space name; bound by the first event in it from a user who resolves to one workspace), else from the deployment's only workspace, else from the workspace the Chat
 * user (`users/{id}`, identities.gchat.userName) or their email is known in — refused, never
 * guessed, when that is more than one (src/chat/tenancy.ts). Inside it the person is matched by
 * the Chat user, or the first time by the email Chat puts on the event's user (then remembered).
 */
export async function identify(services: ChatServices, ev: ChatEvent): Promise<GchatActor> {
  const u = ev.user;
  if (!u || u.type === 'BOT') return { workspaceId: null, person: null };
  const r = await services.resolveActor({
    channel: 'gchat',
    tenantKeys: [ev.space?.name],
    identities: [{ key: 'userName', value: u.name }],
    email: u.email ?? null,
  });
  if (r.kind === 'ambiguous') return { workspaceId: null, person: null, refusal: AMBIGUOUS_WORKSPACE };
  if (r.kind === 'unknown') return { workspaceId: null, person: null };
  // A named space is a shared room: the first event in it whose user resolves to exactly one
  // workspace (the deployment's only one, or the one that knows this user) binds the space there,
  // so later events in the space resolve by the space, whoever sends them — a user known in two
  // workspaces then acts in the one this space belongs to instead of being refused. A DM is
  // never bound: it belongs to its one user, whose identity is the key (src/chat/tenancy.ts).
  // The binding is never moved by a later event (the upsert keeps the workspace).
  const space = ev.space;
  if (
    space?.name &&
    !isDirectMessage(space) &&
    r.via !== 'tenant' &&
    r.via !== 'pinned' &&
    (r.person || r.via === 'sole')
  ) {
    await services.saveInstallation('gchat', space.name, r.workspaceId, { space: space.name }, u.name);
  }
  return { workspaceId: r.workspaceId, person: r.person };
}

/**
 * Remembers where to write: a DM with a known person becomes that person's conversation (alerts go
 * there); a named space is stored without a person, so nobody's alerts land in a shared space.
 */
export async function remember(services: ChatServices, ev: ChatEvent, actor: GchatActor): Promise<void> {
  if (!actor.workspaceId || !ev.space) return;
  const dm = isDirectMessage(ev.space);
  if (dm && !actor.person) return;
  await services.saveConversation({
    workspaceId: actor.workspaceId,
    channel: 'gchat',
    externalId: ev.space.name,
    personId: dm ? actor.person!.id : null,
    reference: { space: ev.space.name, ...(dm && ev.user ? { user: ev.user.name } : {}) },
    inbound: true,
  });
}
