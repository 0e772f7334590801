import type { ActionName } from '../../engine/index.js';
import type { WhatsAppInputSpec } from '../../cards/render/whatsapp.js';
import { loadCardState } from './card-state.js';
import { choiceList, readChoice, type Choice } from './choices.js';
import { formatLocal, parseNaturalDate } from './natural-date.js';
import { endDialog, say, saveDialog, type InboundDeps, type Turn } from './turn.js';

/**
 * The inputs of an alert action as a short conversation (WhatsApp has no forms): the steps come
 * from the card's own inputs (the ShowCard behind Log Call, Schedule Follow-up, Reassign, Snooze's
 * list of how long / until what, the optional note of Escalate now and Decline), so the
 * questions and choices are the same as on every other channel. Date + time become one "When?"
 * question read as natural language in the person's time zone.
 */
interface Step {
  id: string;
  kind: 'choice' | 'text' | 'when';
  label: string;
  required: boolean;
  choices?: Choice[];
}

export interface ActionDialog {
  alertId: string;
  action: ActionName;
  rootMessageId: string | null;
  steps: Step[];
  index: number;
  page: number;
  values: Record<string, string>;
}

function stepsFor(inputs: WhatsAppInputSpec[]): Step[] {
  const steps: Step[] = [];
  for (const i of inputs) {
    if (i.kind === 'time') continue; // folded into the "when" question
    if (i.kind === 'date') {
      steps.push({ id: 'dueAt', kind: 'when', label: 'When?', required: true });
      continue;
    }
    steps.push({
      id: i.id,
      kind: i.kind === 'choice' ? 'choice' : 'text',
      label: i.label,
      required: i.required,
      ...(i.choices ? { choices: i.choices } : {}),
    });
  }
  return steps;
}

const ACTION_TITLES: Record<string, string> = {
  log_call: 'Log Call',
  schedule_follow_up: 'Schedule Follow-up',
  reassign: 'Reassign',
  snooze: 'Snooze',
  escalate_now: 'Escalate now',
  decline: "Decline / can't take it",
};

/** Starts the dialog of an action that needs inputs; false when the action needs none. */
export async function startActionDialog(
  deps: InboundDeps,
  t: Turn,
  alertId: string,
  action: ActionName,
): Promise<boolean> {
  const card = await loadCardState(deps.services, t.chat.waId, alertId);
  const inputs = card?.forms[action];
  if (!inputs) {
    if (!['log_call', 'schedule_follow_up', 'reassign'].includes(action)) return false;
    await say(
      deps,
      t,
      `I no longer have the details for ${ACTION_TITLES[action]} on this alert. Send *alerts* to see your open alerts.`,
    );
    return true;
  }
  const steps = stepsFor(inputs);
  if (!steps.length) return false;
  if (action === 'reassign' && !steps[0]!.choices?.length) {
    await say(deps, t, 'There is no other CSM in this workspace to reassign to.');
    return true;
  }
  const d: ActionDialog = {
    alertId,
    action,
    rootMessageId: card?.rootMessageId ?? null,
    steps,
    index: 0,
    page: 0,
    values: {},
  };
  await saveDialog(deps, t, 'action', d as unknown as Record<string, unknown>);
  await ask(deps, t, d);
  return true;
}

async function ask(deps: InboundDeps, t: Turn, d: ActionDialog, problem?: string): Promise<void> {
  const step = d.steps[d.index]!;
  const title = ACTION_TITLES[d.action] ?? d.action;
  const prefix = problem ? `${problem}\n` : '';
  if (step.kind === 'choice') {
    await deps.sender.answer(
      t.chat,
      choiceList(`${prefix}*${title}* — ${step.label}`, step.choices ?? [], d.page),
      d.rootMessageId,
    );
    return;
  }
  if (step.kind === 'when') {
    await say(
      deps,
      t,
      `${prefix}*${title}* — when? For example "tomorrow 3pm" or "Fri 10:00" (your time zone: ${t.person.timezone}). Send *cancel* to stop.`,
      d.rootMessageId,
    );
    return;
  }
  const skip = step.required ? '' : ' Send *skip* to leave it empty.';
  await say(deps, t, `${prefix}*${title}* — ${step.label}?${skip} Send *cancel* to stop.`, d.rootMessageId);
}

/** Feeds one inbound message to the dialog; applies the action after the last answer. */
export async function continueActionDialog(deps: InboundDeps, t: Turn, d: ActionDialog): Promise<void> {
  const step = d.steps[d.index]!;
  const text = t.msg.text?.trim();
  if (step.kind === 'choice') {
    const a = readChoice(step.choices ?? [], t.msg.replyId, text ?? t.msg.replyTitle);
    if (!a) return ask(deps, t, d, "I didn't catch that choice; pick one from the list.");
    if ('page' in a) {
      d.page = a.page;
      await saveDialog(deps, t, 'action', d as unknown as Record<string, unknown>);
      return ask(deps, t, d);
    }
    d.values[step.id] = a.choice[0];
  } else if (step.kind === 'when') {
    const at = text ? parseNaturalDate(text, t.person.timezone, deps.now()) : null;
    if (!at) return ask(deps, t, d, `I couldn't read "${text ?? ''}" as a date.`);
    if (at.getTime() <= deps.now().getTime()) return ask(deps, t, d, 'That time has already passed.');
    d.values.dueAt = at.toISOString();
  } else {
    if (!text) return ask(deps, t, d, 'Please answer with text.');
    if (/^skip$/i.test(text)) {
      if (step.required) return ask(deps, t, d, 'This one is needed.');
    } else d.values[step.id] = text;
  }
  d.index++;
  d.page = 0;
  if (d.index < d.steps.length) {
    await saveDialog(deps, t, 'action', d as unknown as Record<string, unknown>);
    return ask(deps, t, d);
  }
  await endDialog(deps, t);
  const result = await deps.services.act({
    workspaceId: t.person.workspaceId,
    alertId: d.alertId,
    action: d.action,
    actor: t.person,
    channel: 'whatsapp',
    eventId: `whatsapp:${t.msg.id}`,
    inputs: d.values,
  });
  let reply = result.message;
  if (result.ok && d.action === 'schedule_follow_up' && d.values.dueAt)
    reply = `${result.message} Due ${formatLocal(new Date(d.values.dueAt), t.person.timezone)}.`;
  await say(deps, t, reply, d.rootMessageId);
  if (result.ok && !result.duplicate) await deps.services.kick('whatsapp');
}
