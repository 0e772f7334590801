/**
 * Events API (docs.slack.dev/apis/events-api):
 * * `message.im` — a command typed in the bot's DM ("alerts", "customer Northwind", "help") is
 *   answered there, like the slash command — in the thread it was typed in, if any.
 * * `app_uninstalled`, `tokens_revoked` — the team's stored bot token is dropped (the team stays
 *   bound to its workspace, so a re-install continues where it left off).
 *
 * Slack retries an event it thinks was not received (X-Slack-Retry-Num: 1…3, after ~0 s, 1 min and
 * 5 min) with the same `event_id`; an event id already handled is skipped.
 */
import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from './listener-deps.js';

/** Event ids seen recently (per process; retries arrive within ~5 minutes). */
export function createSeenEvents(max = 5000): { firstTime(id: string | undefined): boolean } {
  const seen = new Set<string>();
  return {
    firstTime(id) {
      if (!id) return true;
      if (seen.has(id)) return false;
      seen.add(id);
      if (seen.size > max) seen.delete(seen.values().next().value as string);
      return true;
    },
  };
}

/**
 * A person sharing files: `subtype: "file_share"`, or — as the event reference prints it
 * (docs.slack.dev/reference/events/message/file_share, api.slack.com/events/message/file_share) —
 * a plain `message` with a `files` array, no `subtype` key and `bot_id: null`. A bot's own file
 * message (bot_id set) is not one.
 */
export function isFileShare(event: { subtype?: string; files?: unknown; bot_id?: unknown }): boolean {
  if (event.subtype === 'file_share') return true;
  return event.subtype === undefined && Array.isArray(event.files) && event.files.length > 0 && !event.bot_id;
}

export function registerEvents(app: App, d: SlackListenerDeps): void {
  const seen = createSeenEvents();
  const eventId = (body: unknown) => (body as { event_id?: string }).event_id;

  app.event('message', async ({ event, body, client }) => {
    if (!seen.firstTime(eventId(body))) return;
    // Only what a person types in the bot's DM: no edits/joins (subtypes), no bot messages.
    if (event.channel_type !== 'im' || event.subtype !== undefined || 'bot_id' in event) return;
    // A file shared without a subtype (the documented shape) is the CSV flow's, not a command.
    if (isFileShare(event as { files?: unknown })) return;
    const text = (event.text ?? '').trim();
    const workspaceId = await d.identity.workspaceForTeam((body as { team_id?: string }).team_id);
    if (!workspaceId || !event.user) return;
    const person = await d.identity.actor(client, { userId: event.user, workspaceId });
    const reply = await d.services.command(workspaceId, person, text, 'slack');
    const answer = reply.openForm ? 'Settings open in a form: type `/fincelo settings`.' : reply.text;
    // Typed in a thread of the DM (a reply under a card, the Assistant's threads): answered there,
    // under the thread's root (QUIRKS.md: "A DM message can be a thread reply").
    const threadTs = (event as { thread_ts?: string }).thread_ts;
    await client.chat.postMessage({
      channel: event.channel,
      text: answer,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
  });

  const dropTeam = async ({ body }: { body: unknown }) => {
    if (!seen.firstTime(eventId(body))) return;
    const teamId = (body as { team_id?: string }).team_id;
    if (!teamId) return;
    const found = await d.services.findInstallation('slack', teamId);
    if (found?.data.bot) {
      await d.services.saveInstallation('slack', teamId, found.workspaceId, {
        ...found.data,
        bot: undefined,
        revokedAt: new Date().toISOString(),
      });
    }
    d.onTeamChanged?.(teamId);
    d.log.warn(
      { teamId },
      'slack: app uninstalled or tokens revoked; deliveries to that team stop until re-install',
    );
  };
  app.event('app_uninstalled', dropTeam);
  app.event('tokens_revoked', dropTeam);
}
