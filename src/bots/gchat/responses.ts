/**
 * Synchronous answers to an interaction event, in the format the event came in.
 *
 *   classic  a Message: {text, cardsV2, actionResponse: {type: NEW_MESSAGE | UPDATE_MESSAGE |
 *            DIALOG, dialogAction}} (developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages#actionresponse)
 *   add-on   {hostAppDataAction: {chatDataAction: {createMessageAction | updateMessageAction:
 *            {message}}}}, and dialogs through `action.navigations` (pushCard / endNavigation)
 *            (developers.google.com/workspace/add-ons/chat/build#respond)
 */
import type { EventFormat } from './events.js';
import type { GchatCard } from '../../cards/render/gchat.js';

type Json = Record<string, unknown>;

export interface ChatReply {
  text?: string;
  cardsV2?: { cardId: string; card: GchatCard | Json }[];
}

export const newMessage = (format: EventFormat, m: ChatReply): Json =>
  format === 'addon'
    ? { hostAppDataAction: { chatDataAction: { createMessageAction: { message: m } } } }
    : { ...m, actionResponse: { type: 'NEW_MESSAGE' } };

/** Replaces the clicked card (only allowed when the app sent the clicked message). */
export const updateMessage = (format: EventFormat, m: ChatReply): Json =>
  format === 'addon'
    ? { hostAppDataAction: { chatDataAction: { updateMessageAction: { message: m } } } }
    : { ...m, actionResponse: { type: 'UPDATE_MESSAGE' } };

/** Opens (or replaces the content of) a dialog. */
export const openDialog = (format: EventFormat, card: GchatCard | Json): Json =>
  format === 'addon'
    ? { action: { navigations: [{ pushCard: card }] } }
    : { actionResponse: { type: 'DIALOG', dialogAction: { dialog: { body: card } } } };

/**
 * Closes the dialog. `statusCode` OK shows `message` as a notification; any other status keeps
 * the dialog open and shows the message as an error (ActionStatus.userFacingMessage).
 */
export const closeDialog = (format: EventFormat, message: string, statusCode = 'OK'): Json =>
  format === 'addon'
    ? statusCode === 'OK'
      ? {
          action: {
            navigations: [{ endNavigation: { action: 'CLOSE_DIALOG' } }],
            notification: { text: message },
          },
        }
      : { action: { notification: { text: message } } }
    : {
        actionResponse: {
          type: 'DIALOG',
          dialogAction: { actionStatus: { statusCode, userFacingMessage: message } },
        },
      };
