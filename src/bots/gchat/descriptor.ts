import { z } from 'zod';
import { optionalUrl, type SettingsOf, type VarSpec } from '../../config.js';
import { credentialsCheck, type ChannelDescriptor } from '../descriptor.js';
import { gchatModule } from './index.js';

/** Google Chat's settings (manifests/gchat/README.md; .env.example documents each). */
const env = {
  GOOGLE_CHAT_SERVICE_ACCOUNT_FILE: {
    schema: z.string().min(1).optional(),
    example: 'GOOGLE_CHAT_SERVICE_ACCOUNT_FILE=/etc/fincelo/chat-sa.json',
  },
  GOOGLE_CHAT_API_URL: { schema: optionalUrl, example: 'GOOGLE_CHAT_API_URL=http://127.0.0.1:4003/' },
  GOOGLE_CHAT_SERVICE_ACCOUNT_JSON: {
    schema: z.string().min(1).optional(),
    example: 'GOOGLE_CHAT_SERVICE_ACCOUNT_JSON={"type":"service_account",…}',
  },
  GOOGLE_CHAT_AUDIENCE_TYPE: {
    schema: z.enum(['endpoint_url', 'project_number']).default('endpoint_url'),
    example: 'GOOGLE_CHAT_AUDIENCE_TYPE=project_number',
  },
  GOOGLE_CHAT_AUDIENCE: {
    schema: z.string().min(1).optional(),
    example: 'GOOGLE_CHAT_AUDIENCE=https://fincelo.example.com/gchat/events',
  },
  GOOGLE_CHAT_PROJECT_NUMBER: {
    schema: z.string().regex(/^\d+$/, { message: 'must be the numeric Cloud project number' }).optional(),
    example: 'GOOGLE_CHAT_PROJECT_NUMBER=123456789012',
  },
  GOOGLE_CHAT_CERTS_URL: {
    schema: optionalUrl,
    example: 'GOOGLE_CHAT_CERTS_URL=http://127.0.0.1:4005/certs',
  },
} satisfies Record<string, VarSpec>;

declare module '../../config.js' {
  // Merges this channel's variables into Config (the interface is the point, not its body).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ChannelSettings extends SettingsOf<typeof env> {}
}
declare module '../../engine/types.js' {
  interface ChannelNames {
    gchat: true;
  }
}

/** Google Chat as the product sees it; index.ts loads googleapis only on create(). */
export const gchatDescriptor: ChannelDescriptor = {
  ...gchatModule,
  env,
  // The inline key's private key lines are scrubbed too (src/config.ts secretValues).
  secrets: ['GOOGLE_CHAT_SERVICE_ACCOUNT_JSON'],
  doctor: credentialsCheck(
    'Google Chat',
    [['GOOGLE_CHAT_SERVICE_ACCOUNT_FILE', 'GOOGLE_CHAT_SERVICE_ACCOUNT_JSON'], 'GOOGLE_CHAT_AUDIENCE'],
    'create a service account with the Chat API enabled, give its JSON key (file or JSON), and set the audience the Chat app configuration uses (manifests/gchat/README.md)',
  ),
  // Role channels: spaces are `spaces/<id>` (developers.google.com/workspace/chat/api/reference/rest/v1/spaces).
  stepChannel: { re: /^spaces\/[A-Za-z0-9_-]+$/, example: 'a Google Chat space such as spaces/AAAAbcd123' },
  routes: ['/gchat/events'],
  role: true,
};
