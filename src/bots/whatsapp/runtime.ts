import { parseDurationMs } from '../../config.js';
import type { ChannelModule, ChannelRuntime } from '../registry.js';
import { createWhatsAppGateway } from './gateway.js';
import { createGraphClient } from './graph.js';
import { handleWebhook } from './inbound.js';
import { createWhatsAppSender } from './sender.js';
import { templateConfig } from './templates.js';
import { whatsappRouter } from './webhook.js';

/** Wires the Graph client, gateway and /whatsapp/webhook of the WhatsApp channel. */
export async function createWhatsAppRuntime({
  config,
  services,
  log,
}: Parameters<ChannelModule['create']>[0]): Promise<ChannelRuntime> {
  const graph = createGraphClient({
    apiUrl: config.WHATSAPP_API_URL ?? 'https://graph.facebook.com/',
    version: config.WHATSAPP_GRAPH_VERSION,
    phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID!,
    accessToken: config.WHATSAPP_ACCESS_TOKEN!,
    ratePerSecond: config.WHATSAPP_RATE_PER_SECOND,
    recipientGapMs: parseDurationMs(config.WHATSAPP_RECIPIENT_GAP) ?? 1000,
    log,
  });
  if (config.WHATSAPP_WORKSPACE_ID) {
    // The business number is this workspace's tenant key: inbound messages resolve inside it only.
    await services
      .saveInstallation('whatsapp', config.WHATSAPP_PHONE_NUMBER_ID!, config.WHATSAPP_WORKSPACE_ID, {
        mode: 'config',
      })
      .catch((err: unknown) =>
        log.error({ err: (err as Error).message }, 'whatsapp: WHATSAPP_WORKSPACE_ID names no workspace'),
      );
  }
  const sender = createWhatsAppSender({ graph, services, templates: templateConfig(config), log });
  const gateway = createWhatsAppGateway({ sender, services });
  const deps = { services, sender, graph, log, now: () => new Date() };
  const router = whatsappRouter({
    appSecret: config.WHATSAPP_APP_SECRET!,
    verifyToken: config.WHATSAPP_VERIFY_TOKEN!,
    phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID!,
    log,
    handle: (batch) => handleWebhook(deps, batch),
  });
  return { gateway, router };
}
