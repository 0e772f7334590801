import type { ConnectorService, ConnectorView } from './service.js';
import type { ConnectorPlatform, CredentialField } from './types.js';
import type { FormField, SettingsSection } from '../channels/forms.js';

const PREFIX = 'connector.';
const F = {
  platform: 'connector.add.platform',
  account: 'connector.add.account',
  email: 'connector.add.email',
  token: 'connector.add.token',
  syncMode: 'connector.add.syncMode',
  webhookSecret: 'connector.add.webhookSecret',
};

/**
 * Which generic "Add a connector" field carries a platform's credential: its secret goes in the
 * token field, an email in the email field, anything else (subdomain, site, region) in the
 * account field.
 */
function slotFor(f: CredentialField): string {
  if (f.secret) return F.token;
  if (/email/i.test(f.name)) return F.email;
  return F.account;
}

function when(d: string | null): string {
  return d ? new Date(d).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : 'never';
}

export function statusLine(c: ConnectorView): string {
  const parts = [
    c.status === 'syncing'
      ? `syncing (${Number(c.progress.fetched ?? 0).toLocaleString('en')} fetched so far)`
      : c.status,
    `last sync ${when(c.lastSyncAt)}`,
    `${c.ticketsSeen.toLocaleString('en')} tickets`,
    c.nextRunAt ? `next run ${when(c.nextRunAt)}` : 'webhook only',
  ];
  if (c.lastError) parts.push(`last error: ${c.lastError}`);
  return parts.join(' · ');
}

/** The "Connectors" section of the settings form: list with status, Add, Test, Sync now, Remove. */
export function connectorSettingsSection(deps: {
  service: ConnectorService;
  platforms: () => ConnectorPlatform[];
  publicUrl: () => string;
}): SettingsSection {
  const pollable = () => deps.platforms();
  return {
    prefix: PREFIX,
    async fields(workspaceId) {
      const list = await deps.service.list(workspaceId, deps.publicUrl());
      const platforms = pollable();
      const hintFor = (slot: string) =>
        platforms
          .map((p) => {
            const f = p.credentialFields.filter((x) => slotFor(x) === slot);
            return f.length ? `${p.label}: ${f.map((x) => x.label).join(', ')}` : null;
          })
          .filter(Boolean)
          .join(' · ');
      return [
        ...list.map((c): FormField => ({
          id: `${PREFIX}${c.id}`,
          label: `Connectors · ${c.name}`,
          type: 'select',
          value: 'keep',
          hint: statusLine(c),
          options: [
            { value: 'keep', label: 'No change' },
            { value: 'test', label: 'Test the connection' },
            { value: 'sync', label: 'Sync now' },
            { value: 'remove', label: 'Remove this connector' },
          ],
        })),
        {
          id: F.platform,
          label: 'Connectors · Add a helpdesk',
          type: 'select',
          value: '',
          optional: true,
          options: [
            { value: '', label: '— none —' },
            ...platforms.map((p) => ({ value: p.id, label: p.label })),
          ],
          hint: 'Pick the platform, fill in its credentials below, and save: we test them before connecting.',
        },
        {
          id: F.account,
          label: 'Connectors · Subdomain / site',
          type: 'text',
          value: '',
          optional: true,
          hint: `${hintFor(F.account)} (or the full URL of a regional host or proxy)`,
        },
        {
          id: F.email,
          label: 'Connectors · Admin email',
          type: 'text',
          value: '',
          optional: true,
          hint: hintFor(F.email),
        },
        {
          id: F.token,
          label: 'Connectors · API token / key',
          type: 'text',
          value: '',
          optional: true,
          hint: `${hintFor(F.token)}. Stored encrypted, shown masked.`,
        },
        {
          id: F.syncMode,
          label: 'Connectors · Keep up by',
          type: 'select',
          value: 'both',
          options: [
            { value: 'both', label: 'Polling and webhook (recommended)' },
            { value: 'poll', label: 'Polling every 15 minutes' },
            { value: 'webhook', label: 'Webhook only' },
          ],
        },
        {
          id: F.webhookSecret,
          label: 'Connectors · Webhook secret (optional)',
          type: 'text',
          value: '',
          optional: true,
          hint: "Paste the platform's signing secret if it generates one; Zendesk webhooks are registered for you.",
        },
      ];
    },

    async save(workspaceId, actor, values) {
      const v = (k: string) => (values[k] ?? '').trim();
      const messages: string[] = [];
      const errors: Record<string, string> = {};
      for (const [k, action] of Object.entries(values)) {
        if (!k.startsWith(PREFIX) || k.startsWith(`${PREFIX}add.`)) continue;
        const id = k.slice(PREFIX.length);
        const c = await deps.service.get(workspaceId, id, deps.publicUrl());
        if (!c || !action || action === 'keep') continue;
        if (action === 'test') {
          const r = await deps.service.test(workspaceId, id);
          if (r.ok) messages.push(`✅ ${c.name}: ${r.message}`);
          else errors[k] = r.message;
        } else if (action === 'sync') {
          await deps.service.syncNow(workspaceId, id);
          messages.push(`🔄 ${c.name}: sync started; I'll report here if it fails.`);
        } else if (action === 'remove') {
          const r = await deps.service.remove(workspaceId, id);
          messages.push(`🗑️ ${c.name} removed; its tickets stay.${r.warning ? ` ${r.warning}` : ''}`);
        } else errors[k] = 'Choose No change, Test, Sync now or Remove.';
      }
      const platformId = v(F.platform);
      if (platformId) {
        const platform = deps.platforms().find((p) => p.id === platformId);
        if (!platform) errors[F.platform] = 'Choose a platform from the list.';
        else {
          const credentials: Record<string, string> = {};
          for (const f of platform.credentialFields) if (v(slotFor(f))) credentials[f.name] = v(slotFor(f));
          // A full URL in the account field is a regional host or proxy: it becomes the base URL,
          // and its first host label the subdomain.
          let baseUrl: string | null = null;
          const account = platform.credentialFields.find((f) => slotFor(f) === F.account);
          if (account && /^https?:\/\//i.test(v(F.account))) {
            try {
              const u = new URL(v(F.account));
              baseUrl = u.origin + u.pathname.replace(/\/+$/, '');
              credentials[account.name] = u.hostname.split('.')[0]!;
            } catch {
              errors[F.account] = 'That is not a valid URL.';
            }
          }
          const syncMode = (['both', 'poll', 'webhook'] as const).find((m) => m === v(F.syncMode)) ?? 'both';
          if (!errors[F.account])
            try {
              const r = await deps.service.connect({
                workspaceId,
                platform: platform.id,
                credentials,
                baseUrl,
                syncMode,
                webhookSecret: v(F.webhookSecret) || null,
                createdBy: actor.id,
                publicUrl: deps.publicUrl(),
              });
              messages.push(
                [
                  `✅ ${platform.label} connected. The first sync has started; I'll tell you here when it is done.`,
                  syncMode !== 'poll' ? `Webhook URL: ${r.webhookUrl}` : '',
                  r.webhookSecret
                    ? `Webhook secret (shown once — paste it into ${platform.label}): ${r.webhookSecret}`
                    : '',
                  ...r.warnings,
                ]
                  .filter(Boolean)
                  .join('\n'),
              );
            } catch (err) {
              const field = (err as { field?: string | null }).field ?? null;
              const cred = field?.startsWith('credentials.')
                ? platform.credentialFields.find((f) => `credentials.${f.name}` === field)
                : undefined;
              errors[cred ? slotFor(cred) : F.platform] = (err as Error).message;
            }
        }
      }
      if (Object.keys(errors).length)
        return { ok: false, errors, message: messages.length ? messages.join('\n') : undefined };
      return messages.length ? { ok: true, message: messages.join('\n') } : null;
    },
  };
}
