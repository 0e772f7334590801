/**
 * The Slack channel (Bolt): a gateway for the outbox (cards, updates, thread replies in DMs) and
 * the inbound side (card buttons, modals, /fincelo, DM commands). Files:
 *   mode.ts              how the deployment connects (one bot token, or OAuth for many teams)
 *   bolt-app.ts          Bolt app + receiver (HTTP router or Socket Mode); verify.ts: 5-minute window
 *   auth.ts              which bot token to use; installation-store.ts: OAuth installs in PostgreSQL
 *   identity.ts          Slack team → Fincelo workspace, Slack user → Person
 *   gateway.ts           outbound sends (pacer.ts paces per conversation, wake.ts re-drains deferred
 *                        deliveries on time; errors.ts maps failures)
 *   actions.ts           card buttons and action modals; settings.ts: settings modals
 *   commands.ts          /fincelo; events.ts: message.im, app_uninstalled, tokens_revoked
 *   modals.ts, parse.ts  Block Kit views and payload parsing; the card itself: cards/render/slack.ts
 */
import type { ChannelModule } from '../registry.js';
import { registerAlertActions } from './actions.js';
import { createSlackAuth } from './auth.js';
import { createBoltApp, INSTALL_PATH } from './bolt-app.js';
import { registerCommands } from './commands.js';
import { registerCsvImport } from './csv.js';
import { registerEvents } from './events.js';
import { createSlackGateway } from './gateway.js';
import { createSlackIdentity } from './identity.js';
import { createInstallationStore } from './installation-store.js';
import type { SlackListenerDeps } from './listener-deps.js';
import { slackMode } from './mode.js';
import { createPacer } from './pacer.js';
import { registerSettings } from './settings.js';
import { createWaker } from './wake.js';
import { createOutboundClients } from './web-client.js';

export const slackChannel: ChannelModule = {
  channel: 'slack',
  configured: (config) => slackMode(config) !== null,
  async create({ config, services, log }) {
    const mode = slackMode(config);
    if (!mode) throw new Error('Slack is not configured');
    const publicUrl = config.PUBLIC_URL?.replace(/\/$/, '');
    const installUrl =
      mode.kind !== 'oauth'
        ? null
        : publicUrl
          ? `${publicUrl}${INSTALL_PATH}`
          : `the ${INSTALL_PATH} page of this Fincelo server`;
    const clients = createOutboundClients(config);
    const auth = createSlackAuth({ mode, services, clients, installUrl: installUrl ?? INSTALL_PATH });
    const identity = createSlackIdentity({ mode, config, services, log });
    const bolt = createBoltApp({
      config,
      mode,
      log,
      auth,
      installationStore:
        mode.kind === 'oauth'
          ? createInstallationStore({ services, clients, log, onInstalled: (team) => auth.forget(team) })
          : undefined,
    });
    bolt.app.error(async (err) => {
      log.error({ err }, 'slack: a listener failed');
    });
    const deps: SlackListenerDeps = {
      services,
      identity,
      log,
      installUrl,
      onTeamChanged: (t) => auth.forget(t),
    };
    registerAlertActions(bolt.app, deps);
    registerSettings(bolt.app, deps);
    registerCommands(bolt.app, deps);
    registerEvents(bolt.app, deps);
    registerCsvImport(bolt.app, deps, { apiUrl: config.SLACK_API_URL });
    await bolt.start();
    log.info(
      {
        mode: mode.kind,
        transport: bolt.router ? 'http /slack/events' : 'socket mode',
        ...(installUrl ? { installUrl } : {}),
      },
      'slack: ready',
    );
    const waker = createWaker(
      () => services.kick('slack'),
      (err) => log.warn({ err }, 'slack: could not wake the outbox'),
    );
    const gateway = createSlackGateway({
      auth,
      clients,
      services,
      pacer: createPacer(),
      log,
      wakeAfter: (ms) => waker.after(ms),
    });
    return {
      gateway,
      router: bolt.router,
      async close() {
        waker.stop();
        await bolt.stop();
      },
    };
  },
};
