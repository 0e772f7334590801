import { ALL_ACTIONS, type ActionName, type Person } from '../../engine/index.js';
import { AMBIGUOUS_WORKSPACE } from '../../chat/tenancy.js';
import { decodeActionRef, decodeDataRef } from '../../cards/render/whatsapp.js';
import { runCsvAction } from './csv.js';
import { continueActionDialog, startActionDialog, type ActionDialog } from './action-dialog.js';
import { loadCardState, saveCardState } from './card-state.js';
import { receiveDocument } from './documents.js';
import { normalizeWaId } from './gateway.js';
import type { WaInbound, WaStatus } from './parse.js';
import { clearPending, pendingAlerts } from './pending.js';
import { WA_ERRORS } from './graph.js';
import { continueSettings, startSettings, type SettingsDialog } from './settings-dialog.js';
import { decodeOpenPayload } from './templates.js';
import { endDialog, say, type InboundDeps, type Turn } from './turn.js';

export const UNKNOWN_NUMBER =
  "Hi! I don't recognise this WhatsApp number in Fincelo yet. Ask a Fincelo admin to add your number to your profile under People, then message me again.";

/** Typed words that act on the alert a reply quotes (WhatsApp users type rather than tap). */
const WORDS: [RegExp, ActionName][] = [
  [/^(ack|acknowledge|acknowledged|ok|on it)\b/i, 'acknowledge'],
  [/^(log( a)? call|call)\b/i, 'log_call'],
  [/^(follow[- ]?up|schedule)\b/i, 'schedule_follow_up'],
  [/^reassign\b/i, 'reassign'],
  [/^snooze\b/i, 'snooze'],
  [/^escalate( now)?\b/i, 'escalate_now'],
  [/^(decline|can'?t take it)\b/i, 'decline'],
  [/^(resolve|resolved|done|close)\b/i, 'resolve'],
];

/** Handles one webhook delivery: statuses first (cheap), then messages in order. */
export async function handleWebhook(
  deps: InboundDeps,
  batch: { messages: WaInbound[]; statuses: WaStatus[] },
): Promise<void> {
  for (const s of batch.statuses) await onStatus(deps, s);
  for (const m of batch.messages) await onMessage(deps, m);
}

/** sent / delivered / read / failed → channel_messages.status and the alert's timeline. */
async function onStatus(deps: InboundDeps, s: WaStatus): Promise<void> {
  const err = s.errors[0];
  await deps.services.state.messageStatus({
    channel: 'whatsapp',
    messageId: s.id,
    status: s.status,
    at: s.timestamp,
    ...(err
      ? { details: { error: `${err.code} ${err.title ?? ''}`.trim(), detail: err.details ?? err.message } }
      : {}),
  });
  if (s.status === 'failed' && err?.code === WA_ERRORS.reEngagement && s.recipientId) {
    // The window check happens on WhatsApp's side too, and may be reported only asynchronously.
    const sent = await deps.services.state.message('whatsapp', s.id);
    if (!sent?.alertId || sent.kind === 'template') return;
    const waId = normalizeWaId(s.recipientId);
    const card = await loadCardState(deps.services, waId, sent.alertId);
    if (!card || !(await deps.services.state.rememberEvent('whatsapp:131047', s.id, sent.workspaceId)))
      return;
    await deps.sender.templateFallback(await deps.sender.chat(waId, undefined, sent.workspaceId), s.id, card);
  }
}

async function onMessage(deps: InboundDeps, msg: WaInbound): Promise<void> {
  // The chat key is the number, or the BSUID of a user who hides it (issue 16 item 5).
  const waId = msg.from ? normalizeWaId(msg.from) : msg.userId!;
  // One workspace first, by the business number the message was sent to (when an admin bound it)
  // and the sender's number / BSUID; the person is then looked up in that workspace only.
  const actor = await deps.services.resolveActor({
    channel: 'whatsapp',
    tenantKeys: [msg.phoneNumberId],
    identities: [
      { key: 'waId', value: msg.from ? normalizeWaId(msg.from) : '' },
      { key: 'bsuid', value: msg.userId ?? '' },
    ],
  });
  const person = actor.kind === 'resolved' ? actor.person : null;
  // Meta redelivers until it gets a 200: the message id is remembered once, before any effect, so a
  // duplicate delivery does nothing. When handling fails the id is forgotten again and the webhook
  // answers 500, so Meta's retry is handled; actions carry the message id (services.act dedupes
  // them), so an action that was applied before the failure is not applied twice.
  if (!(await deps.services.state.rememberEvent('whatsapp', msg.id, person?.workspaceId ?? null))) return;
  try {
    await handleMessage(deps, msg, waId, person, actor.kind === 'ambiguous' ? AMBIGUOUS_WORKSPACE : null);
  } catch (err) {
    await deps.services.state.forgetEvent('whatsapp', msg.id, person?.workspaceId ?? null).catch(() => {});
    throw err;
  }
}

async function handleMessage(
  deps: InboundDeps,
  msg: WaInbound,
  waId: string,
  person: Person | null,
  refusal: string | null,
): Promise<void> {
  if (!person) {
    // Unknown (or ambiguous) numbers are answered (they just wrote, so the window is open) but
    // nothing is stored.
    await deps.sender
      .send(
        { waId, workspaceId: '', conversationId: null, lastInboundAt: new Date() },
        deps.sender.textMessage(refusal ?? UNKNOWN_NUMBER),
        { kind: 'text', alertId: null },
      )
      .catch((err: unknown) =>
        deps.log.warn({ err: (err as Error).message }, 'whatsapp: could not answer an unknown number'),
      );
    return;
  }
  await deps.services.saveConversation({
    workspaceId: person.workspaceId,
    channel: 'whatsapp',
    externalId: waId,
    personId: person.id,
    inbound: true,
  });
  const chat = await deps.sender.chat(waId, undefined, person.workspaceId);
  const t: Turn = { msg, person, chat };
  const acted = await dispatch(deps, t);
  // Any message opens the window: cards that only reached the person as a template follow now.
  await flushPending(deps, t, acted);
}

/** Returns the alert acted on (its fresh card comes from the outbox), if any. */
async function dispatch(deps: InboundDeps, t: Turn): Promise<string | null> {
  const { msg } = t;
  const text = msg.text?.trim() ?? '';
  if (/^(cancel|stop)$/i.test(text)) {
    const had = await deps.services.state.dialog('whatsapp', t.chat.waId);
    await endDialog(deps, t);
    await say(deps, t, had ? 'Cancelled.' : 'Nothing to cancel. Send *help* for what I can do.');
    return null;
  }
  // 1. A button or list row of an alert card / template.
  const ref = decodeActionRef(msg.replyId);
  if (ref && (ALL_ACTIONS as readonly string[]).includes(ref.action)) {
    await endDialog(deps, t); // a new action replaces a dialog left half-way
    await runAction(deps, t, ref.alertId, ref.action as ActionName);
    return ref.alertId;
  }
  const data = decodeDataRef(msg.replyId);
  if (data && (await runCsvAction(deps, t, data))) return null;
  const open = decodeOpenPayload(msg.replyId);
  if (open) {
    await showCard(deps, t, open);
    return open;
  }
  // 2. A dialog in progress (Log Call notes, follow-up date, reassign list, settings).
  const dialog = await deps.services.state.dialog('whatsapp', t.chat.waId);
  if (dialog?.kind === 'action') {
    await continueActionDialog(deps, t, dialog.state as unknown as ActionDialog);
    return null;
  }
  if (dialog?.kind === 'settings') {
    await continueSettings(deps, t, dialog.state as unknown as SettingsDialog);
    return null;
  }
  if (msg.replyId && /^d[cp]\|/.test(msg.replyId)) {
    await say(deps, t, 'That question has expired. Start again from the alert, or send *help*.');
    return null;
  }
  // 3. A document: CSV import.
  if (msg.type === 'document' && msg.document) {
    await receiveDocument(deps, t, msg.document);
    return null;
  }
  if (msg.type !== 'text' && msg.type !== 'interactive' && msg.type !== 'button') {
    await say(deps, t, 'I can read text, list choices and CSV documents. Send *help* for the commands.');
    return null;
  }
  // 4. A reply quoting one of our alert messages acts on that alert.
  if (msg.contextId) {
    const quoted = await deps.services.state.message('whatsapp', msg.contextId);
    if (quoted?.alertId && quoted.workspaceId === t.person.workspaceId) {
      const word = WORDS.find(([re]) => re.test(text));
      if (word) {
        await runAction(deps, t, quoted.alertId, word[1]);
        return quoted.alertId;
      }
      await showCard(
        deps,
        t,
        quoted.alertId,
        'Pick an action from the list, or reply to the alert with *ack*, *snooze*, *resolve*, *log call*, *follow up*, *reassign*, *escalate* or *decline*.',
      );
      return quoted.alertId;
    }
  }
  // 5. Commands by keyword.
  const reply = await deps.services.command(
    t.person.workspaceId,
    t.person,
    text.replace(/^\/?fincelo\b/i, ''),
    'whatsapp',
  );
  if (reply.openForm && !reply.refused) {
    await startSettings(deps, t);
    return null;
  }
  await say(deps, t, reply.text);
  return null;
}

async function runAction(deps: InboundDeps, t: Turn, alertId: string, action: ActionName): Promise<void> {
  if (await startActionDialog(deps, t, alertId, action)) return;
  const card = await loadCardState(deps.services, t.chat.waId, alertId);
  const result = await deps.services.act({
    workspaceId: t.person.workspaceId,
    alertId,
    action,
    actor: t.person,
    channel: 'whatsapp',
    eventId: t.msg.id,
  });
  await say(deps, t, result.message, card?.rootMessageId ?? t.msg.contextId ?? null);
  if (result.ok && !result.duplicate) await deps.services.kick('whatsapp');
}

/** Sends the alert's latest card (asked for with "Open", or after a reply to its template). */
async function showCard(deps: InboundDeps, t: Turn, alertId: string, note?: string): Promise<void> {
  const card = await loadCardState(deps.services, t.chat.waId, alertId);
  if (!card?.latest) {
    await say(deps, t, 'I no longer have that alert here. Send *alerts* to list your open alerts.');
    return;
  }
  await deps.sender.updateCard(t.chat, card.rootMessageId, card.latest, true);
  if (note) await say(deps, t, note, card.rootMessageId);
}

async function flushPending(deps: InboundDeps, t: Turn, acted: string | null): Promise<void> {
  const ids = await pendingAlerts(deps.services, t.chat.waId);
  if (!ids.length) return;
  await clearPending(deps.services, t.chat.waId);
  for (const alertId of ids) {
    const card = await loadCardState(deps.services, t.chat.waId, alertId);
    if (!card?.pending || !card.latest) continue;
    if (alertId === acted) {
      // The action's own card update is on its way from the outbox; do not send the old one first.
      await saveCardState(deps.services, t.person.workspaceId, t.chat.waId, { ...card, pending: false });
      continue;
    }
    await deps.sender.updateCard(t.chat, card.rootMessageId, card.latest, true);
  }
}
