import type { Person } from '../../engine/index.js';
import type { Logger } from '../../log.js';
import type { ChatServices } from '../../chat/services.js';
import type { GraphClient } from './graph.js';
import type { WaInbound } from './parse.js';
import type { WaChat, WhatsAppSender } from './sender.js';

/** What inbound handlers share (passed in; nothing global). */
export interface InboundDeps {
  services: ChatServices;
  sender: WhatsAppSender;
  graph: GraphClient;
  log: Logger;
  now(): Date;
}

/** One inbound message from a known person, with their chat (window now open). */
export interface Turn {
  msg: WaInbound;
  person: Person;
  chat: WaChat;
}

/** A short conversation (Log Call, Follow-up, Reassign, settings) lives this long between answers. */
export const DIALOG_TTL_MS = 15 * 60_000;

export async function say(deps: InboundDeps, t: Turn, text: string, quote?: string | null): Promise<void> {
  await deps.sender.answer(t.chat, deps.sender.textMessage(text), quote ?? null);
}

export async function saveDialog(
  deps: InboundDeps,
  t: Turn,
  kind: string,
  state: Record<string, unknown>,
): Promise<void> {
  await deps.services.state.saveDialog({
    workspaceId: t.person.workspaceId,
    channel: 'whatsapp',
    key: t.chat.waId,
    kind,
    state,
    expiresAt: new Date(deps.now().getTime() + DIALOG_TTL_MS),
  });
}

export const endDialog = (deps: InboundDeps, t: Turn) =>
  deps.services.state.endDialog('whatsapp', t.chat.waId);
