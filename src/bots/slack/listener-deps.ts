import type { WebClient } from '@slack/web-api';
import type { Person } from '../../engine/index.js';
import type { Logger } from '../../log.js';
import type { ChatServices } from '../../chat/services.js';
import type { SlackIdentity } from './identity.js';
import { SAY } from './notify.js';

/** What the Bolt listeners (actions, modals, commands, events) are given. */
export interface SlackListenerDeps {
  services: ChatServices;
  identity: SlackIdentity;
  log: Logger;
  /** The /slack/install page in OAuth mode; null with a single bot token. */
  installUrl: string | null;
  /** Called when a team's installation changes (uninstall, token revoked). */
  onTeamChanged?(teamId: string): void;
}

/** The Fincelo workspace and person behind a Slack user, or what to tell them when there is none. */
export async function actingPerson(
  d: SlackListenerDeps,
  client: WebClient,
  q: { teamId: string | null | undefined; userId: string; workspaceId?: string },
): Promise<{ workspaceId: string; person: Person } | { say: string }> {
  const workspaceId = q.workspaceId ?? (await d.identity.workspaceForTeam(q.teamId));
  if (!workspaceId) return { say: SAY.notConnected(d.installUrl) };
  const person = await d.identity.actor(client, { userId: q.userId, workspaceId });
  return person ? { workspaceId, person } : { say: SAY.unknownPerson };
}
