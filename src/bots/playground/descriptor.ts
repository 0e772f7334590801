import type { ChannelDescriptor } from '../descriptor.js';
import { createPlaygroundGateway } from './gateway.js';

declare module '../../engine/types.js' {
  interface ChannelNames {
    playground: true;
  }
}

/**
 * The browser playground: an ordinary channel that needs no credentials, run by the all-in-one
 * process, and the channel a person with no configured channel is reached on. Its settings
 * (FINCELO_PLAYGROUND, FINCELO_PLAYGROUND_BEHIND_PROXY) and its routes (the page and its API,
 * with the per-start token) are still the product's: src/config.ts and src/api/playground/.
 */
export const playgroundDescriptor: ChannelDescriptor = {
  channel: 'playground',
  env: {},
  secrets: [],
  doctor: () => [{ ok: true, line: '- playground: always available in all-in-one mode at /playground/' }],
  routes: ['/playground/'],
  role: false,
  fallback: true,
  configured: () => true,
  create: async ({ pool }) => {
    if (!pool) throw new Error('the playground channel needs the database pool');
    return { gateway: createPlaygroundGateway(pool) };
  },
};
