/**
 * CSV ticket import from a Slack thread (issue 6).
 *
 * Inbound: a `message` event with `subtype: 'file_share'` (FileShareMessageEvent: `files[]`, `ts`,
 * `thread_ts`) in a conversation the bot is in — a channel it was invited to (`message.channels` /
 * `message.groups`, scopes `channels:history` / `groups:history`) or its DM. Files are downloaded
 * from `url_private_download` with the bot token in `Authorization: Bearer` (scope `files:read`);
 * when the event's file object is partial, `files.info` fills it (docs.slack.dev/reference/events/
 * file_shared). A file's `size` is checked before anything is downloaded.
 *
 * The review card is posted in the thread of the upload (`thread_ts` = the parent's ts, as Slack
 * advises); its buttons carry `{fincelo: 'csv', importId, step}`. Slack messages cannot hold form
 * inputs, so "Change mapping" opens a modal with one select per ticket field. Progress and the
 * summary are thread replies; the error report is posted as a message in the thread (a code block,
 * truncated at Slack's 40,000 characters) plus the signed link when PUBLIC_URL is set — file
 * uploads would need `files:write` and the two-step external upload API.
 */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { escapeMrkdwn, renderSlackBlocks, truncate, type SlackBlock } from '../../cards/render/slack.js';
import { FIELD_LABELS, TICKET_FIELDS, type TicketField } from '../../connectors/csv/index.js';
import { NOT_MAPPED } from '../../cards/csv-cards.js';
import { isCsvAction, type CsvActionData, type CsvReply } from '../../csv-import/types.js';
import { slackErrorCode } from './errors.js';
import { actingPerson, type SlackListenerDeps } from './listener-deps.js';
import { tellUser } from './notify.js';
import { createSeenEvents, isFileShare } from './events.js';
import { type CardMessage } from '../../channels/port.js';

export const CSV_MAPPING_MODAL = 'fincelo_csv_mapping';
const CSV_ACTION_IDS = /^csv:(review|mapping|preview|import|cancel)$/;
/** Slack's limit for a message's text (docs.slack.dev/reference/methods/chat.postMessage). */
const TEXT_LIMIT = 40_000;

interface SlackFile {
  id: string;
  name?: string;
  filetype?: string;
  mimetype?: string;
  size?: number;
  url_private_download?: string;
  url_private?: string;
}

/**
 * A file that may be a ticket export: `.csv`/`.tsv` (or a CSV mimetype) anywhere; a `.txt` only in
 * the bot's DM — Slack turns long pasted messages into `.txt` snippets, and answering every snippet
 * shared in a busy channel with "nothing was imported" would be noise (QUIRKS.md).
 */
const isCsvFile = (f: SlackFile, inDm: boolean) =>
  f.filetype === 'csv' ||
  /\.(csv|tsv)$/i.test(f.name ?? '') ||
  (inDm && /\.txt$/i.test(f.name ?? '')) ||
  /text\/(csv|tab-separated-values)/.test(f.mimetype ?? '');

/** Blocks for a CSV card: the shared card's body, then buttons whose value is the action data. */
export function csvSlackBlocks(msg: CardMessage): SlackBlock[] {
  const card = msg.card as { body?: unknown[]; actions?: unknown[] };
  const blocks = renderSlackBlocks({ ...card, actions: [] });
  const buttons: SlackBlock[] = [];
  for (const a of (card.actions ?? []) as { title?: string; style?: string; data?: unknown }[]) {
    if (!isCsvAction(a.data)) continue;
    const data: CsvActionData = a.data;
    const button: SlackBlock = {
      type: 'button',
      action_id: `csv:${data.step}`,
      // "Apply mapping" has no inputs to apply in a Slack message: it opens the mapping modal.
      text: {
        type: 'plain_text',
        text: truncate(data.step === 'mapping' ? 'Change mapping' : (a.title ?? data.step), 75),
        emoji: true,
      },
      value: JSON.stringify({ fincelo: 'csv', importId: data.importId, step: data.step }),
    };
    if (a.style === 'positive') button.style = 'primary';
    if (a.style === 'destructive') button.style = 'danger';
    buttons.push(button);
  }
  const out = blocks.slice(0, buttons.length ? 49 : 50);
  if (buttons.length) out.push({ type: 'actions', block_id: 'csv_actions', elements: buttons });
  return out;
}

/** The current mapping of a review card, read back from its Input.ChoiceSets. */
function mappingInputs(
  card: Record<string, unknown>,
): { field: TicketField; value: string; choices: { title: string; value: string }[] }[] {
  const out: { field: TicketField; value: string; choices: { title: string; value: string }[] }[] = [];
  for (const el of (card.body ?? []) as Record<string, unknown>[]) {
    if (el.type !== 'Input.ChoiceSet' || typeof el.id !== 'string' || !el.id.startsWith('map.')) continue;
    out.push({
      field: el.id.slice(4) as TicketField,
      value: String(el.value ?? NOT_MAPPED),
      choices: (el.choices as { title: string; value: string }[]) ?? [],
    });
  }
  return out;
}

function mappingModal(msg: CardMessage, meta: Record<string, string>): Record<string, unknown> {
  const blocks = mappingInputs(msg.card).map((i) => {
    // Slack allows 100 options of ≤ 75 characters in a select.
    const options = i.choices.slice(0, 100).map((c) => ({
      text: { type: 'plain_text', text: truncate(c.title, 75) || '(blank)' },
      value: c.value.slice(0, 150),
    }));
    const initial = options.find((o) => o.value === i.value);
    return {
      type: 'input',
      block_id: `map.${i.field}`,
      optional: true,
      label: { type: 'plain_text', text: FIELD_LABELS[i.field] ?? i.field },
      element: {
        type: 'static_select',
        action_id: `column.${i.field}`,
        options,
        ...(initial ? { initial_option: initial } : {}),
      },
    };
  });
  return {
    type: 'modal',
    callback_id: CSV_MAPPING_MODAL,
    title: { type: 'plain_text', text: 'CSV column mapping' },
    submit: { type: 'plain_text', text: 'Apply' },
    close: { type: 'plain_text', text: 'Cancel' },
    private_metadata: JSON.stringify(meta),
    blocks,
  };
}

export function registerCsvImport(app: App, d: SlackListenerDeps, o: { apiUrl?: string | null } = {}): void {
  const seen = createSeenEvents();
  const csv = d.services.csv;

  /** Only Slack's file host (or the configured API host, for local fakes) gets the bot token. */
  const trustedDownload = (url: string) => {
    try {
      const u = new URL(url);
      if (u.protocol === 'https:' && (u.hostname === 'files.slack.com' || u.hostname.endsWith('.slack.com')))
        return true;
      return Boolean(o.apiUrl) && u.origin === new URL(o.apiUrl!).origin;
    } catch {
      return false;
    }
  };

  async function download(url: string, token: string): Promise<Buffer | string> {
    if (!trustedDownload(url)) return 'The file link is not a Slack file link.';
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
    // Without a valid token Slack answers with a redirect to its sign-in page, not the file.
    if (res.status !== 200 || /text\/html/.test(res.headers.get('content-type') ?? ''))
      return `Slack refused the download (HTTP ${res.status}). Check that the app has the files:read scope.`;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > csv.maxBytes) {
        await res.body?.cancel().catch(() => undefined);
        return 'too_large';
      }
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }

  const post = async (client: WebClient, channel: string, threadTs: string, text: string) => {
    try {
      // Text from the file must not become a mention or a link (<!channel>, <http://…|…>).
      await client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text: truncate(escapeMrkdwn(text), TEXT_LIMIT),
      });
    } catch (err) {
      d.log.warn({ err }, 'slack: could not post in the CSV import thread');
    }
  };

  app.event('message', async ({ event: raw, body, client, context }) => {
    // Narrowed by hand: the no-subtype share is typed as a GenericMessageEvent, not a file share.
    const event = raw as typeof raw & { user?: string; channel: string; ts: string };
    if (!isFileShare(event) || !seen.firstTime((body as { event_id?: string }).event_id)) return;
    const inDm =
      (event as { channel_type?: string }).channel_type === 'im' || /^D/.test(String(event.channel));
    const files = ((event as { files?: SlackFile[] }).files ?? []).filter((f) => isCsvFile(f, inDm));
    if (!files.length || !event.user) return;
    const channel = event.channel;
    const threadTs = (event as { thread_ts?: string }).thread_ts ?? event.ts;
    const who = await actingPerson(d, client, {
      teamId: (body as { team_id?: string }).team_id,
      userId: event.user,
    });
    if ('say' in who) return post(client, channel, threadTs, who.say);
    const token = (context.botToken as string | undefined) ?? client.token ?? '';
    for (let file of files) {
      const refused = csv.precheck({
        actor: who.person,
        filename: file.name ?? 'upload.csv',
        sizeBytes: file.size ?? null,
      });
      if (refused) {
        await post(client, channel, threadTs, refused);
        continue;
      }
      if (!file.url_private_download) {
        const info = await client.files.info({ file: file.id }).catch(() => null);
        file = { ...file, ...((info?.file as SlackFile | undefined) ?? {}) };
      }
      const url = file.url_private_download ?? file.url_private;
      if (!url) {
        await post(client, channel, threadTs, `I could not get ${file.name ?? 'the file'} from Slack.`);
        continue;
      }
      const bytes = await download(url, token);
      if (typeof bytes === 'string') {
        const text =
          bytes === 'too_large'
            ? (csv.precheck({
                actor: who.person,
                filename: file.name ?? 'upload.csv',
                sizeBytes: csv.maxBytes + 1,
              }) ?? bytes)
            : bytes;
        await post(client, channel, threadTs, text);
        continue;
      }
      const reply = await csv.startImport({
        workspaceId: who.workspaceId,
        actor: who.person,
        channel: 'slack',
        filename: file.name ?? 'upload.csv',
        bytes,
        origin: { channel: 'slack', conversation: channel, thread: threadTs },
      });
      if (!reply.ok) {
        await post(client, channel, threadTs, reply.error);
        continue;
      }
      await client.chat.postMessage({
        channel,
        thread_ts: threadTs,
        text: escapeMrkdwn(reply.message.text),
        blocks: csvSlackBlocks(reply.message) as never,
      });
    }
  });

  /** Shows a reply of the service: the card replaces the clicked one; a refusal goes to the user alone. */
  async function show(
    client: WebClient,
    q: { userId: string; channel: string; ts: string; threadTs: string },
    reply: CsvReply,
  ): Promise<void> {
    if (!reply.ok)
      return tellUser(client, d.log, {
        userId: q.userId,
        channelId: q.channel,
        text: escapeMrkdwn(reply.error),
      });
    await client.chat.update({
      channel: q.channel,
      ts: q.ts,
      text: escapeMrkdwn(reply.message.text),
      blocks: csvSlackBlocks(reply.message) as never,
    });
    if (!reply.done) return;
    const result = await reply.done;
    await client.chat
      .update({
        channel: q.channel,
        ts: q.ts,
        text: escapeMrkdwn(result.message.text),
        blocks: csvSlackBlocks(result.message) as never,
      })
      .catch((err) => d.log.warn({ err }, 'slack: could not update the CSV card'));
    await post(client, q.channel, q.threadTs, result.message.text);
    if (result.report) {
      const head = `Error report — ${result.report.filename} (${result.stats.skipped} skipped rows)${result.reportUrl ? `: ${result.reportUrl}` : ''}`;
      const body = truncate(result.report.content, TEXT_LIMIT - head.length - 20);
      await post(client, q.channel, q.threadTs, `${head}\n\`\`\`\n${body}\n\`\`\``);
    }
  }

  app.action<BlockAction<ButtonAction>>(
    { type: 'block_actions', action_id: CSV_ACTION_IDS },
    async (
      args: {
        ack: () => Promise<void>;
        body: BlockAction<ButtonAction>;
        action: ButtonAction;
        client: WebClient;
      } & Partial<AllMiddlewareArgs>,
    ) => {
      const { ack, body, action, client } = args;
      await ack();
      const channel = body.channel?.id ?? (body.container?.channel_id as string | undefined);
      const ts = body.message?.ts ?? (body.container?.message_ts as string | undefined);
      let data: unknown;
      try {
        data = JSON.parse(action.value ?? '');
      } catch {
        data = null;
      }
      if (!channel || !ts || !isCsvAction(data)) return;
      const who = await actingPerson(d, client, {
        teamId: body.team?.id ?? body.user.team_id,
        userId: body.user.id,
      });
      if ('say' in who)
        return tellUser(client, d.log, { userId: body.user.id, channelId: channel, text: who.say });
      // The import remembers its thread (the upload's); the clicked card is a reply in it.
      const origin = await csv.origin(who.workspaceId, data.importId);
      const threadTs =
        origin?.thread ?? (body.message as { thread_ts?: string } | undefined)?.thread_ts ?? ts;
      const where = { userId: body.user.id, channel, ts, threadTs };
      if (data.step === 'mapping') {
        // The current card (and its mapping) comes from the service, not from the clicked message.
        const current = await csv.handleAction({
          workspaceId: who.workspaceId,
          actor: who.person,
          importId: data.importId,
          step: 'review',
        });
        if (!current.ok)
          return tellUser(client, d.log, { userId: body.user.id, channelId: channel, text: current.error });
        try {
          await client.views.open({
            trigger_id: body.trigger_id,
            view: mappingModal(current.message, {
              importId: data.importId,
              workspaceId: who.workspaceId,
              channel,
              ts,
              threadTs,
            }) as never,
          });
        } catch (err) {
          if (slackErrorCode(err) === 'exchanged_trigger_id') return;
          d.log.warn({ err }, 'slack: could not open the CSV mapping modal');
          await tellUser(client, d.log, {
            userId: body.user.id,
            channelId: channel,
            text: 'Slack closed the window before the form could open. Please click again.',
          });
        }
        return;
      }
      const reply = await csv.handleAction({
        workspaceId: who.workspaceId,
        actor: who.person,
        importId: data.importId,
        step: data.step,
        progress: (text) => post(client, channel, threadTs, text),
      });
      await show(client, where, reply);
    },
  );

  app.view<ViewSubmitAction>(
    { callback_id: CSV_MAPPING_MODAL, type: 'view_submission' },
    async ({ ack, body, view, client }) => {
      await ack();
      let meta: Record<string, string>;
      try {
        meta = JSON.parse(view.private_metadata) as Record<string, string>;
      } catch {
        return;
      }
      const who = await actingPerson(d, client, {
        teamId: body.team?.id,
        userId: body.user.id,
        workspaceId: meta.workspaceId,
      });
      if ('say' in who)
        return tellUser(client, d.log, { userId: body.user.id, channelId: meta.channel, text: who.say });
      const values: Record<string, string> = {};
      for (const f of TICKET_FIELDS) {
        const picked = view.state.values[`map.${f}`]?.[`column.${f}`]?.selected_option?.value;
        values[`map.${f}`] = picked ?? NOT_MAPPED;
      }
      const reply = await csv.handleAction({
        workspaceId: who.workspaceId,
        actor: who.person,
        importId: meta.importId!,
        step: 'mapping',
        values,
      });
      await show(
        client,
        { userId: body.user.id, channel: meta.channel!, ts: meta.ts!, threadTs: meta.threadTs! },
        reply,
      );
    },
  );
}
