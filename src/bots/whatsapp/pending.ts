import type { ChatServices } from '../../chat/services.js';

/**
 * Alerts whose full card waits for the person's next message (a chat_dialogs row keyed
 * `<wa_id>#pending`): the template got their attention; any reply opens the window and the full
 * card follows (issue 10).
 */
const TTL_MS = 30 * 24 * 3600_000;
const key = (waId: string) => `${waId}#pending`;

export async function addPending(
  services: ChatServices,
  c: { waId: string; workspaceId: string },
  alertId: string,
): Promise<void> {
  const cur = await pendingAlerts(services, c.waId);
  if (cur.includes(alertId)) return;
  await services.state.saveDialog({
    workspaceId: c.workspaceId,
    channel: 'whatsapp',
    key: key(c.waId),
    kind: 'pending',
    state: { alertIds: [...cur, alertId].slice(-20) },
    expiresAt: new Date(Date.now() + TTL_MS),
  });
}

export async function pendingAlerts(services: ChatServices, waId: string): Promise<string[]> {
  const d = await services.state.dialog('whatsapp', key(waId));
  return d ? ((d.state.alertIds as string[] | undefined) ?? []) : [];
}

export async function clearPending(services: ChatServices, waId: string): Promise<void> {
  await services.state.endDialog('whatsapp', key(waId));
}
