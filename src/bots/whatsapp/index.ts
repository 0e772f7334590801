import type { Config } from '../../config.js';
import type { ChannelModule } from '../registry.js';

/** All four are needed: sending (number id + token) and receiving (app secret + verify token). */
export const whatsappConfigured = (c: Config) =>
  Boolean(
    c.WHATSAPP_PHONE_NUMBER_ID && c.WHATSAPP_ACCESS_TOKEN && c.WHATSAPP_APP_SECRET && c.WHATSAPP_VERIFY_TOKEN,
  );

/** WhatsApp Business over the Cloud API (axios); see manifests/whatsapp/README.md. */
export const whatsappModule: ChannelModule = {
  channel: 'whatsapp',
  configured: whatsappConfigured,
  async create(ctx) {
    const { createWhatsAppRuntime } = await import('./runtime.js');
    return createWhatsAppRuntime(ctx);
  },
};
