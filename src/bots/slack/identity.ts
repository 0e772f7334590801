import type { WebClient } from '@slack/web-api';
import type { Config } from '../../config.js';
import type { Person } from '../../engine/index.js';
import type { Logger } from '../../log.js';
import type { ChatServices } from '../../chat/services.js';
import type { SlackMode } from './mode.js';

/** Who is talking to us: the Fincelo workspace of a Slack team, and the person behind a Slack user. */
export interface SlackIdentity {
  workspaceForTeam(teamId: string | null | undefined): Promise<string | null>;
  /** By stored Slack id; else by the email of the Slack profile (users.info), remembered. */
  actor(client: WebClient, q: { userId: string; workspaceId: string }): Promise<Person | null>;
}

export function createSlackIdentity(o: {
  mode: SlackMode;
  config: Config;
  services: ChatServices;
  log: Logger;
}): SlackIdentity {
  const { services } = o;
  return {
    async workspaceForTeam(teamId) {
      if (o.mode.kind === 'token' && o.config.SLACK_WORKSPACE_ID) return o.config.SLACK_WORKSPACE_ID;
      const bound = teamId ? await services.workspaceForInstallation('slack', teamId) : null;
      if (bound || o.mode.kind === 'oauth') return bound;
      // Token mode with no explicit workspace: the deployment's only workspace, bound on first use
      // so that creating a second workspace later does not disconnect Slack.
      const sole = await services.soleWorkspace();
      if (sole && teamId) await services.saveInstallation('slack', teamId, sole, { mode: 'token' });
      return sole;
    },
    async actor(client, q) {
      const base = { workspaceId: q.workspaceId, channel: 'slack' as const, identityKey: 'userId' };
      const known = await services.resolvePerson({ ...base, identityValue: q.userId });
      if (known) return known;
      let email: string | null = null;
      try {
        email = (await client.users.info({ user: q.userId })).user?.profile?.email ?? null;
      } catch (err) {
        o.log.warn({ err, userId: q.userId }, 'slack: users.info failed; cannot match the user by email');
      }
      return email ? services.resolvePerson({ ...base, identityValue: q.userId, email }) : null;
    },
  };
}
