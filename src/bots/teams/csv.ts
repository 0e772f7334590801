/**
 * CSV ticket import from a Teams personal chat (issue 6).
 *
 * Inbound file: a message whose attachment has contentType
 * `application/vnd.microsoft.teams.file.download.info` and `content.downloadUrl` (the bot
 * manifest sets `supportsFiles: true`). Teams' bot file API works only in personal scope; files in
 * channels and group chats would need Microsoft Graph, so there the user is asked to send the file
 * in the personal chat (learn.microsoft.com/microsoftteams/platform/bots/how-to/bots-filesv4,
 * CHAT.md §2). The downloadUrl is a short-lived, pre-authorised link handed to the bot inside the
 * authenticated activity: it is fetched as is — the bot's Bot Framework token is never sent to it.
 *
 * Card actions: Action.Execute verbs `csv.<step>` with data `{fincelo: 'csv', importId, step}`
 * (plus the card's inputs) arrive as `adaptiveCard/action` invokes and are answered with the next
 * card; Action.Submit (older clients) arrives as a message with that `value`. A long import
 * answers at once with the "importing" card; progress, the summary (PUT over the card) and the
 * error report (as a message: files cannot be attached from a bot without a consent card) follow
 * proactively.
 */
import { Activity } from '@microsoft/agents-activity';
import type { TurnContext } from '@microsoft/agents-hosting';
import { isCsvAction, type CsvReply } from '../../csv-import/types.js';
import { ADAPTIVE_CARD } from './gateway.js';
import type { TeamsHandlerDeps } from './handler.js';
import type { TeamsActor } from './identity.js';
import { conversationKind } from './references.js';
import { teamsText } from './text.js';

export const TEAMS_FILE_DOWNLOAD_INFO = 'application/vnd.microsoft.teams.file.download.info';

interface FileAttachment {
  contentType: string;
  name?: string;
  content?: { downloadUrl?: string; uniqueId?: string; fileType?: string };
}

/** The CSV files a message carries (none for an ordinary message). */
export function csvAttachments(context: TurnContext): FileAttachment[] {
  return ((context.activity.attachments ?? []) as FileAttachment[]).filter(
    (a) =>
      a.contentType === TEAMS_FILE_DOWNLOAD_INFO &&
      (/^(csv|tsv|txt)$/i.test(a.content?.fileType ?? '') || /\.(csv|tsv|txt)$/i.test(a.name ?? '')),
  );
}

const text = (context: TurnContext, t: string) =>
  context.sendActivity(Activity.fromObject({ type: 'message', text: teamsText(t), textFormat: 'markdown' }));

async function download(url: string, max: number): Promise<Buffer | 'too_large' | string> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch {
    return 'Teams did not let me download the file. Please send it again.';
  }
  if (!res.ok) return `Teams refused the download (HTTP ${res.status}). Please send the file again.`;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    // The attachment carries no size: stop reading as soon as the limit is passed.
    if (size > max) {
      await res.body?.cancel().catch(() => undefined);
      return 'too_large';
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export async function onCsvUpload(
  deps: TeamsHandlerDeps,
  context: TurnContext,
  actor: TeamsActor,
  files: FileAttachment[],
): Promise<void> {
  const csv = deps.services.csv;
  if (conversationKind(actor.reference) !== 'personal')
    return void (await text(
      context,
      'Teams lets bots read files only in a personal chat: send the CSV export to me in our 1:1 chat.',
    ));
  for (const f of files) {
    const name = f.name ?? 'upload.csv';
    const refused = csv.precheck({ actor: actor.person, filename: name, sizeBytes: null });
    if (refused || !actor.person) {
      await text(context, refused ?? 'I could not match you to a Fincelo person.');
      continue;
    }
    const url = f.content?.downloadUrl;
    if (!url) {
      await text(context, `${name} arrived without a download link; please send it again.`);
      continue;
    }
    const bytes = await download(url, csv.maxBytes);
    if (typeof bytes === 'string') {
      await text(
        context,
        bytes === 'too_large'
          ? (csv.precheck({ actor: actor.person, filename: name, sizeBytes: csv.maxBytes + 1 }) ?? bytes)
          : bytes,
      );
      continue;
    }
    const reply = await csv.startImport({
      workspaceId: actor.workspaceId!,
      actor: actor.person,
      channel: 'teams',
      filename: name,
      bytes,
      origin: {
        channel: 'teams',
        conversation: actor.reference.conversation.id,
        thread: context.activity.id ?? null,
      },
    });
    if (!reply.ok) {
      await text(context, reply.error);
      continue;
    }
    await context.sendActivity(
      Activity.fromObject({
        type: 'message',
        summary: reply.message.text.slice(0, 200),
        attachments: [{ contentType: ADAPTIVE_CARD, content: reply.message.card }],
      }),
    );
  }
}

/** Runs a CSV card action; the caller answers with the returned card (or text). */
export async function runCsvAction(
  deps: TeamsHandlerDeps,
  actor: TeamsActor,
  data: Record<string, unknown>,
  cardMessageId: string | undefined,
): Promise<CsvReply> {
  if (!isCsvAction(data)) return { ok: false, error: 'This card is not a CSV import.' };
  if (!actor.person) return { ok: false, error: 'I could not match you to a Fincelo person.' };
  const ref = actor.reference;
  const conversationId = ref.conversation.id;
  const sender = deps.sender;
  const reply = await deps.services.csv.handleAction({
    workspaceId: actor.workspaceId!,
    actor: actor.person,
    importId: data.importId,
    step: data.step,
    values: data,
    progress: sender
      ? async (t) =>
          void (await sender.send(ref, conversationId, { text: teamsText(t), textFormat: 'markdown' }))
      : undefined,
  });
  if (reply.ok && reply.done) {
    // After the invoke has been answered: the summary replaces the card and is posted as text.
    void reply.done
      .then(async (result) => {
        if (!sender) return;
        if (cardMessageId)
          await sender.update(ref, conversationId, cardMessageId, {
            summary: result.message.text.slice(0, 200),
            attachments: [{ contentType: ADAPTIVE_CARD, content: result.message.card }],
          });
        await sender.send(ref, conversationId, {
          text: teamsText(result.message.text),
          textFormat: 'markdown',
        });
        if (result.report) {
          const head = `Error report — ${result.report.filename} (${result.stats.skipped} skipped rows)${result.reportUrl ? `: ${result.reportUrl}` : ''}`;
          // Plain text keeps the CSV as written (no markdown); Teams accepts ~28 KB per message.
          await sender.send(ref, conversationId, {
            text: `${head}\n\n${result.report.content.slice(0, 24_000)}`,
            textFormat: 'plain',
          });
        }
      })
      .catch((err) => deps.log.warn({ err }, 'teams: could not post the CSV import summary'));
  }
  return reply;
}
