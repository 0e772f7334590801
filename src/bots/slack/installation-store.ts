import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { ChatServices } from '../../chat/services.js';
import type { Logger } from '../../log.js';
import type { ClientFor } from './web-client.js';

/**
 * Bolt's InstallationStore over the product's chat_installations table (tokens encrypted at rest,
 * through ChatServices). Each Slack team is bound to one Fincelo workspace: the first install of
 * a team creates that workspace, and the Slack user who installed the app becomes its first admin.
 *
 * Org-wide (Enterprise Grid) installs are refused: the manifest sets org_deploy_enabled: false, and
 * a Fincelo workspace maps to one Slack team.
 */
export function createInstallationStore(o: {
  services: ChatServices;
  clients: ClientFor;
  log: Logger;
  /** Called after a team is installed or re-installed (cached tokens are dropped). */
  onInstalled?: (teamId: string) => void;
}): InstallationStore {
  const { services, log } = o;
  return {
    async storeInstallation(installation) {
      const teamId = installation.team?.id;
      if (installation.isEnterpriseInstall || !teamId) {
        throw new Error(
          'Fincelo is installed per Slack workspace; an org-wide (Enterprise Grid) install is not supported.',
        );
      }
      const data = JSON.parse(JSON.stringify(installation)) as Record<string, unknown>;
      const existing = await services.findInstallation('slack', teamId);
      if (existing) {
        await services.saveInstallation('slack', teamId, existing.workspaceId, data, installation.user.id);
        o.onInstalled?.(teamId);
        log.info({ teamId, workspaceId: existing.workspaceId }, 'slack: app re-installed');
        return;
      }
      const installer = await installerProfile(o.clients, installation, log);
      const bound = await services.createWorkspaceForInstallation({
        channel: 'slack',
        externalId: teamId,
        name: installation.team?.name || `Slack ${teamId}`,
        data,
        installer,
      });
      o.onInstalled?.(teamId);
      log.info(
        { teamId, workspaceId: bound.workspaceId, created: bound.created },
        bound.created
          ? 'slack: app installed; workspace created with the installer as its first admin'
          : 'slack: app installed into an already bound team',
      );
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const teamId = query.teamId;
      const found = teamId ? await services.findInstallation('slack', teamId) : null;
      if (!found || found.data.revokedAt || !found.data.bot) {
        throw new Error(`Fincelo is not installed in Slack team ${teamId ?? query.enterpriseId ?? '?'}`);
      }
      return found.data as unknown as Installation;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      const teamId = query.teamId;
      const found = teamId ? await services.findInstallation('slack', teamId) : null;
      if (!teamId || !found) return;
      // The binding (team → workspace) stays, so a re-install finds the same workspace.
      await services.saveInstallation('slack', teamId, found.workspaceId, {
        ...found.data,
        bot: undefined,
        revokedAt: new Date().toISOString(),
      });
      o.onInstalled?.(teamId);
    },
  };
}

/** Name, email and time zone of the installing user (users:read, users:read.email). */
async function installerProfile(clients: ClientFor, installation: Installation, log: Logger) {
  const userId = installation.user.id;
  const base = { name: userId, identityKey: 'userId', identityValue: userId };
  const token = installation.bot?.token;
  if (!token) return base;
  try {
    const r = await clients(token).users.info({ user: userId });
    const u = r.user;
    return {
      ...base,
      name: u?.profile?.real_name || u?.real_name || u?.name || userId,
      email: u?.profile?.email ?? null,
      timezone: u?.tz || undefined,
    };
  } catch (err) {
    log.warn({ err, userId }, 'slack: could not read the installer profile; using the user id as name');
    return base;
  }
}
