import { App, ExpressReceiver, SocketModeReceiver, type InstallationStore, type Receiver } from '@slack/bolt';
import { Router } from 'express';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import type { SlackAuth } from './auth.js';
import { slackLogger } from './log-adapter.js';
import { SLACK_BOT_SCOPES, type SlackMode } from './mode.js';
import { rejectStaleSlackRequests } from './verify.js';
import { slackClientOptions } from './web-client.js';

export const EVENTS_PATH = '/slack/events';
export const INSTALL_PATH = '/slack/install';
export const REDIRECT_PATH = '/slack/oauth_redirect';

export interface BoltRuntime {
  app: App;
  /** HTTP routes to mount (absent in Socket Mode). */
  router?: Router;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The Bolt app and its transport. Over HTTP, an ExpressReceiver whose router the product mounts
 * on its own server (events, commands and interactions all POST to /slack/events; OAuth adds
 * /slack/install and /slack/oauth_redirect). With SLACK_APP_TOKEN, Socket Mode instead: no public
 * URL, Slack pushes the same payloads over a WebSocket.
 *
 * processBeforeResponse stays false: ack() sends the HTTP response at once and the listener works
 * after it, which is how a long-running server meets Slack's 3-second deadline.
 */
export function createBoltApp(o: {
  config: Config;
  mode: SlackMode;
  log: Logger;
  auth: SlackAuth;
  installationStore?: InstallationStore;
}): BoltRuntime {
  const logger = slackLogger(o.log);
  const clientOptions = { ...slackClientOptions(o.config), logger };
  const { mode } = o;

  if (mode.kind === 'token' && mode.appToken) {
    const receiver = new SocketModeReceiver({ appToken: mode.appToken, logger });
    const app = new App({ receiver, authorize: o.auth.authorize, clientOptions, logger, convoStore: false });
    return { app, start: async () => void (await app.start()), stop: async () => void (await app.stop()) };
  }

  const signingSecret = mode.signingSecret;
  if (!signingSecret)
    throw new Error('SLACK_SIGNING_SECRET is required unless SLACK_APP_TOKEN (Socket Mode) is set');
  const publicUrl = o.config.PUBLIC_URL?.replace(/\/$/, '');
  const receiver = new ExpressReceiver({
    signingSecret,
    logger,
    endpoints: EVENTS_PATH,
    processBeforeResponse: false,
    ...(mode.kind === 'oauth'
      ? {
          clientId: mode.clientId,
          clientSecret: mode.clientSecret,
          stateSecret: mode.stateSecret,
          installationStore: o.installationStore,
          scopes: SLACK_BOT_SCOPES,
          ...(publicUrl ? { redirectUri: `${publicUrl}${REDIRECT_PATH}` } : {}),
          installerOptions: {
            installPath: INSTALL_PATH,
            redirectUriPath: REDIRECT_PATH,
            // "Add to Slack" goes straight to Slack's consent screen.
            directInstall: true,
            clientOptions,
          },
        }
      : {}),
  });
  const app = new App({
    receiver: receiver as Receiver,
    ...(mode.kind === 'token' ? { authorize: o.auth.authorize } : {}),
    clientOptions,
    logger,
    convoStore: false,
  });
  const router = Router();
  router.post(EVENTS_PATH, rejectStaleSlackRequests());
  router.use(receiver.router);
  return { app, router, start: async () => {}, stop: async () => {} };
}
