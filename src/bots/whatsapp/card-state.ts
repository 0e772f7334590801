import type { WhatsAppInputSpec } from '../../cards/render/whatsapp.js';
import type { ChatServices } from '../../chat/services.js';
import { type CardMessage } from '../../channels/port.js';

/**
 * What the channel remembers about an alert in one person's chat (a chat_dialogs row keyed
 * `<wa_id>#alert:<alertId>`): the first message (every later message quotes it), the inputs each
 * action asks for, and the latest card when it could not be shown yet (outside the 24-hour window:
 * the template went out; the full card follows the person's next message).
 */
export interface AlertCardState {
  alertId: string;
  rootMessageId: string;
  version: number | null;
  forms: Record<string, WhatsAppInputSpec[]>;
  /** The latest card of the alert. */
  latest: CardMessage | null;
  /** True when `latest` was not shown in full yet (sent when the window opens). */
  pending: boolean;
}

/** WhatsApp keeps webhook media 7 days and quoted messages ~30 days; an alert card lives as long. */
const CARD_TTL_MS = 30 * 24 * 3600_000;

export const cardKey = (waId: string, alertId: string) => `${waId}#alert:${alertId}`;

export async function loadCardState(
  services: ChatServices,
  waId: string,
  alertId: string,
): Promise<AlertCardState | null> {
  const d = await services.state.dialog('whatsapp', cardKey(waId, alertId));
  return d && d.kind === 'card' ? (d.state as unknown as AlertCardState) : null;
}

export async function saveCardState(
  services: ChatServices,
  workspaceId: string,
  waId: string,
  s: AlertCardState,
): Promise<void> {
  await services.state.saveDialog({
    workspaceId,
    channel: 'whatsapp',
    key: cardKey(waId, s.alertId),
    kind: 'card',
    state: s as unknown as Record<string, unknown>,
    expiresAt: new Date(Date.now() + CARD_TTL_MS),
  });
}
