import { z } from 'zod';
import { duration, optionalUrl, type SettingsOf, type VarSpec } from '../../config.js';
import { credentialsCheck, type ChannelDescriptor } from '../descriptor.js';
import { whatsappModule } from './index.js';

/** WhatsApp's settings (manifests/whatsapp/README.md; .env.example documents each). */
const env = {
  WHATSAPP_PHONE_NUMBER_ID: {
    schema: z.string().min(1).optional(),
    example: 'WHATSAPP_PHONE_NUMBER_ID=1234567890',
  },
  WHATSAPP_ACCESS_TOKEN: { schema: z.string().min(1).optional(), example: 'WHATSAPP_ACCESS_TOKEN=EAAG…' },
  WHATSAPP_APP_SECRET: { schema: z.string().min(1).optional(), example: 'WHATSAPP_APP_SECRET=…' },
  WHATSAPP_VERIFY_TOKEN: { schema: z.string().min(1).optional(), example: 'WHATSAPP_VERIFY_TOKEN=…' },
  WHATSAPP_WORKSPACE_ID: {
    schema: z.uuid({ message: 'must be a workspace id (UUID)' }).optional(),
    example: 'WHATSAPP_WORKSPACE_ID=0b9f6c1e-…',
  },
  WHATSAPP_API_URL: { schema: optionalUrl, example: 'WHATSAPP_API_URL=http://127.0.0.1:4004/' },
  WHATSAPP_GRAPH_VERSION: {
    schema: z
      .string()
      .regex(/^v\d+\.\d+$/, { message: 'must be a Graph API version such as v26.0' })
      .default('v26.0'),
    example: 'WHATSAPP_GRAPH_VERSION=v26.0',
  },
  WHATSAPP_TEMPLATE_ALERT: {
    schema: z.string().min(1).default('fincelo_alert'),
    example: 'WHATSAPP_TEMPLATE_ALERT=fincelo_alert',
  },
  WHATSAPP_TEMPLATE_NOTICE: {
    schema: z.string().min(1).default('fincelo_notice'),
    example: 'WHATSAPP_TEMPLATE_NOTICE=fincelo_notice',
  },
  WHATSAPP_TEMPLATE_LANGUAGE: {
    schema: z.string().min(2).default('en'),
    example: 'WHATSAPP_TEMPLATE_LANGUAGE=en_GB',
  },
  WHATSAPP_TEMPLATE_ALERT_PARAMS: {
    schema: z
      .string()
      .regex(/^(headline|summary|fact:[^,]+)(,(headline|summary|fact:[^,]+))*$/, {
        message: 'must list headline, summary or fact:<Title>, comma-separated',
      })
      .default('headline,summary'),
    example: 'WHATSAPP_TEMPLATE_ALERT_PARAMS=headline,fact:Usage',
  },
  WHATSAPP_TEMPLATE_ALERT_BUTTONS: {
    schema: z
      .string()
      .regex(/^(acknowledge|snooze|resolve|open)(,(acknowledge|snooze|resolve|open)){0,2}$/, {
        message: 'must list up to 3 of acknowledge, snooze, resolve, open, comma-separated',
      })
      .default('acknowledge,snooze,open'),
    example: 'WHATSAPP_TEMPLATE_ALERT_BUTTONS=acknowledge,snooze,open',
  },
  WHATSAPP_RATE_PER_SECOND: {
    schema: z.coerce.number().int().min(1).max(1000).default(80),
    example: 'WHATSAPP_RATE_PER_SECOND=80',
  },
  WHATSAPP_RECIPIENT_GAP: { schema: duration.default('1s'), example: 'WHATSAPP_RECIPIENT_GAP=1s' },
} satisfies Record<string, VarSpec>;

declare module '../../config.js' {
  // Merges this channel's variables into Config (the interface is the point, not its body).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ChannelSettings extends SettingsOf<typeof env> {}
}
declare module '../../engine/types.js' {
  interface ChannelNames {
    whatsapp: true;
  }
}

/** WhatsApp Business as the product sees it; index.ts loads its runtime only on create(). */
export const whatsappDescriptor: ChannelDescriptor = {
  ...whatsappModule,
  env,
  secrets: ['WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'],
  doctor: credentialsCheck(
    'WhatsApp Business',
    ['WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'],
    'from the Meta app dashboard (WhatsApp → API setup)',
  ),
  routes: ['/whatsapp/webhook'],
  role: true,
};
