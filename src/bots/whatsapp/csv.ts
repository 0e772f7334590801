import { renderWhatsAppCard, whatsappListMessage } from '../../cards/render/whatsapp.js';
import { isCsvAction } from '../../csv-import/types.js';
import { say, type InboundDeps, type Turn } from './turn.js';
import { type CardMessage } from '../../channels/port.js';

/**
 * The CSV import cards over WhatsApp. Their buttons become list rows carrying the action data
 * (`fx|…`); the column mapping cannot be edited in a list message, so the current mapping (the
 * card's input values) is kept per import and submitted with every step, as a card would.
 */
const TTL_MS = 24 * 3600_000;
const key = (waId: string, importId: string) => `${waId}#csv:${importId}`;

export async function sendCsvCard(
  deps: InboundDeps,
  t: Turn,
  importId: string,
  msg: CardMessage,
): Promise<void> {
  const r = renderWhatsAppCard(msg.card);
  const list = whatsappListMessage(r, 'Choose');
  await deps.sender.answer(
    t.chat,
    list ? { type: 'interactive', interactive: list } : deps.sender.textMessage(r.body),
  );
  if (Object.keys(r.inputValues).length)
    await deps.services.state.saveDialog({
      workspaceId: t.person.workspaceId,
      channel: 'whatsapp',
      key: key(t.chat.waId, importId),
      kind: 'csv',
      state: { values: r.inputValues },
      expiresAt: new Date(deps.now().getTime() + TTL_MS),
    });
}

/** A row of a CSV card; false when the data is not a CSV action. */
export async function runCsvAction(
  deps: InboundDeps,
  t: Turn,
  data: Record<string, unknown>,
): Promise<boolean> {
  if (!isCsvAction(data)) return false;
  const stored = await deps.services.state.dialog('whatsapp', key(t.chat.waId, data.importId));
  const reply = await deps.services.csv.handleAction({
    workspaceId: t.person.workspaceId,
    actor: t.person,
    importId: data.importId,
    step: data.step,
    values: (stored?.state.values as Record<string, unknown> | undefined) ?? {},
    progress: (text) => say(deps, t, text),
  });
  if (!reply.ok) {
    await say(deps, t, reply.error);
    return true;
  }
  await sendCsvCard(deps, t, data.importId, reply.message);
  if (reply.done) {
    const result = await reply.done;
    await sendCsvCard(deps, t, data.importId, result.message);
  }
  return true;
}
