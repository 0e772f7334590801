/**
 * Google Chat interaction events, in either of the two formats Chat sends to an HTTP endpoint,
 * turned into one shape the handler works with.
 *
 *   classic Chat app  {type, eventTime, message, user, space, thread, action, common,
 *                      isDialogEvent, dialogEventType, appCommandMetadata}
 *                     (developers.google.com/workspace/chat/api/reference/rest/v1/Event)
 *   Workspace add-on  {commonEventObject, authorizationEventObject, chat: {user, eventTime,
 *                      messagePayload | addedToSpacePayload | removedFromSpacePayload |
 *                      buttonClickedPayload | appCommandPayload}}
 *                     (developers.google.com/workspace/add-ons/concepts/event-objects#chat-event-object)
 *
 * The add-on format is recognised by its top-level `chat` key (developers.google.com/workspace/chat/convert).
 */

export type EventFormat = 'chat' | 'addon';

export type ChatEventKind =
  'message' | 'added_to_space' | 'removed_from_space' | 'card_clicked' | 'app_command' | 'other';

export interface ChatUser {
  /** `users/{id}` */
  name: string;
  displayName?: string;
  email?: string;
  /** HUMAN | BOT */
  type?: string;
}

export interface ChatSpace {
  /** `spaces/{id}` */
  name: string;
  /** DM, ROOM (classic `type`) or DIRECT_MESSAGE, SPACE, GROUP_CHAT (`spaceType`) */
  type?: string;
  spaceType?: string;
  singleUserBotDm?: boolean;
  displayName?: string;
}

export interface ChatAttachment {
  name?: string;
  contentName?: string;
  contentType?: string;
  /** For uploaded files: the resource to pass to media.download. */
  resourceName?: string;
  /** A Drive file (not downloadable with chat.bot). */
  driveFileId?: string;
  source?: string;
}

/** Form input values as Chat sends them (common.formInputs). */
export type FormInputs = Record<
  string,
  {
    stringInputs?: { value?: string[] };
    dateInput?: { msSinceEpoch?: string | number };
    timeInput?: { hours?: number; minutes?: number };
    dateTimeInput?: { msSinceEpoch?: string | number; hasDate?: boolean; hasTime?: boolean };
  }
>;

export interface ChatEvent {
  format: EventFormat;
  kind: ChatEventKind;
  eventTime: string | null;
  user: ChatUser | null;
  space: ChatSpace | null;
  message: {
    name?: string;
    text?: string;
    argumentText?: string;
    threadName?: string;
    threadKey?: string;
    /** The sender of the message a click came from (UPDATE_MESSAGE is only for the app's own). */
    senderType?: string;
    attachments: ChatAttachment[];
  } | null;
  /** Slash command id, when the message or command is one. */
  commandId: string | null;
  /** The button's function and its parameters (CARD_CLICKED). */
  invokedFunction: string | null;
  parameters: Record<string, string>;
  formInputs: FormInputs;
  isDialogEvent: boolean;
  /** REQUEST_DIALOG | SUBMIT_DIALOG | CANCEL_DIALOG */
  dialogEventType: string | null;
  /** The user's IANA time zone, when Chat sends it (common.timeZone.id). */
  timeZone: string | null;
}

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const obj = (v: unknown): Json => (isObj(v) ? v : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

/** Thrown for a body that is neither format; the endpoint answers 400. */
export class BadEventError extends Error {}

export function parseChatEvent(body: unknown): ChatEvent {
  if (!isObj(body)) throw new BadEventError('the request body is not a JSON object');
  return isObj(body.chat) ? parseAddOn(body) : parseClassic(body);
}

function user(v: unknown): ChatUser | null {
  const u = obj(v);
  const name = str(u.name);
  if (!name) return null;
  return { name, displayName: str(u.displayName), email: str(u.email), type: str(u.type) };
}

function space(v: unknown): ChatSpace | null {
  const s = obj(v);
  const name = str(s.name);
  if (!name) return null;
  return {
    name,
    type: str(s.type),
    spaceType: str(s.spaceType),
    singleUserBotDm: s.singleUserBotDm === true,
    displayName: str(s.displayName),
  };
}

function attachments(v: unknown): ChatAttachment[] {
  return (Array.isArray(v) ? v : []).filter(isObj).map((a) => ({
    name: str(a.name),
    contentName: str(a.contentName),
    contentType: str(a.contentType),
    resourceName: str(obj(a.attachmentDataRef).resourceName),
    driveFileId: str(obj(a.driveDataRef).driveFileId),
    source: str(a.source),
  }));
}

function message(v: unknown): ChatEvent['message'] {
  if (!isObj(v)) return null;
  const thread = obj(v.thread);
  return {
    name: str(v.name),
    text: str(v.text),
    argumentText: typeof v.argumentText === 'string' ? v.argumentText : undefined,
    threadName: str(thread.name),
    threadKey: str(thread.threadKey),
    senderType: str(obj(v.sender).type),
    attachments: attachments(v.attachment ?? v.attachments),
  };
}

/** `parameters` is a map in `common` and a [{key, value}] list in the deprecated `action`. */
function parameters(common: Json, action: Json): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of Array.isArray(action.parameters) ? action.parameters : []) {
    const kv = obj(p);
    if (typeof kv.key === 'string') out[kv.key] = String(kv.value ?? '');
  }
  for (const [k, val] of Object.entries(obj(common.parameters))) out[k] = String(val ?? '');
  return out;
}

const TYPES: Record<string, ChatEventKind> = {
  MESSAGE: 'message',
  ADDED_TO_SPACE: 'added_to_space',
  REMOVED_FROM_SPACE: 'removed_from_space',
  CARD_CLICKED: 'card_clicked',
  APP_COMMAND: 'app_command',
};

function parseClassic(b: Json): ChatEvent {
  const common = obj(b.common);
  const action = obj(b.action);
  const msg = message(b.message);
  const slash = str(obj(obj(b.message).slashCommand).commandId);
  const appCommand = str(obj(b.appCommandMetadata).appCommandId);
  if (msg && !msg.threadName) msg.threadName = str(obj(b.thread).name);
  return {
    format: 'chat',
    kind: TYPES[String(b.type)] ?? 'other',
    eventTime: str(b.eventTime) ?? null,
    user: user(b.user),
    space: space(b.space) ?? space(obj(b.message).space),
    message: msg,
    commandId: appCommand ?? slash ?? null,
    invokedFunction: str(common.invokedFunction) ?? str(action.actionMethodName) ?? null,
    parameters: parameters(common, action),
    formInputs: obj(common.formInputs) as FormInputs,
    isDialogEvent: b.isDialogEvent === true,
    dialogEventType: str(b.dialogEventType) ?? null,
    timeZone: str(obj(common.timeZone).id) ?? null,
  };
}

function parseAddOn(b: Json): ChatEvent {
  const chat = obj(b.chat);
  const common = obj(b.commonEventObject);
  const payloads: [string, ChatEventKind][] = [
    ['messagePayload', 'message'],
    ['addedToSpacePayload', 'added_to_space'],
    ['removedFromSpacePayload', 'removed_from_space'],
    ['buttonClickedPayload', 'card_clicked'],
    ['appCommandPayload', 'app_command'],
  ];
  const found = payloads.find(([k]) => isObj(chat[k]));
  const payload = found ? obj(chat[found[0]]) : {};
  const msg = message(payload.message);
  if (msg && !msg.threadName) msg.threadName = str(obj(payload.thread).name);
  const slash = str(obj(obj(payload.message).slashCommand).commandId);
  return {
    format: 'addon',
    kind: found?.[1] ?? 'other',
    eventTime: str(chat.eventTime) ?? null,
    user: user(chat.user),
    space: space(payload.space) ?? space(obj(payload.message).space),
    message: msg,
    commandId: str(obj(payload.appCommandMetadata).appCommandId) ?? slash ?? null,
    invokedFunction: str(common.invokedFunction) ?? null,
    parameters: parameters(common, {}),
    formInputs: obj(common.formInputs) as FormInputs,
    isDialogEvent: payload.isDialogEvent === true,
    dialogEventType: str(payload.dialogEventType) ?? null,
    timeZone: str(obj(common.timeZone).id) ?? null,
  };
}

/** A direct message between one person and the app. */
export function isDirectMessage(s: ChatSpace | null): boolean {
  return !!s && (s.type === 'DM' || s.spaceType === 'DIRECT_MESSAGE' || s.singleUserBotDm === true);
}

/** The first value of a form input, as a string (string, date or time inputs). */
export function inputValue(inputs: FormInputs, id: string): string | undefined {
  const i = inputs[id];
  if (!i) return undefined;
  if (i.stringInputs?.value?.length) return i.stringInputs.value[0];
  return undefined;
}

/**
 * The inputs of a dialog as the flat {id: string} map ChatServices takes. Dates (DATE_ONLY pickers
 * send UTC midnight in msSinceEpoch) become YYYY-MM-DD, times HH:MM — the person's local wall time,
 * which ChatServices turns into an instant in their time zone.
 */
export function flatInputs(inputs: FormInputs): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, i] of Object.entries(inputs)) {
    if (i.stringInputs?.value) out[id] = i.stringInputs.value.join(',');
    else if (i.dateInput?.msSinceEpoch !== undefined)
      out[id] = new Date(Number(i.dateInput.msSinceEpoch)).toISOString().slice(0, 10);
    else if (i.timeInput)
      out[id] =
        `${String(i.timeInput.hours ?? 0).padStart(2, '0')}:${String(i.timeInput.minutes ?? 0).padStart(2, '0')}`;
    else if (i.dateTimeInput?.msSinceEpoch !== undefined)
      out[id] = new Date(Number(i.dateTimeInput.msSinceEpoch)).toISOString();
  }
  return out;
}
