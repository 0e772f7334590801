import type { AuthorizeResult } from '@slack/bolt';
import type { ChatServices } from '../../chat/services.js';
import type { SlackMode } from './mode.js';
import type { ClientFor } from './web-client.js';
import { PermanentDeliveryError } from '../../channels/port.js';

/** Which bot token to use: one per deployment (token mode) or one per Slack team (OAuth). */
export interface SlackAuth {
  /** The token (and Slack team, when known) for messaging a Fincelo workspace's people. */
  forWorkspace(workspaceId: string): Promise<{ token: string; teamId: string | null }>;
  /** The token for a Slack team (conversation references carry the team). */
  forTeam(teamId: string | null | undefined): Promise<string>;
  /** Bolt's `authorize` in token mode (auth.test once, cached on success). */
  authorize(source?: { teamId?: string }): Promise<AuthorizeResult>;
  /** Forgets cached tokens of a team (after app_uninstalled / tokens_revoked). */
  forget(teamId: string): void;
}

/** Installations change rarely (install, reinstall, uninstall): a minute of caching saves a query per message. */
const CACHE_MS = 60_000;

interface Bound {
  token: string;
  teamId: string | null;
}

/** The bot token inside a stored Bolt installation. */
export function botTokenOf(data: Record<string, unknown> | undefined): string | null {
  const bot = data?.bot as { token?: unknown } | undefined;
  return !data?.revokedAt && typeof bot?.token === 'string' ? bot.token : null;
}

export function createSlackAuth(o: {
  mode: SlackMode;
  services: ChatServices;
  clients: ClientFor;
  installUrl: string;
}): SlackAuth {
  const { mode, services } = o;
  let identity: Promise<AuthorizeResult> | null = null;
  const tokens = new Map<string, { value: Bound | null; at: number }>();

  async function authorize(source?: { teamId?: string }): Promise<AuthorizeResult> {
    if (mode.kind !== 'token') throw new Error('authorize() is for token mode; OAuth uses the installer');
    identity ??= o
      .clients(mode.botToken)
      .auth.test()
      .then((r) => ({ botToken: mode.botToken, botId: r.bot_id, botUserId: r.user_id, teamId: r.team_id }));
    // A failed auth.test (network, bad token) is not cached: the next request tries again.
    const me = await identity.catch((err) => {
      identity = null;
      throw err;
    });
    // One bot token serves one Slack team: a request from another team (the same app installed
    // elsewhere) cannot be answered with it. OAuth mode is for many teams.
    if (source?.teamId && me.teamId && source.teamId !== me.teamId) {
      throw new Error(`SLACK_BOT_TOKEN belongs to Slack team ${me.teamId}, not ${source.teamId}`);
    }
    return me;
  }

  async function cached(key: string, load: () => Promise<Bound | null>): Promise<Bound | null> {
    const hit = tokens.get(key);
    if (hit && Date.now() - hit.at < CACHE_MS) return hit.value;
    const value = await load();
    tokens.set(key, { value, at: Date.now() });
    return value;
  }

  const notInstalled = (what: string) =>
    new PermanentDeliveryError(
      `Fincelo is not installed in the Slack workspace of ${what} (or it was uninstalled): a Slack admin can install it at ${o.installUrl}.`,
    );

  return {
    authorize,
    forget(teamId) {
      for (const [k, v] of tokens) if (k === `team:${teamId}` || v.value?.teamId === teamId) tokens.delete(k);
    },
    async forWorkspace(workspaceId) {
      if (mode.kind === 'token') {
        const teamId = await authorize().then(
          (r) => (r.teamId as string | undefined) ?? null,
          () => null,
        );
        return { token: mode.botToken, teamId };
      }
      const bound = await cached(`ws:${workspaceId}`, async () => {
        const inst = await services.installationForWorkspace('slack', workspaceId);
        const token = botTokenOf(inst?.data);
        return inst && token ? { token, teamId: inst.externalId } : null;
      });
      if (!bound) throw notInstalled('this Fincelo workspace');
      return bound;
    },
    async forTeam(teamId) {
      if (mode.kind === 'token') return mode.botToken;
      if (!teamId) throw notInstalled('this conversation');
      const bound = await cached(`team:${teamId}`, async () => {
        const token = botTokenOf((await services.findInstallation('slack', teamId))?.data);
        return token ? { token, teamId } : null;
      });
      if (!bound) throw notInstalled(`team ${teamId}`);
      return bound.token;
    },
  };
}
