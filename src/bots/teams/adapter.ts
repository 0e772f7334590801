import { Activity } from '@microsoft/agents-activity';
import { CloudAdapter, type AuthConfiguration } from '@microsoft/agents-hosting';
import type { Logger } from '../../log.js';

/**
 * The Agents SDK's CloudAdapter (botbuilder's successor with the same model). Its default turn-error
 * handler tells the user "To continue to run this agent, please fix the source code"; ours logs the
 * error and answers like the product does elsewhere, with an error invoke response for card clicks.
 */
export function createTeamsAdapter(auth: AuthConfiguration, log: Logger): CloudAdapter {
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    log.error(
      { err: error, activityType: context.activity.type, name: context.activity.name },
      'teams: turn failed',
    );
    const text = 'Sorry, something went wrong on our side. Please try again in a minute.';
    if (context.activity.type === 'event') return; // a proactive turn: nobody to answer
    try {
      if (context.activity.type === 'invoke') {
        await context.sendActivity(
          Activity.fromObject({
            type: 'invokeResponse',
            value: {
              status: 200,
              body: {
                statusCode: 500,
                type: 'application/vnd.microsoft.error',
                value: { code: 'InternalError', message: text },
              },
            },
          }),
        );
      } else {
        await context.sendActivity(text);
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'teams: could not tell the user about the error');
    }
  };
  return adapter;
}
