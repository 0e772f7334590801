/**
 * The channels whose team conversations an escalation step can target (issue 20 item 6, role
 * channels), and what their conversation ids look like. Each channel says so itself (`stepChannel`
 * in src/bots/<channel>/descriptor.ts, with the platform's source); src/bots/registry.ts fills this
 * table at start-up, in its order. A channel without one (WhatsApp, the playground) is 1:1 only.
 */
import type { StepChannelFormat, StepChannelFormats } from '../engine/policy/channel-step.js';
import type { Channel } from '../engine/index.js';

export const STEP_CHANNEL_FORMATS: StepChannelFormats = {};

/** Called by src/bots/registry.ts for each channel that has team conversations. */
export function declareStepChannel(channel: Channel, format: StepChannelFormat): void {
  STEP_CHANNEL_FORMATS[channel] = format;
}
