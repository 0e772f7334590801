import { readConfig, secretValues, type Config } from '../config.js';
import { defineChannels } from '../engine/index.js';
import { declareStepChannel } from '../channels/step-channels.js';
import type { ChannelDescriptor } from './descriptor.js';
import { slackDescriptor } from './slack/descriptor.js';
import { teamsDescriptor } from './teams/descriptor.js';
import { gchatDescriptor } from './gchat/descriptor.js';
import { whatsappDescriptor } from './whatsapp/descriptor.js';
import { playgroundDescriptor } from './playground/descriptor.js';

export type {
  ChannelContext,
  ChannelDescriptor,
  ChannelModule,
  ChannelRuntime,
  DoctorCheck,
} from './descriptor.js';

/** Every chat channel of the product: adding a channel adds one line here. */
export const CHANNEL_MODULES: readonly ChannelDescriptor[] = [
  slackDescriptor,
  teamsDescriptor,
  gchatDescriptor,
  whatsappDescriptor,
  playgroundDescriptor,
];

const fallbacks = CHANNEL_MODULES.filter((c) => c.fallback);
if (fallbacks.length !== 1) throw new Error('exactly one channel must be the fallback channel');
defineChannels(
  CHANNEL_MODULES.map((c) => c.channel),
  fallbacks[0]!.channel,
);
for (const c of CHANNEL_MODULES) if (c.stepChannel) declareStepChannel(c.channel, c.stepChannel);

/** The process roles: all-in-one, one per channel that can run alone, the engine worker, the API. */
export const PROCESS_ROLES = [
  'all',
  ...CHANNEL_MODULES.filter((c) => c.role).map((c) => c.channel),
  'worker',
  'api',
] as const;
export type { ProcessRole } from '../config.js';

/** Reads and validates every variable: the product's and every channel's (src/config.ts). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return readConfig(env, CHANNEL_MODULES);
}

/** The variables every channel declares secret. */
export const CHANNEL_SECRETS: readonly string[] = CHANNEL_MODULES.flatMap((c) => c.secrets);

/**
 * What the logger redacts for the channels: `config.<secret>` of every declared secret, the
 * channels' own paths, and (to scrub from every line) the values of the secrets in `env`.
 */
export function channelLogRedaction(env: object = process.env): {
  secrets: string[];
  redactPaths: string[];
} {
  return {
    secrets: secretValues(env, CHANNEL_SECRETS),
    redactPaths: CHANNEL_MODULES.flatMap((c) => [
      ...c.secrets.map((s) => `config.${s}`),
      ...(c.redact ?? []),
    ]),
  };
}
