/**
 * CSV ticket import from Google Chat. A file posted to the app (in its DM, or in a space with an
 * @mention — Chat only sends MESSAGE events for those) arrives as `message.attachment[]`; an
 * uploaded file is read with media.download(attachmentDataRef.resourceName) under chat.bot
 * (`downloadUri` is for people, not apps: googleapis Schema$Attachment). The import itself is the
 * channel-agnostic CSV service; its cards are answered in the same thread.
 */
import { renderGchatCard } from '../../cards/render/gchat.js';
import { type Person } from '../../engine/index.js';
import { CSV_STEPS, type CsvStep } from '../../csv-import/types.js';
import type { ChatAttachment, ChatEvent } from './events.js';
import { flatInputs } from './events.js';
import type { GchatHandlerDeps } from './handler.js';
import { eventIdOf } from './handler.js';
import { newClientMessageId } from './gateway.js';
import { newMessage, updateMessage } from './responses.js';
import { type CardMessage } from '../../channels/port.js';

type Json = Record<string, unknown>;

export function csvAttachment(ev: ChatEvent): ChatAttachment | null {
  return (
    ev.message?.attachments.find(
      (a) =>
        !!a.resourceName &&
        (/\.csv$/i.test(a.contentName ?? '') ||
          /^text\/(csv|comma-separated-values)/i.test(a.contentType ?? '')),
    ) ?? null
  );
}

export const isCsvUpload = (ev: ChatEvent) => csvAttachment(ev) !== null;

const cardsOf = (m: CardMessage) => ({ cardsV2: [{ cardId: 'csv', card: renderGchatCard(m.card) }] });

/** Posts a CSV card (or text) into the thread a CSV flow lives in. */
async function postInThread(
  deps: GchatHandlerDeps,
  space: string,
  thread: string | undefined,
  message: Json,
) {
  const id = newClientMessageId();
  await deps.api.createMessage({
    parent: space,
    messageId: id,
    requestId: id,
    message: { ...message, ...(thread ? { thread: { name: thread } } : {}) },
    ...(thread ? { messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD' as const } : {}),
  });
}

export async function handleCsvUpload(
  deps: GchatHandlerDeps,
  ev: ChatEvent,
  workspaceId: string,
  person: Person,
) {
  const a = csvAttachment(ev)!;
  const filename = a.contentName ?? 'tickets.csv';
  const refused = deps.services.csv.precheck({ actor: person, filename, sizeBytes: null });
  if (refused) return newMessage(ev.format, { text: refused });
  // A redelivered upload must not start a second import.
  if (!(await deps.services.state.rememberEvent('gchat', eventIdOf(ev), workspaceId))) return {};
  let bytes: Buffer;
  try {
    bytes = await deps.api.downloadMedia(a.resourceName!);
  } catch (err) {
    deps.log.warn({ err: (err as Error).message }, 'gchat: could not download the CSV attachment');
    return newMessage(ev.format, {
      text: `I could not download ${filename} from Google Chat. Please post it again.`,
    });
  }
  const reply = await deps.services.csv.startImport({
    workspaceId,
    actor: person,
    channel: 'gchat',
    filename,
    bytes,
    origin: { channel: 'gchat', conversation: ev.space!.name, thread: ev.message?.threadName ?? null },
  });
  if (!reply.ok) return newMessage(ev.format, { text: reply.error });
  // The synchronous answer stays in the thread of the message that carried the file.
  return newMessage(ev.format, cardsOf(reply.message));
}

export async function handleCsvClick(
  deps: GchatHandlerDeps,
  ev: ChatEvent,
  workspaceId: string,
  person: Person,
) {
  const step = ev.parameters.step as CsvStep;
  const importId = ev.parameters.importId ?? '';
  if (!(CSV_STEPS as readonly string[]).includes(step) || !importId)
    return newMessage(ev.format, { text: 'This button is no longer active.' });
  const space = ev.space?.name;
  const thread = ev.message?.threadName;
  const reply = await deps.services.csv.handleAction({
    workspaceId,
    actor: person,
    importId,
    step,
    values: flatInputs(ev.formInputs),
    progress: space ? (text) => postInThread(deps, space, thread, { text }) : undefined,
  });
  if (!reply.ok) return newMessage(ev.format, { text: reply.error });
  if (reply.done && space) {
    void reply.done
      .then((r) => postInThread(deps, space, thread, { fallbackText: r.message.text, ...cardsOf(r.message) }))
      .catch((err: unknown) =>
        deps.log.warn({ err: (err as Error).message }, 'gchat: could not post the CSV import summary'),
      );
  }
  const fromOurCard = ev.message?.senderType === 'BOT';
  return fromOurCard
    ? updateMessage(ev.format, cardsOf(reply.message))
    : newMessage(ev.format, cardsOf(reply.message));
}
