import type { ChatServices } from '../../chat/services.js';
import type { StoredReference } from './references.js';

/**
 * What we know about reaching one Teams user, kept as a per-user installation (chat_installations,
 * external id `user:<aadObjectId>`, encrypted at rest and bound to the workspace): Teams installs a
 * personal app per user, and proactive messages need the user's Teams id, tenant and service URL
 * (learn.microsoft.com/microsoftteams/platform/bots/how-to/conversations/send-proactive-messages).
 * `personal` is the bot's 1:1 chat with them, once it exists.
 */
export interface TeamsUserRecord {
  /** Teams user id (`29:…`). */
  userId: string;
  aadObjectId: string;
  name?: string;
  tenantId?: string;
  serviceUrl: string;
  agent: { id: string; name?: string };
  personal?: { conversationId: string; reference: StoredReference };
}

export const userInstallationKey = (aadObjectId: string) => `user:${aadObjectId}`;

export async function findTeamsUser(
  services: ChatServices,
  aadObjectId: string,
): Promise<{ workspaceId: string; user: TeamsUserRecord } | null> {
  const found = await services.findInstallation('teams', userInstallationKey(aadObjectId));
  return found ? { workspaceId: found.workspaceId, user: found.data as unknown as TeamsUserRecord } : null;
}

/** Stores the record (merged over what is known), skipping the write when nothing changed. */
export async function saveTeamsUser(
  services: ChatServices,
  workspaceId: string,
  update: TeamsUserRecord,
  known?: TeamsUserRecord | null,
): Promise<TeamsUserRecord> {
  const merged: TeamsUserRecord = {
    ...(known ?? {}),
    ...update,
    personal: update.personal ?? known?.personal,
  };
  if (!merged.personal) delete merged.personal;
  if (known && JSON.stringify(known) === JSON.stringify(merged)) return merged;
  await services.saveInstallation(
    'teams',
    userInstallationKey(update.aadObjectId),
    workspaceId,
    merged as unknown as Record<string, unknown>,
  );
  return merged;
}
