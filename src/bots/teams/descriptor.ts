import { z } from 'zod';
import { type SettingsOf, type VarSpec } from '../../config.js';
import { credentialsCheck, type ChannelDescriptor } from '../descriptor.js';
import { teamsModule } from './index.js';

/** Teams' settings (manifests/teams/README.md; .env.example documents each). */
const env = {
  MICROSOFT_APP_ID: { schema: z.string().min(1).optional(), example: 'MICROSOFT_APP_ID=00000000-0000-…' },
  MICROSOFT_APP_PASSWORD: { schema: z.string().min(1).optional(), example: 'MICROSOFT_APP_PASSWORD=…' },
  MICROSOFT_APP_TENANT_ID: { schema: z.string().min(1).optional(), example: 'MICROSOFT_APP_TENANT_ID=…' },
  MICROSOFT_APP_AUTHORITY: {
    schema: z.url({ protocol: /^https$/, message: 'must be an https:// URL' }).optional(),
    example: 'MICROSOFT_APP_AUTHORITY=https://login.microsoftonline.us',
  },
  TEAMS_ANONYMOUS: { schema: z.enum(['on', 'off']).default('off'), example: 'TEAMS_ANONYMOUS=on' },
} satisfies Record<string, VarSpec>;

declare module '../../config.js' {
  // Merges this channel's variables into Config (the interface is the point, not its body).
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ChannelSettings extends SettingsOf<typeof env> {}
}
declare module '../../engine/types.js' {
  interface ChannelNames {
    teams: true;
  }
}

/** Microsoft Teams as the product sees it; index.ts loads the Agents SDK only on create(). */
export const teamsDescriptor: ChannelDescriptor = {
  ...teamsModule,
  env,
  secrets: ['MICROSOFT_APP_PASSWORD'],
  doctor: credentialsCheck(
    'Microsoft Teams',
    ['MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD', 'MICROSOFT_APP_TENANT_ID'],
    'register an Azure Bot (single tenant) and copy its app id, client secret and tenant id',
  ),
  // Role channels: channel and group chat ids are `19:<id>@thread.tacv2|skype|v2` (learn.microsoft.com,
  // "Get the channel ID"); a thread id (`…;messageid=…`) is not a channel. The app must be in the
  // team: Fincelo writes to the conversation it stored from the team's events.
  stepChannel: {
    re: /^19:[A-Za-z0-9_.-]+@thread\.(tacv2|skype|v2)$/,
    example: 'a Teams conversation id such as 19:abc123@thread.tacv2',
  },
  routes: ['/api/messages'],
  role: true,
};
