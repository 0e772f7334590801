/**
 * Reading Slack payloads into what the product needs. Payload shapes: block_actions and
 * view_submission (docs.slack.dev/reference/interaction-payloads), slash commands
 * (docs.slack.dev/interactivity/implementing-slash-commands), Events API envelopes
 * (docs.slack.dev/apis/events-api).
 */
import { ALL_ACTIONS, type ActionName } from '../../engine/index.js';

/**
 * Buttons that apply on click. Snooze is here too: its button opens the choice of how long (a modal)
 * on cards rendered since issue 21, and applies the workspace's snooze on older cards that carry
 * no modal.
 */
export const IMMEDIATE_ACTIONS: ActionName[] = ['acknowledge', 'snooze', 'resolve'];
/** Buttons whose inputs are asked in a modal (Escalate now and Decline: an optional note). */
export const MODAL_ACTIONS: ActionName[] = [
  'log_call',
  'schedule_follow_up',
  'reassign',
  'snooze',
  'escalate_now',
  'decline',
];

export const isActionName = (v: string): v is ActionName => (ALL_ACTIONS as readonly string[]).includes(v);

/**
 * The idempotency key of a click. Slack re-sends the same payload on a retry (X-Slack-Retry-Num),
 * and `action_ts` is the moment of that one click, so user + action + action_ts names it.
 */
export function clickEventId(
  userId: string,
  actionId: string,
  actionTs: string | undefined,
  triggerId: string,
): string {
  return actionTs ? `click:${userId}:${actionId}:${actionTs}` : `trigger:${triggerId}`;
}

/**
 * The idempotency key of a modal submission: view id + the submission's trigger_id. A resubmission
 * after a validation error carries a new trigger_id (so it is a new attempt); a retry does not.
 */
export function submissionEventId(viewId: string, triggerId: string): string {
  return `view:${viewId}:${triggerId}`;
}

/** JSON private_metadata back into an object; null when it is not ours. */
export function parseMeta<T extends object>(raw: string | undefined, required: (keyof T)[]): T | null {
  try {
    const v = JSON.parse(raw || 'null') as T | null;
    return v && typeof v === 'object' && required.every((k) => v[k] !== undefined) ? v : null;
  } catch {
    return null;
  }
}

/**
 * `/fincelo settings [general|person|customer] [id]` → which form to open and for whom.
 * People/customers are edited by their id (the same id the API and CSV imports use).
 */
export function parseSettingsArgs(text: string): { form: string; context: Record<string, string> } {
  const [, sub = '', ...rest] = text.trim().split(/\s+/);
  const id = rest.join(' ').trim();
  const word = sub.toLowerCase();
  const form = /^(person|people|persons|user|users)$/.test(word)
    ? 'person'
    : /^(customer|customers|account|accounts)$/.test(word)
      ? 'customer'
      : 'general';
  return { form, context: form !== 'general' && id ? { externalId: id } : {} };
}
