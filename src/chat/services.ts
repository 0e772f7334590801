import type pg from 'pg';
import {
  applyAction,
  deliverJob,
  type ActionName,
  type ActionResult,
  type Channel,
  type EngineDeps,
  type Person,
  type Role,
} from '../engine/index.js';
import { resolveInboundActor, type InboundActor, type InboundActorQuery } from './tenancy.js';
import type { Cipher } from '../store/crypto.js';
import {
  formWithSections,
  saveWithSections,
  type FormModel,
  type FormResult,
  type SettingsSection,
} from '../channels/forms.js';
import { createChannelState, type ChannelState } from './channel-state.js';
import { createCommands, type CommandReply } from './commands.js';
import { actionParamsFromInputs } from './action-params.js';

export { HELP_TEXT, type CommandReply } from './commands.js';
import { createCsvImportService } from '../csv-import/session.js';
import type { CsvImportService } from '../csv-import/types.js';
import { createTicketPipeline, type TicketPipeline } from '../tickets/pipeline.js';
import {
  insertPeople,
  insertWorkspaces,
  selectAlertThreadsAlertIdWorkspaceIdByChannelRootMessageId,
  selectChatInstallationsExternalIdDataEncByChannelWorkspaceId,
  selectChatInstallationsWorkspaceIdByChannelExternalId,
  selectChatInstallationsWorkspaceIdDataEncByChannelExternalId,
  selectConversationsByChannelExternalId,
  selectWorkspacesId,
  upsertChatInstallations,
  upsertChatInstallations2,
  upsertConversations,
} from '../store/chat.js';

/**
 * What every chat channel needs from the product, independent of the platform: who is this
 * user, apply an action, answer a command, show and save the settings forms.
 * Channels (src/bots/<channel>) get this object; they never touch the database directly.
 */
import { createSettingsForms } from './settings-form.js';

export interface ChatServices {
  /**
   * Maps an inbound chat event to exactly one workspace by the channel's tenant key and finds the
   * person inside it (src/chat/tenancy.ts); `ambiguous` when the user is known in several.
   */
  resolveActor(q: InboundActorQuery): Promise<InboundActor>;
  /** Finds the person of one workspace behind a platform user: by stored identity, else by email (remembered). */
  resolvePerson(q: {
    workspaceId: string;
    channel: Channel;
    identityKey: string;
    identityValue: string;
    email?: string | null;
  }): Promise<Person | null>;
  /** The workspace a platform installation belongs to (Slack team, Teams tenant…), if bound. */
  workspaceForInstallation(channel: Channel, externalId: string): Promise<string | null>;
  /** The only workspace, when the deployment has exactly one (single-workspace installs). */
  soleWorkspace(): Promise<string | null>;
  act(q: {
    workspaceId: string;
    alertId: string;
    action: ActionName;
    actor: Person;
    channel: Channel;
    eventId?: string;
    inputs?: Record<string, string | undefined>;
  }): Promise<ActionResult>;
  /** A typed command; `via` is the channel it came from (the timeline of a bulk action). */
  command(workspaceId: string, person: Person | null, text: string, via?: Channel): Promise<CommandReply>;
  settingsForm(
    workspaceId: string,
    actor: Person,
    form: string,
    context?: Record<string, string>,
  ): Promise<FormModel | { refused: string }>;
  saveSettingsForm(
    workspaceId: string,
    actor: Person,
    form: string,
    values: Record<string, string>,
    context?: Record<string, string>,
  ): Promise<FormResult>;
  /** Adds a section to the general settings form (helpdesk connectors…); features call it at start-up. */
  addSettingsSection(section: SettingsSection): void;
  /** Sends due deliveries of a channel now (after an inbound action). */
  kick(channel: Channel): Promise<void>;
  /** Platform installations (tokens encrypted at rest), each bound to one workspace. */
  saveInstallation(
    channel: Channel,
    externalId: string,
    workspaceId: string,
    data: Record<string, unknown>,
    installedBy?: string,
  ): Promise<void>;
  findInstallation(
    channel: Channel,
    externalId: string,
  ): Promise<{ workspaceId: string; data: Record<string, unknown> } | null>;
  /** The installation a workspace is bound to on a channel (outbound sends of multi-workspace installs). */
  installationForWorkspace(
    channel: Channel,
    workspaceId: string,
  ): Promise<{ externalId: string; data: Record<string, unknown> } | null>;
  /**
   * First installation of a platform team (Slack OAuth, …): creates its workspace with the installer
   * as the first admin and binds the installation to it, in one transaction. When the team is
   * already bound (e.g. a concurrent install won), nothing is created and that binding is returned.
   */
  createWorkspaceForInstallation(q: {
    channel: Channel;
    externalId: string;
    name: string;
    data: Record<string, unknown>;
    installer: {
      name: string;
      email?: string | null;
      timezone?: string;
      identityKey: string;
      identityValue: string;
    };
  }): Promise<{ workspaceId: string; created: boolean }>;
  /** Remembers where a person (or a role channel) can be written to, e.g. a Teams conversation reference. */
  saveConversation(q: {
    workspaceId: string;
    channel: Channel;
    externalId: string;
    personId?: string | null;
    role?: Role | null;
    reference?: Record<string, unknown>;
    inbound?: boolean;
  }): Promise<void>;
  findConversation(
    channel: Channel,
    externalId: string,
    /** Narrows the lookup to one conversation row or one workspace (the same chat may exist in two). */
    scope?: { id?: string; workspaceId?: string },
  ): Promise<{
    id: string;
    workspaceId: string;
    personId: string | null;
    reference: Record<string, unknown>;
    lastInboundAt: Date | null;
  } | null>;
  /** Short dialogs and sent-message records for channels without threads or modals (WhatsApp). */
  state: ChannelState;
  /** CSV ticket import from a chat thread (issue 6): see src/csv-import/session.ts. */
  csv: CsvImportService;
  /** The alert a root message belongs to (thread continuity for replies). */
  alertForMessage(
    channel: Channel,
    rootMessageId: string,
  ): Promise<{ alertId: string; workspaceId: string } | null>;
}

export function createChatServices(deps: {
  pool: pg.Pool;
  engine: EngineDeps;
  cipher: Cipher;
  /** The ticket pipeline (CSV imports store through it); a private one when absent. */
  tickets?: TicketPipeline;
  publicUrl?: string | null;
  log?: { error(o: object, m?: string): void };
}): ChatServices {
  const { pool, engine, cipher } = deps;
  const sections: SettingsSection[] = [];

  async function resolvePerson(q: Parameters<ChatServices['resolvePerson']>[0]): Promise<Person | null> {
    const r = await resolveInboundActor(pool, {
      channel: q.channel,
      pinnedWorkspaceId: q.workspaceId,
      identities: [{ key: q.identityKey, value: q.identityValue }],
      email: q.email ?? null,
    });
    return r.kind === 'resolved' ? r.person : null;
  }

  const { command } = createCommands({ pool, engine });
  const { settingsForm, saveSettingsForm } = createSettingsForms({ pool });

  return {
    resolveActor: (q) => resolveInboundActor(pool, q),
    resolvePerson,
    state: createChannelState(pool, engine),
    csv: createCsvImportService({
      pool,
      tickets: deps.tickets ?? createTicketPipeline({ pool }),
      cipher,
      publicUrl: deps.publicUrl,
      log: deps.log,
    }),
    async saveInstallation(channel, externalId, workspaceId, data, installedBy) {
      await upsertChatInstallations(pool, [
        workspaceId,
        channel,
        externalId,
        cipher.encryptJson(data),
        installedBy ?? null,
      ]);
    },
    async findInstallation(channel, externalId) {
      const r = (
        await selectChatInstallationsWorkspaceIdDataEncByChannelExternalId(pool, [channel, externalId])
      ).rows[0];
      return r
        ? { workspaceId: r.workspace_id, data: cipher.decryptJson<Record<string, unknown>>(r.data_enc) }
        : null;
    },
    async installationForWorkspace(channel, workspaceId) {
      const r = (
        await selectChatInstallationsExternalIdDataEncByChannelWorkspaceId(pool, [channel, workspaceId])
      ).rows[0];
      return r
        ? { externalId: r.external_id, data: cipher.decryptJson<Record<string, unknown>>(r.data_enc) }
        : null;
    },
    async createWorkspaceForInstallation(q) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const ws = (await insertWorkspaces(client, [q.name])).rows[0];
        const bound = await upsertChatInstallations2(client, [
          ws.id,
          q.channel,
          q.externalId,
          cipher.encryptJson(q.data),
          q.installer.identityValue,
        ]);
        if (!bound.rowCount) {
          await client.query('ROLLBACK');
          const existing = await selectChatInstallationsWorkspaceIdByChannelExternalId(client, [
            q.channel,
            q.externalId,
          ]);
          return { workspaceId: existing.rows[0].workspace_id, created: false };
        }
        const i = q.installer;
        await insertPeople(client, [
          ws.id,
          `${q.channel}:${i.identityValue}`,
          i.name,
          i.email ?? null,
          i.timezone ?? 'UTC',
          JSON.stringify({ [q.channel]: { [i.identityKey]: i.identityValue } }),
        ]);
        await client.query('COMMIT');
        return { workspaceId: ws.id, created: true };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    async saveConversation(q) {
      await upsertConversations(pool, [
        q.workspaceId,
        q.channel,
        q.personId ?? null,
        q.role ?? null,
        q.externalId,
        JSON.stringify(q.reference ?? {}),
        q.inbound ?? false,
      ]);
    },
    async findConversation(channel, externalId, scope = {}) {
      const r = (
        await selectConversationsByChannelExternalId(pool, [
          channel,
          externalId,
          scope.id ?? null,
          scope.workspaceId ?? null,
        ])
      ).rows[0];
      return r
        ? {
            id: r.id,
            workspaceId: r.workspace_id,
            personId: r.person_id,
            reference: r.reference,
            lastInboundAt: r.last_inbound_at,
          }
        : null;
    },
    async alertForMessage(channel, rootMessageId) {
      const r = (
        await selectAlertThreadsAlertIdWorkspaceIdByChannelRootMessageId(pool, [channel, rootMessageId])
      ).rows[0];
      return r ? { alertId: r.alert_id, workspaceId: r.workspace_id } : null;
    },
    async workspaceForInstallation(channel, externalId) {
      const r = (await selectChatInstallationsWorkspaceIdByChannelExternalId(pool, [channel, externalId]))
        .rows[0];
      return r?.workspace_id ?? null;
    },
    async soleWorkspace() {
      const r = (await selectWorkspacesId(pool)).rows;
      return r.length === 1 ? r[0].id : null;
    },
    async act(q) {
      const parsed = actionParamsFromInputs(q.action, q.inputs ?? {}, q.actor);
      if (!parsed.ok) return { ok: false, code: 'invalid', message: parsed.message };
      return applyAction(engine, {
        workspaceId: q.workspaceId,
        alertId: q.alertId,
        action: q.action,
        actor: q.actor,
        source: { channel: q.channel, eventId: q.eventId },
        params: parsed.params,
      });
    },
    command,
    settingsForm: async (ws, actor, form, context) =>
      formWithSections(sections, await settingsForm(ws, actor, form, context), ws, actor),
    saveSettingsForm: (ws, actor, form, values, context) =>
      saveWithSections(
        sections,
        (v) => saveSettingsForm(ws, actor, form, v, context),
        form,
        values,
        ws,
        actor,
      ),
    addSettingsSection: (section) => void sections.push(section),
    async kick(channel) {
      await engine.scheduler.kick(deliverJob(channel));
    },
  };
}
