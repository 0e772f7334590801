import type { ConnectorPlatform, PlatformId } from './types.js';
import { zendesk } from './zendesk/index.js';
import { freshdesk } from './freshdesk/index.js';
import { webhook } from './webhook/index.js';
import { jsm } from './jsm/index.js';
import { intercom } from './intercom/index.js';
import { hubspot } from './hubspot/index.js';

/** Every helpdesk the product connects to: one line per platform folder. */
export const PLATFORMS: Partial<Record<PlatformId, ConnectorPlatform>> = {
  zendesk,
  freshdesk,
  jsm,
  intercom,
  hubspot,
  webhook,
};

export function platformFor(id: string): ConnectorPlatform | undefined {
  return Object.prototype.hasOwnProperty.call(PLATFORMS, id) ? PLATFORMS[id as PlatformId] : undefined;
}
