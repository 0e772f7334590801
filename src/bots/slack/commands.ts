/**
 * `/fincelo …` (docs.slack.dev/interactivity/implementing-slash-commands). The command is acked at
 * once (3 s limit) and answered through its response_url as an ephemeral reply, which works in
 * any channel, even ones the bot is not a member of. `settings` opens a modal instead.
 */
import type { App } from '@slack/bolt';
import type { SlackListenerDeps } from './listener-deps.js';
import { SAY } from './notify.js';
import { SLACK_COMMAND } from './mode.js';
import { parseSettingsArgs } from './parse.js';
import { openSettings } from './settings.js';

export function registerCommands(app: App, d: SlackListenerDeps): void {
  app.command(SLACK_COMMAND, async ({ ack, command, client, respond }) => {
    await ack();
    const say = (text: string) => respond({ response_type: 'ephemeral', text });
    const text = command.text ?? '';
    const workspaceId = await d.identity.workspaceForTeam(command.team_id);
    if (!workspaceId) return void (await say(SAY.notConnected(d.installUrl)));
    // help / alerts / customer work for anyone in the Slack team; settings needs a Fincelo admin.
    const person = await d.identity.actor(client, { userId: command.user_id, workspaceId });
    const reply = await d.services.command(workspaceId, person, text, 'slack');
    if (reply.openForm && person) {
      const { form, context } = parseSettingsArgs(text);
      const problem = await openSettings(d, client, {
        triggerId: command.trigger_id,
        workspaceId,
        person,
        form,
        context,
      });
      if (problem) await say(problem);
      return;
    }
    await say(!person && reply.kind === 'settings' ? SAY.unknownPerson : reply.text);
  });
}
