import type pg from 'pg';
import {
  applyAction,
  deliverJob,
  effectiveSettings,
  localDateTimeToUtc,
  mergeSettings,
  ROLE_LABELS,
  ROLES,
  SettingsValidationError,
  TIERS,
  InputError,
  type ActionName,
  type ActionResult,
  type Channel,
  type EngineDeps,
  type Person,
  type Role,
} from '../engine/index.js';
import { resolveInboundActor, type InboundActor, type InboundActorQuery } from './tenancy.js';
import { listCustomers, listPeople, upsertCustomers, upsertPeople } from '../store/directory.js';
import type { Cipher } from '../store/crypto.js';
import {
  formWithSections,
  saveWithSections,
  type FormModel,
  type FormResult,
  type SettingsSection,
} from '../channels/forms.js';
import { createChannelState, type ChannelState } from './channel-state.js';
import { createCsvImportService, type CsvImportService } from '../csv-import/session.js';
import { createTicketPipeline, type TicketPipeline } from '../tickets/pipeline.js';
import {
  customerIntelligenceLines,
  parsePlaybooksForm,
  parseSupportRiskForm,
  playbooksFormValue,
  supportRiskFormValue,
} from '../intelligence/service.js';
import { briefOnDemand } from '../brief/brief.js';
import {
  insertPeople,
  insertWorkspaces,
  selectAlertThreadsAlertIdWorkspaceIdByChannelRootMessageId,
  selectAlertsByWorkspaceIdStatus,
  selectAlertsTypeStatusByCustomerIdStatus,
  selectChatInstallationsExternalIdDataEncByChannelWorkspaceId,
  selectChatInstallationsWorkspaceIdByChannelExternalId,
  selectChatInstallationsWorkspaceIdDataEncByChannelExternalId,
  selectConversationsByChannelExternalId,
  selectCustomersArrDomainsByWorkspaceIdExternalId,
  selectCustomersCPNameByWorkspaceId,
  selectInvoicesByCustomerIdStatus,
  selectUsageReadingsUsedLimitMetricAtByCustomerId,
  selectWorkspacesId,
  selectWorkspacesSettingsById,
  selectWorkspacesSettingsTimezoneById,
  updateWorkspacesById,
  upsertChatInstallations,
  upsertChatInstallations2,
  upsertConversations,
} from '../store/chat.js';

/**
 * What every chat channel needs from the product, independent of the platform: who is this
 * user, apply an action, answer a command, show and save the settings forms.
 * Channels (src/bots/<channel>) get this object; they never touch the database directly.
 */
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
  command(workspaceId: string, person: Person | null, text: string): Promise<CommandReply>;
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

export interface CommandReply {
  kind: 'help' | 'alerts' | 'customer' | 'settings' | 'brief' | 'unknown';
  text: string;
  /** For `settings`: open this form (admins only). */
  openForm?: string;
  refused?: boolean;
}

export const HELP_TEXT = [
  '*Fincelo* — commands:',
  '• `settings` — thresholds, escalation, cooldown, people and customers (admins)',
  '• `alerts` — your open alerts',
  '• `customer <name>` — usage, invoices, open alerts, churn risk and playbook of a customer',
  '• `brief` — the CFO morning brief now',
  '• `help` — this list',
  'Act on an alert from its card: Acknowledge, Log Call, Schedule Follow-up, Reassign, Snooze 24h, Mark Resolved.',
].join('\n');

const isAdmin = (p: Person) => p.isAdmin || p.role === 'admin';

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

  async function command(workspaceId: string, person: Person | null, raw: string): Promise<CommandReply> {
    const text = raw.trim();
    const [word = 'help', ...rest] = text.split(/\s+/);
    const arg = rest.join(' ').trim();
    switch (word.toLowerCase()) {
      case '':
      case 'help':
        return { kind: 'help', text: HELP_TEXT };
      case 'settings':
        if (!person || !isAdmin(person)) {
          return {
            kind: 'settings',
            refused: true,
            text: 'Only workspace admins can change settings. Ask an admin, or see `help`.',
          };
        }
        return { kind: 'settings', text: 'Opening settings…', openForm: 'general' };
      case 'alerts':
        return { kind: 'alerts', text: await myAlerts(workspaceId, person) };
      case 'customer':
        if (!arg) return { kind: 'customer', text: 'Which customer? Try `customer Northwind`.' };
        return { kind: 'customer', text: await customerSummary(workspaceId, arg) };
      case 'brief':
        return { kind: 'brief', text: await briefOnDemand(pool, engine, workspaceId) };
      default:
        return { kind: 'unknown', text: `I don't know "${word}".\n${HELP_TEXT}` };
    }
  }

  async function myAlerts(workspaceId: string, person: Person | null): Promise<string> {
    if (!person)
      return "I don't know who you are in this workspace yet: ask an admin to add you (with your email) under People.";
    const rows = (await selectAlertsByWorkspaceIdStatus(pool, [workspaceId, person.id])).rows;
    if (rows.length === 0) return 'You have no open alerts. 🎉';
    const label = {
      usage_threshold: 'Usage',
      collections: 'Collections',
      support_risk: 'Support risk',
    } as Record<string, string>;
    return [
      `Your open alerts (${rows.length}):`,
      ...rows.map(
        (r) =>
          `• ${r.customer} — ${label[r.type] ?? r.type} — ${r.status} (alert ${String(r.id).slice(0, 8)})`,
      ),
    ].join('\n');
  }

  async function customerSummary(workspaceId: string, name: string): Promise<string> {
    const c = (await selectCustomersCPNameByWorkspaceId(pool, [workspaceId, name])).rows[0];
    if (!c) return `No customer matches "${name}".`;
    const usage = (await selectUsageReadingsUsedLimitMetricAtByCustomerId(pool, [c.id])).rows[0];
    const invoices = (await selectInvoicesByCustomerIdStatus(pool, [c.id])).rows;
    const alerts = (await selectAlertsTypeStatusByCustomerIdStatus(pool, [c.id])).rows;
    const lines = [
      `*${c.name}* — tier ${c.tier}, CSM ${c.csm ?? 'unassigned'}${c.arr ? `, ARR ${Number(c.arr).toLocaleString('en-US')}` : ''}`,
    ];
    lines.push(
      usage
        ? `Usage: ${Math.round((usage.used / usage.limit) * 100)}% of ${usage.metric} (${usage.used} / ${usage.limit})`
        : 'Usage: no readings yet',
    );
    lines.push(
      invoices.length
        ? `Open invoices: ${invoices.map((i) => `${i.external_id} ${Number(i.amount).toFixed(2)} ${i.currency} due ${i.due}`).join('; ')}`
        : 'Open invoices: none',
    );
    lines.push(
      alerts.length
        ? `Open alerts: ${alerts.map((a) => `${a.type} (${a.status})`).join(', ')}`
        : 'Open alerts: none',
    );
    lines.push(...(await customerIntelligenceLines(pool, workspaceId, c.id)));
    return lines.join('\n');
  }

  async function settingsForm(
    workspaceId: string,
    actor: Person,
    form: string,
    context: Record<string, string> = {},
  ): Promise<FormModel | { refused: string }> {
    if (!isAdmin(actor)) return { refused: 'Only workspace admins can change settings.' };
    const row = (await selectWorkspacesSettingsTimezoneById(pool, [workspaceId])).rows[0];
    const s = effectiveSettings(row?.settings, row?.timezone);
    const people = await listPeople(pool, workspaceId);
    const personOptions = [
      { value: '', label: '— none —' },
      ...people.map((p) => ({ value: p.externalId, label: `${p.name} (${ROLE_LABELS[p.role]})` })),
    ];
    if (form === 'person') {
      const p = context.externalId ? people.find((x) => x.externalId === context.externalId) : undefined;
      const manager = p?.managerId ? people.find((x) => x.id === p.managerId) : undefined;
      return {
        form: 'person',
        title: p ? `Edit ${p.name}` : 'Add a person',
        submitLabel: 'Save person',
        context: p ? { externalId: p.externalId } : {},
        fields: [
          {
            id: 'externalId',
            label: 'ID (your HR or CRM id)',
            type: 'text',
            value: p?.externalId ?? '',
            hint: 'e.g. csm-42; cannot change later',
          },
          { id: 'name', label: 'Name', type: 'text', value: p?.name ?? '' },
          {
            id: 'email',
            label: 'Email',
            type: 'text',
            value: p?.email ?? '',
            optional: true,
            hint: 'used to find them in Slack, Teams, Google Chat',
          },
          {
            id: 'role',
            label: 'Role',
            type: 'select',
            value: p?.role ?? 'csm',
            options: ROLES.map((r) => ({ value: r, label: ROLE_LABELS[r] })),
          },
          {
            id: 'managerExternalId',
            label: 'Manager',
            type: 'select',
            value: manager?.externalId ?? '',
            options: personOptions,
            optional: true,
          },
          {
            id: 'timezone',
            label: 'Time zone',
            type: 'text',
            value: p?.timezone ?? s.timezone,
            hint: 'IANA name, e.g. Europe/London',
          },
        ],
      };
    }
    if (form === 'customer') {
      const customers = await listCustomers(pool, workspaceId);
      const c = context.externalId ? customers.find((x) => x.externalId === context.externalId) : undefined;
      const csm = c?.csmId ? people.find((x) => x.id === c.csmId) : undefined;
      return {
        form: 'customer',
        title: c ? `Edit ${c.name}` : 'Add a customer',
        submitLabel: 'Save customer',
        context: c ? { externalId: c.externalId } : {},
        fields: [
          { id: 'externalId', label: 'ID (your CRM id)', type: 'text', value: c?.externalId ?? '' },
          { id: 'name', label: 'Name', type: 'text', value: c?.name ?? '' },
          {
            id: 'tier',
            label: 'Tier',
            type: 'select',
            value: c?.tier ?? 'good',
            options: TIERS.map((t) => ({ value: t, label: t[0]!.toUpperCase() + t.slice(1) })),
          },
          {
            id: 'csmExternalId',
            label: 'CSM',
            type: 'select',
            value: csm?.externalId ?? '',
            options: personOptions.filter(
              (o) => o.value === '' || people.find((p) => p.externalId === o.value)?.role === 'csm',
            ),
          },
        ],
      };
    }
    return {
      form: 'general',
      title: 'Fincelo settings',
      submitLabel: 'Save',
      fields: [
        ...TIERS.map((t) => ({
          id: `threshold.${t}`,
          label: `${t[0]!.toUpperCase() + t.slice(1)} threshold (%)`,
          type: 'number' as const,
          value: String(s.usageThresholds[t]),
        })),
        ...TIERS.map((t) => ({
          id: `framing.${t}`,
          label: `${t[0]!.toUpperCase() + t.slice(1)} framing`,
          type: 'text' as const,
          value: `${s.framing[t].emoji} ${s.framing[t].label}`.trim(),
        })),
        {
          id: 'collectionsOverdueDays',
          label: 'Collections: days overdue before alerting',
          type: 'number',
          value: String(s.collectionsOverdueDays),
        },
        {
          id: 'escalation',
          label: 'Escalation steps (one per line: role after)',
          type: 'textarea',
          value: s.escalation.map((e) => `${e.role} ${e.after}`).join('\n'),
          hint: `roles: csm, csm_manager, vp_cs, cfo; delays like 0s, 90s, 15m, 24h, or business hours like 24bh`,
        },
        { id: 'cooldown', label: 'Cooldown', type: 'text', value: s.cooldown, hint: 'e.g. 24h' },
        {
          id: 'ackTimeout',
          label: 'Escalation resumes after Acknowledge in',
          type: 'text',
          value: s.ackTimeout,
        },
        { id: 'snooze', label: 'Snooze length', type: 'text', value: s.snooze },
        { id: 'briefTime', label: 'CFO morning brief time (HH:MM)', type: 'text', value: s.briefTime },
        { id: 'timezone', label: 'Workspace time zone', type: 'text', value: s.timezone },
        // Issue 20: escalation policy (src/engine/policy). Each person's own time zone applies.
        {
          id: 'workingHours',
          label: 'Working hours (empty = deliver at any hour)',
          type: 'text',
          value: s.workingHours ?? '',
          hint: 'e.g. Mon-Fri 09:00-18:00; default: none',
        },
        {
          id: 'holidays',
          label: 'Holidays (comma-separated dates)',
          type: 'text',
          value: s.holidays.join(', '),
          hint: 'e.g. 2026-12-25, 2027-01-01; default: none',
        },
        {
          id: 'quietWindows',
          label: 'Quiet windows (one per line: days from-to)',
          type: 'textarea',
          value: s.quietWindows
            .map((w) => ('days' in w ? `${w.days} ${w.from}-${w.to}` : ''))
            .filter(Boolean)
            .join('\n'),
          hint: 'e.g. Sat-Sun 00:00-24:00; default: none. Bypass rule: API quietBypass',
        },
        {
          id: 'supportRisk',
          label: 'Ticket scores that raise a support-risk alert',
          type: 'textarea',
          value: supportRiskFormValue(s),
          hint: 'sentiments: hostile, distressed, frustrated… / categories: legal_threat, cancellation_request…',
        },
        {
          id: 'playbooks',
          label: 'Playbooks (one line per category: step | step)',
          type: 'textarea',
          value: playbooksFormValue(s),
        },
      ],
    };
  }

  async function saveSettingsForm(
    workspaceId: string,
    actor: Person,
    form: string,
    values: Record<string, string>,
    context: Record<string, string> = {},
  ): Promise<FormResult> {
    if (!isAdmin(actor))
      return { ok: false, errors: {}, message: 'Only workspace admins can change settings.' };
    const v = (k: string) => (values[k] ?? '').trim();
    try {
      if (form === 'person') {
        const errors: Record<string, string> = {};
        const externalId = context.externalId ?? v('externalId');
        if (!externalId) errors.externalId = 'Give the person an id, e.g. csm-42.';
        if (!v('name')) errors.name = 'Name is required.';
        if (v('email') && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v('email')))
          errors.email = 'That is not an email address.';
        if (!(ROLES as readonly string[]).includes(v('role')))
          errors.role = `Choose one of ${ROLES.join(', ')}.`;
        try {
          if (v('timezone')) new Intl.DateTimeFormat('en', { timeZone: v('timezone') });
        } catch {
          errors.timezone = 'Unknown time zone: use an IANA name such as Europe/London.';
        }
        if (v('managerExternalId') && v('managerExternalId') === externalId)
          errors.managerExternalId = 'Someone cannot be their own manager.';
        if (Object.keys(errors).length) return { ok: false, errors };
        await upsertPeople(pool, workspaceId, [
          {
            externalId,
            name: v('name'),
            email: v('email') || null,
            role: v('role') as Role,
            managerExternalId: v('managerExternalId') || null,
            timezone: v('timezone') || undefined,
          },
        ]);
        return { ok: true, message: `Saved ${v('name')}.` };
      }
      if (form === 'customer') {
        const errors: Record<string, string> = {};
        const externalId = context.externalId ?? v('externalId');
        if (!externalId) errors.externalId = 'Give the customer an id.';
        if (!v('name')) errors.name = 'Name is required.';
        if (!(TIERS as readonly string[]).includes(v('tier')))
          errors.tier = `Choose one of ${TIERS.join(', ')}.`;
        if (Object.keys(errors).length) return { ok: false, errors };
        const existing = (
          await selectCustomersArrDomainsByWorkspaceIdExternalId(pool, [workspaceId, externalId])
        ).rows[0];
        await upsertCustomers(pool, workspaceId, [
          {
            externalId,
            name: v('name'),
            tier: v('tier') as (typeof TIERS)[number],
            csmExternalId: v('csmExternalId') || null,
            arr: existing?.arr == null ? null : Number(existing.arr),
            domains: existing?.domains ?? [],
          },
        ]);
        return { ok: true, message: `Saved ${v('name')}.` };
      }
      const patch: Record<string, unknown> = {};
      const errors: Record<string, string> = {};
      const thresholds: Record<string, unknown> = {};
      const framing: Record<string, unknown> = {};
      for (const t of TIERS) {
        if (values[`threshold.${t}`] !== undefined) {
          const n = Number(v(`threshold.${t}`));
          if (!v(`threshold.${t}`) || !Number.isFinite(n))
            errors[`threshold.${t}`] = 'Enter a number, e.g. 80.';
          else thresholds[t] = n;
        }
        if (values[`framing.${t}`] !== undefined) {
          const m = /^(\p{Extended_Pictographic}\uFE0F?)?\s*(.*)$/u.exec(v(`framing.${t}`))!;
          framing[t] = { emoji: m[1] ?? '', label: m[2] ?? '' };
        }
      }
      if (Object.keys(thresholds).length) patch.usageThresholds = thresholds;
      if (Object.keys(framing).length) patch.framing = framing;
      if (values.collectionsOverdueDays !== undefined) {
        const n = Number(v('collectionsOverdueDays'));
        patch.collectionsOverdueDays = v('collectionsOverdueDays') === '' ? NaN : n;
      }
      if (values.escalation !== undefined) {
        const steps = v('escalation')
          .split(/\n+/)
          .map((l) => l.trim())
          .filter(Boolean)
          .map((l) => {
            const [role, after = ''] = l.split(/[\s,:]+/);
            return { role, after };
          });
        patch.escalation = steps;
      }
      for (const k of ['cooldown', 'ackTimeout', 'snooze', 'briefTime', 'timezone'])
        if (values[k] !== undefined) patch[k] = v(k);
      if (values.workingHours !== undefined) patch.workingHours = v('workingHours') || null;
      if (values.holidays !== undefined)
        patch.holidays = v('holidays')
          .split(/[\s,]+/)
          .filter(Boolean);
      if (values.quietWindows !== undefined) {
        // Keep the one-off windows (API only); the form edits the weekly ones.
        const oneOff = effectiveSettings(
          (await selectWorkspacesSettingsById(pool, [workspaceId])).rows[0]?.settings,
        ).quietWindows.filter((w) => 'start' in w);
        patch.quietWindows = [
          ...oneOff,
          ...v('quietWindows')
            .split(/\n+/)
            .map((l) => l.trim())
            .filter(Boolean)
            .map((l) => {
              const [days = '', span = ''] = l.split(/\s+/);
              const [from = '', to = ''] = span.split('-');
              return { days, from, to };
            }),
        ];
      }
      if (values.supportRisk !== undefined) patch.supportRisk = parseSupportRiskForm(v('supportRisk'));
      if (values.playbooks !== undefined) patch.playbooks = parsePlaybooksForm(v('playbooks'));
      const row = (await selectWorkspacesSettingsTimezoneById(pool, [workspaceId])).rows[0];
      let next;
      try {
        next = mergeSettings(effectiveSettings(row?.settings, row?.timezone), patch);
      } catch (err) {
        if (!(err instanceof SettingsValidationError)) throw err;
        for (const [k, msg] of Object.entries(err.fields)) {
          const step = /^escalation\.(\d+)/.exec(k);
          errors[formFieldFor(k)] ??= step ? `Line ${Number(step[1]) + 1}: ${msg}` : msg;
        }
      }
      if (Object.keys(errors).length || !next) return { ok: false, errors };
      await updateWorkspacesById(pool, [workspaceId, JSON.stringify(next), next.timezone]);
      return {
        ok: true,
        message: 'Settings saved. Alerts already running keep the escalation chain they started with.',
      };
    } catch (err) {
      if (err instanceof InputError)
        return {
          ok: false,
          errors: Object.fromEntries(Object.entries(err.details).map(([k, m]) => [k, m])),
          message: err.message,
        };
      throw err;
    }
  }

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
      const inputs = q.inputs ?? {};
      let dueAt = inputs.dueAt;
      if (q.action === 'schedule_follow_up' && !dueAt && inputs.date) {
        const utc = localDateTimeToUtc(inputs.date, inputs.time || '09:00', q.actor.timezone);
        if (!utc) return { ok: false, code: 'invalid', message: 'That date or time is not valid.' };
        dueAt = utc.toISOString();
      }
      const result = await applyAction(engine, {
        workspaceId: q.workspaceId,
        alertId: q.alertId,
        action: q.action,
        actor: q.actor,
        source: { channel: q.channel, eventId: q.eventId },
        params: {
          outcome: inputs.outcome,
          notes: inputs.notes,
          title: inputs.title,
          dueAt,
          toPersonId: inputs.toPersonId,
          toPersonExternalId: inputs.toPersonExternalId,
          duration: inputs.duration,
          note: inputs.note,
        },
      });
      return result;
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

/** Maps a settings path from mergeSettings (usageThresholds.good, escalation.1.after) to the form field. */
function formFieldFor(path: string): string {
  const [head, sub] = path.split('.');
  if (head === 'usageThresholds' && sub) return `threshold.${sub}`;
  if (head === 'framing' && sub) return `framing.${sub}`;
  if (head === 'escalation') return 'escalation';
  return head ?? path;
}
