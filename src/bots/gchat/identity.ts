import type { Person } from '../../engine/index.js';
import type { ChatServices } from '../../services/chat.js';
import { isDirectMessage, type ChatEvent } from './events.js';

/** The Fincelo side of an event's user: the workspace and the person, when known. */
export interface GchatActor {
  workspaceId: string | null;
  person: Person | null;
}

/**
 * People are matched by their Chat user (`users/{id}`, remembered under identities.gchat.userName)
 * or, the first time, by the email Chat puts on the event's user (then remembered). A Chat app
 * belongs to one Cloud project, so one deployment serves one workspace unless the person's email
 * names it.
 */
export async function identify(services: ChatServices, ev: ChatEvent): Promise<GchatActor> {
  const u = ev.user;
  if (!u || u.type === 'BOT') return { workspaceId: null, person: null };
  let workspaceId = await services.soleWorkspace();
  const person = await services.resolvePerson({
    workspaceId: workspaceId ?? undefined,
    channel: 'gchat',
    identityKey: 'userName',
    identityValue: u.name,
    email: u.email ?? null,
  });
  workspaceId ??= person?.workspaceId ?? null;
  return { workspaceId, person };
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
