import type { Router } from 'express';
import type { Config } from '../config.js';
import { type Channel } from '../engine/index.js';
import type { Logger } from '../log.js';
import type { ChatServices } from '../chat/services.js';
import { slackMode } from './slack/mode.js';
import { teamsModule } from './teams/index.js';
import { gchatModule } from './gchat/index.js';
import { whatsappModule } from './whatsapp/index.js';
import { type ChannelGateway } from '../channels/port.js';

/** What a chat channel module gives the process that runs it. */
export interface ChannelRuntime {
  gateway: ChannelGateway;
  /** HTTP routes (webhooks), mounted at the root of the process's server. */
  router?: Router;
  close?(): Promise<void>;
}

/** One chat platform: src/bots/<channel>/index.ts exports one of these. */
export interface ChannelModule {
  channel: Exclude<Channel, 'playground'>;
  /** True when the platform's credentials are configured. */
  configured(config: Config): boolean;
  create(ctx: { config: Config; services: ChatServices; log: Logger }): Promise<ChannelRuntime>;
}

/** Slack, with Bolt loaded only by processes that run Slack (it costs ~0.7 s at start-up). */
const slackChannel: ChannelModule = {
  channel: 'slack',
  configured: (config) => slackMode(config) !== null,
  create: async (ctx) => (await import('./slack/index.js')).slackChannel.create(ctx),
};

/** Every chat channel of the product: adding a channel adds one line here. */
export const CHANNEL_MODULES: ChannelModule[] = [slackChannel, teamsModule, whatsappModule, gchatModule];
