/**
 * Role channels (issue 20 item 6): an escalation step may name a team conversation instead of a
 * role — `"<channel>:<conversation id>"` — and its card goes there, in the alert's own thread in
 * that conversation, rather than to a person. Ids, not names: a channel is renamed more often than
 * it is recreated. Which channels have team conversations, and what their ids look like, the
 * channels say themselves (src/channels/step-channels.ts); the engine names none.
 */
import { CHANNELS, type Channel } from '../types.js';

/** What one channel's conversation ids look like, for the settings' error messages. */
export interface StepChannelFormat {
  re: RegExp;
  /** Completes "must be …": `a Slack channel id such as C0123ABCD`. */
  example: string;
}

/** The channels that have team conversations, by kind. */
export type StepChannelFormats = Partial<Record<Channel, StepChannelFormat>>;

export interface StepChannel {
  kind: Channel;
  /** The platform's conversation id. */
  id: string;
}

/**
 * Parses `"<kind>:<id>"`; a string is the error for `escalation.N.channel`. Without formats (a
 * caller that has none) any known channel kind with an id of no spaces passes.
 */
export function parseStepChannel(value: unknown, formats: StepChannelFormats | null): StepChannel | string {
  if (typeof value !== 'string' || !value.includes(':'))
    return 'must be "<channel>:<conversation id>", e.g. "slack:C0123ABCD"';
  const i = value.indexOf(':');
  const kind = value.slice(0, i).trim().toLowerCase();
  const id = value.slice(i + 1).trim();
  const kinds = formats ? Object.keys(formats) : [...CHANNELS];
  if (!kinds.includes(kind))
    return `unknown channel kind "${kind}" (channels with team conversations: ${kinds.join(', ')})`;
  const f = formats?.[kind as Channel];
  if (f ? !f.re.test(id) : !/^\S+$/.test(id))
    return `malformed ${kind} conversation id: must be ${f?.example ?? 'the conversation id'}`;
  return { kind: kind as Channel, id };
}

/** `"<kind>:<id>"` of a step validated before → its parts. */
export function stepChannelOf(value: string): StepChannel | null {
  const p = parseStepChannel(value, null);
  return typeof p === 'string' ? null : p;
}
