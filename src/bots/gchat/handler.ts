/**
 * One verified interaction event in, one synchronous answer out (Chat shows it in place: a reply in
 * the same thread, the clicked card replaced, a dialog opened or closed). Business rules live in
 * ChatServices; this maps Chat's events onto it.
 */
import { createHash } from 'node:crypto';
import { parseDialogSpec, renderGchatCard } from '../../cards/render/gchat.js';
import { ALL_ACTIONS, type ActionName } from '../../engine/index.js';
import type { Logger } from '../../log.js';
import type { ChatServices } from '../../chat/services.js';
import type { ChatApi } from './api.js';
import { cardVersion, type CardCache } from './card-cache.js';
import { handleCsvClick, handleCsvUpload, isCsvUpload } from './csv.js';
import { actionDialog, NONE, openSettingsCard, SETTINGS_OPEN, SETTINGS_SAVE } from './dialogs.js';
import { flatInputs, isDirectMessage, type ChatEvent } from './events.js';
import { identify, remember, type GchatActor } from './identity.js';
import { closeDialog, newMessage, openDialog, updateMessage } from './responses.js';
import { handleSettings } from './settings.js';

type Json = Record<string, unknown>;

export interface GchatHandlerDeps {
  services: ChatServices;
  cards: CardCache;
  api: ChatApi;
  log: Logger;
  /** How long a click waits for its re-rendered card before answering without it. */
  waitMs: number;
}

export const NOT_CONNECTED =
  "I don't know who you are in Fincelo yet: ask a Fincelo admin to add you under People with your work email, then try again.";

const WELCOME =
  'Hi! I am Fincelo. Alerts about your customers arrive here, with buttons to act on them. Type `/fincelo help` to see what I can do.';

/**
 * Chat events carry no delivery id; a redelivered event is byte-for-byte the same, so its identity
 * is what makes it unique: who, when, which message, which button and what was typed.
 */
export function eventIdOf(ev: ChatEvent): string {
  const key = JSON.stringify([
    ev.kind,
    ev.user?.name,
    ev.eventTime,
    ev.message?.name,
    ev.invokedFunction,
    ev.parameters,
    ev.formInputs,
    ev.dialogEventType,
  ]);
  return createHash('sha256').update(key).digest('hex').slice(0, 40);
}

const isAction = (fn: string | null): fn is ActionName =>
  !!fn && (ALL_ACTIONS as readonly string[]).includes(fn);

export async function handleChatEvent(deps: GchatHandlerDeps, ev: ChatEvent): Promise<Json> {
  const { services } = deps;
  if (ev.kind === 'removed_from_space' || ev.kind === 'other') return {}; // no answer is shown
  const actor = await identify(services, ev);
  await remember(services, ev, actor);
  const reply = (text: string) => newMessage(ev.format, { text });

  if (ev.kind === 'added_to_space') {
    if (!actor.workspaceId || !actor.person)
      return isDirectMessage(ev.space)
        ? reply(`${WELCOME}\n${actor.refusal ?? NOT_CONNECTED}`)
        : reply(WELCOME);
    return reply(WELCOME);
  }
  if (!actor.workspaceId || !actor.person) {
    const why = actor.refusal ?? NOT_CONNECTED;
    return ev.isDialogEvent ? closeDialog(ev.format, why, 'PERMISSION_DENIED') : reply(why);
  }
  if (ev.kind === 'card_clicked')
    return onClick(
      deps,
      ev,
      actor as Required<GchatActor> & { person: NonNullable<GchatActor['person']>; workspaceId: string },
    );
  if (ev.kind === 'message' && isCsvUpload(ev))
    return handleCsvUpload(deps, ev, actor.workspaceId, actor.person);
  return onCommand(deps, ev, actor.workspaceId, actor.person);
}

/** `/fincelo …`, an @mention in a space, or any text in the DM: the shared commands. */
async function onCommand(
  deps: GchatHandlerDeps,
  ev: ChatEvent,
  workspaceId: string,
  person: NonNullable<GchatActor['person']>,
) {
  const raw = (ev.message?.argumentText ?? ev.message?.text ?? '').trim().replace(/^\/fincelo\b/i, '');
  const answer = await deps.services.command(workspaceId, person, raw.trim(), 'gchat');
  if (answer.openForm) {
    // A slash command set to "open a dialog" arrives as REQUEST_DIALOG and can open it at once;
    // otherwise the answer carries a button that opens it.
    if (ev.isDialogEvent && ev.dialogEventType === 'REQUEST_DIALOG') {
      const outcome = await handleSettings(
        deps.services,
        workspaceId,
        person,
        SETTINGS_OPEN,
        { form: answer.openForm },
        {},
      );
      return 'dialog' in outcome
        ? openDialog(ev.format, outcome.dialog)
        : closeDialog(ev.format, outcome.done);
    }
    return newMessage(ev.format, {
      cardsV2: [
        openSettingsCard(
          'Fincelo settings: thresholds, escalation, cooldown, people and customers.',
        ) as never,
      ],
    });
  }
  if (ev.isDialogEvent)
    return closeDialog(ev.format, answer.text, answer.refused ? 'PERMISSION_DENIED' : 'OK');
  return newMessage(ev.format, { text: answer.text });
}

type KnownActor = { workspaceId: string; person: NonNullable<GchatActor['person']> };

async function onClick(deps: GchatHandlerDeps, ev: ChatEvent, actor: KnownActor): Promise<Json> {
  const { services } = deps;
  const fn = ev.invokedFunction;
  if (ev.dialogEventType === 'CANCEL_DIALOG') return closeDialog(ev.format, 'Cancelled.');
  if (fn === SETTINGS_OPEN || fn === SETTINGS_SAVE) {
    const outcome = await handleSettings(
      services,
      actor.workspaceId,
      actor.person,
      fn,
      ev.parameters,
      ev.formInputs,
    );
    if ('dialog' in outcome) return openDialog(ev.format, outcome.dialog);
    if (!ev.isDialogEvent) return newMessage(ev.format, { text: outcome.done });
    return closeDialog(ev.format, outcome.done, outcome.ok ? 'OK' : 'INVALID_ARGUMENT');
  }
  if (ev.parameters.fincelo === 'csv') return handleCsvClick(deps, ev, actor.workspaceId, actor.person);
  const alertId = ev.parameters.alertId;
  if (!isAction(fn) || !alertId) return newMessage(ev.format, { text: 'This button is no longer active.' });

  const spec = parseDialogSpec(ev.parameters.form);
  const meta = {
    alertId,
    action: fn,
    ...(ev.parameters.version ? { version: ev.parameters.version } : {}),
    // Escalate now: the step the clicked card showed, carried through the dialog to its submission.
    ...(ev.parameters.fromStep ? { fromStep: ev.parameters.fromStep } : {}),
  };
  if (spec && ev.dialogEventType !== 'SUBMIT_DIALOG')
    return openDialog(ev.format, actionDialog(spec, fn, meta));

  const inputs: Record<string, string> = Object.fromEntries(
    Object.entries(flatInputs(ev.formInputs)).map(([k, v]) => [k, v === NONE ? '' : v]),
  );
  if (ev.parameters.fromStep) inputs.fromStep = ev.parameters.fromStep;
  const messageName = ev.message?.name;
  const fromOurCard = !!messageName && ev.message?.senderType === 'BOT';
  const waiter = !spec && fromOurCard ? deps.cards.watch(messageName) : null;
  const result = await services
    .act({
      workspaceId: actor.workspaceId,
      alertId,
      action: fn,
      actor: actor.person,
      channel: 'gchat',
      eventId: eventIdOf(ev),
      inputs,
    })
    .catch((err: unknown) => {
      waiter?.cancel();
      throw err;
    });
  if (spec) {
    // A dialog submission: invalid input keeps the dialog open with the message above the fields.
    if (!result.ok && result.code === 'invalid')
      return openDialog(ev.format, actionDialog(spec, fn, meta, result.message));
    if (result.ok && !result.duplicate) await services.kick('gchat');
    return closeDialog(ev.format, result.message, result.ok ? 'OK' : 'PERMISSION_DENIED');
  }
  if (!result.ok || result.duplicate) {
    waiter?.cancel();
    const cached = result.ok && messageName ? deps.cards.get(messageName) : null;
    if (cached && fromOurCard)
      return updateMessage(ev.format, { cardsV2: [{ cardId: 'alert', card: renderGchatCard(cached) }] });
    return newMessage(ev.format, { text: result.message });
  }
  await services.kick('gchat');
  const card = waiter ? await waiter.wait((c) => cardVersion(c) >= result.alert.version, deps.waitMs) : null;
  // UPDATE_MESSAGE is only allowed on the app's own message; the outbox patches the card anyway.
  if (card) return updateMessage(ev.format, { cardsV2: [{ cardId: 'alert', card: renderGchatCard(card) }] });
  return newMessage(ev.format, { text: result.message });
}
