import { Activity } from '@microsoft/agents-activity';
import type { CloudAdapter, ConnectorClient } from '@microsoft/agents-hosting';
import { baseConversationId, toSdkReference, type StoredReference } from './references.js';
import { createPacer, statusOf, withTeamsRetry, type Pacer, type RetryOptions } from './rate-limit.js';
import { PermanentDeliveryError } from '../../channels/port.js';

/** The outgoing message shapes the gateway and the handlers send. */
export interface OutgoingMessage {
  text?: string;
  textFormat?: 'markdown' | 'plain' | 'xml';
  /** Notification / activity-feed text for a card-only message. */
  summary?: string;
  attachments?: { contentType: string; content: unknown }[];
}

/** Outbound calls to the Bot Connector API of the conversation's service URL. */
export interface TeamsSender {
  /** POST /v3/conversations/{id}/activities: a new message (a new root post in a channel). */
  send(ref: StoredReference, conversationId: string, msg: OutgoingMessage): Promise<string>;
  /** POST /v3/conversations/{id}/activities/{replyToId}. */
  reply(
    ref: StoredReference,
    conversationId: string,
    replyToId: string,
    msg: OutgoingMessage,
  ): Promise<string>;
  /** PUT /v3/conversations/{id}/activities/{activityId} (only the bot's own messages). */
  update(
    ref: StoredReference,
    conversationId: string,
    activityId: string,
    msg: OutgoingMessage,
  ): Promise<void>;
  /** POST /v3/conversations: opens (or returns) the bot's 1:1 chat with a user. */
  createPersonal(o: {
    serviceUrl: string;
    tenantId?: string;
    agent: { id: string; name?: string };
    userId: string;
  }): Promise<string>;
}

/** The adapter to send through and how to authenticate and pace. */
export interface SenderOptions {
  adapter: CloudAdapter;
  /** The bot's app id; undefined = anonymous (local development, tests). */
  appId?: string;
  pacer?: Pacer;
  retry?: RetryOptions;
}

/** The audience of Bot Connector tokens (botframework-connector's default scope). */
const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com';

export function createTeamsSender(o: SenderOptions): TeamsSender {
  const pacer = o.pacer ?? createPacer();
  // An empty app id makes continueConversation throw; `{}` gets the SDK's anonymous connector
  // client, which sends no token (CHAT.md §6).
  const identity = o.appId ? o.appId : {};

  async function withClient<T>(
    ref: StoredReference,
    conversationId: string,
    fn: (client: ConnectorClient) => Promise<T>,
  ): Promise<T> {
    await pacer.slot(baseConversationId(conversationId));
    return translateErrors(() =>
      withTeamsRetry(async () => {
        // Errors are carried out of the turn by hand: the adapter would hand them to onTurnError
        // (BaseAdapter.runMiddleware) and return normally, losing both the error and the result.
        let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
        await o.adapter.continueConversation(identity, toSdkReference(ref, conversationId), async (ctx) => {
          try {
            outcome = {
              ok: true,
              value: await fn(ctx.turnState.get<ConnectorClient>(o.adapter.ConnectorClientKey)),
            };
          } catch (error) {
            outcome = { ok: false, error };
          }
        });
        if (!outcome) throw new Error('Microsoft Teams: the proactive turn did not run.');
        if (!outcome.ok) throw outcome.error;
        return outcome.value;
      }, o.retry),
    );
  }

  const activity = (ref: StoredReference, conversationId: string, msg: OutgoingMessage, id?: string) =>
    Activity.fromObject({
      type: 'message',
      ...(id ? { id } : {}),
      from: ref.agent,
      conversation: { ...ref.conversation, id: conversationId },
      ...(msg.text !== undefined ? { text: msg.text, textFormat: msg.textFormat ?? 'markdown' } : {}),
      ...(msg.summary ? { summary: msg.summary } : {}),
      ...(msg.attachments ? { attachments: msg.attachments } : {}),
    });

  return {
    // The connector client is called directly rather than through TurnContext.sendActivity: in a
    // continuation turn the SDK gives the activity a random id and sends every message as a reply to
    // it (Activity.getContinuationActivity + applyConversationReference), so a root post would go to
    // POST …/activities/{random-uuid}.
    send: (ref, cid, msg) =>
      withClient(ref, cid, async (c) =>
        requireId((await c.sendToConversation(cid, activity(ref, cid, msg))).id),
      ),
    reply: (ref, cid, replyToId, msg) =>
      withClient(ref, cid, async (c) =>
        requireId((await c.replyToActivity(cid, replyToId, activity(ref, cid, msg))).id),
      ),
    update: (ref, cid, activityId, msg) =>
      withClient(ref, cid, async (c) => {
        await c.updateActivity(cid, activityId, activity(ref, cid, msg, activityId));
      }),
    async createPersonal(p) {
      await pacer.slot(`create:${p.userId}`);
      return translateErrors(() =>
        withTeamsRetry(async () => {
          let id = '';
          // ConversationParameters' `agent` goes on the wire as `agent`, but the Bot Connector API
          // names the bot `bot` (activityWireCompat only renames it inside relatesTo): send both.
          const params = {
            isGroup: false,
            agent: p.agent,
            bot: p.agent,
            members: [{ id: p.userId }],
            ...(p.tenantId ? { tenantId: p.tenantId, channelData: { tenant: { id: p.tenantId } } } : {}),
          };
          await o.adapter.createConversationAsync(
            o.appId ?? '',
            'msteams',
            p.serviceUrl,
            BOT_FRAMEWORK_SCOPE,
            params as unknown as Parameters<CloudAdapter['createConversationAsync']>[4],
            async (ctx) => {
              id = ctx.activity.conversation?.id ?? '';
            },
          );
          return requireId(id);
        }, o.retry),
      );
    },
  };
}

function requireId(id: string | undefined): string {
  if (!id) throw new Error('Microsoft Teams accepted the request but returned no id.');
  return id;
}

/** Turns hopeless Bot Connector answers into PermanentDeliveryError, written for the admin who reads it. */
async function translateErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const status = statusOf(err);
    if (status === 403)
      throw new PermanentDeliveryError(
        'Microsoft Teams refused the message (403): Fincelo is no longer installed for this person or team, or the bot was blocked. Ask them to add the Fincelo app in Teams again.',
      );
    if (status === 404)
      throw new PermanentDeliveryError(
        'Microsoft Teams no longer knows this conversation or message (404): it may have been deleted. New alerts will start a new message.',
      );
    if (status === 400 || status === 413)
      throw new PermanentDeliveryError(
        `Microsoft Teams rejected the message as invalid (${status}): ${(err as Error).message.slice(0, 300)}`,
      );
    if (status === 401)
      throw new Error(
        'Microsoft Teams did not accept our credentials (401): check MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID.',
      );
    throw err;
  }
}
