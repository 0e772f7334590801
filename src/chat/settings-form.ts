import { STEP_CHANNEL_FORMATS } from '../channels/step-channels.js';
import type pg from 'pg';
import {
  effectiveSettings,
  mergeSettings,
  ROLE_LABELS,
  ROLES,
  SettingsValidationError,
  TIERS,
  InputError,
  type Person,
} from '../engine/index.js';
import { listCustomers, listPeople, upsertCustomers } from '../store/directory.js';
import { type FormModel, type FormResult } from '../channels/forms.js';
import { personForm, savePersonForm } from './person-form.js';
import { linesToWindows, windowsToLines } from './quiet-window-lines.js';
import {
  parsePlaybooksForm,
  parseSupportRiskForm,
  playbooksFormValue,
  supportRiskFormValue,
} from '../intelligence/service.js';
import {
  selectCustomersArrDomainsByWorkspaceIdExternalId,
  selectWorkspacesSettingsById,
  selectWorkspacesSettingsTimezoneById,
  updateWorkspacesById,
} from '../store/chat.js';

/**
 * What every chat channel needs from the product, independent of the platform: who is this
 * user, apply an action, answer a command, show and save the settings forms.
 * Channels (src/bots/<channel>) get this object; they never touch the database directly.
 */

const isAdmin = (p: Person) => p.isAdmin || p.role === 'admin';

/**
 * The settings forms every channel renders (`/fincelo settings`): the general form, escalation,
 * thresholds and their saves. Channel-agnostic: channels render the FormModel (src/channels/forms.ts).
 */
export function createSettingsForms(deps: { pool: pg.Pool }) {
  const { pool } = deps;

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
    if (form === 'person') return personForm(people, s, context.externalId);
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
          value: s.escalation.map((e) => `${'channel' in e ? e.channel : e.role} ${e.after}`).join('\n'),
          hint: `roles: csm, csm_manager, vp_cs, cfo, or a channel such as slack:C0123ABCD; delays like 0s, 90s, 15m, 24h, or business hours like 24bh`,
        },
        {
          id: 'cooldown',
          label: 'Cooldown',
          type: 'text',
          value: s.cooldown,
          hint: 'e.g. 24h (default); triggers it absorbs are counted on the card ("3 more readings …")',
        },
        {
          id: 'ackTimeout',
          label: 'Escalation resumes after Acknowledge in',
          type: 'text',
          value: s.ackTimeout,
        },
        {
          id: 'snooze',
          label: 'Snooze length',
          type: 'text',
          value: s.snooze,
          hint: 'e.g. 24h (default): the card’s “For …” snooze; its other choices wait for the next business morning, the customer’s reply, or payment',
        },
        {
          id: 'deliveryExpiry',
          label: 'Drop messages not delivered within',
          type: 'text',
          value: s.deliveryExpiry,
          hint: 'e.g. 24h (default); at least 5s',
        },
        { id: 'briefTime', label: 'CFO morning brief time (HH:MM)', type: 'text', value: s.briefTime },
        {
          id: 'digests.csmDaily',
          label: 'CSM daily digest time (empty = off)',
          type: 'text',
          value: s.digests.csmDaily ?? '',
          hint: "HH:MM in each CSM's time zone, e.g. 08:30; default: off",
        },
        {
          id: 'digests.managerWeekly',
          label: 'Manager weekly digest (empty = off)',
          type: 'text',
          value: s.digests.managerWeekly ?? '',
          hint: "weekday and time in each manager's time zone, e.g. Mon 09:00; default: off",
        },
        {
          id: 'channelCaps.whatsapp',
          label: 'WhatsApp messages per month (empty = no cap)',
          type: 'text',
          value: s.channelCaps.whatsapp?.monthlyCap ? String(s.channelCaps.whatsapp.monthlyCap) : '',
          hint: 'past it, people get their alerts on their other channel until the month ends; default: no cap',
        },
        // Issue 21 item 3: the data-feed heartbeat (engine/feeds.ts); admins get feed_stale alerts.
        {
          id: 'feeds.usage',
          label: 'Usage readings expected every (empty = not watched)',
          type: 'text',
          value: s.feeds.usage?.expectedEvery ?? '',
          hint: 'e.g. 1d: silent longer, the admins get a "data feed silent" alert; at least 10s; default: not watched',
        },
        {
          id: 'feeds.invoices',
          label: 'Invoices expected every (empty = not watched)',
          type: 'text',
          value: s.feeds.invoices?.expectedEvery ?? '',
          hint: 'e.g. 7d; at least 10s; default: not watched',
        },
        {
          id: 'feeds.connectors',
          label: 'Connector syncs expected every (one per line: connector id or platform, duration)',
          type: 'textarea',
          value: Object.entries(s.feeds.connectors ?? {})
            .map(([k, c]) => `${k} ${c.expectedEvery}`)
            .join('\n'),
          hint: 'e.g. zendesk 2h; default: none watched',
        },
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
          value: windowsToLines(s.quietWindows),
          hint: 'e.g. Sat-Sun 00:00-24:00; default: none. An alert matching the bypass below still goes out',
        },
        {
          id: 'quietBypass.arrAtLeast',
          label: 'Quiet-window bypass: ARR at least (empty = no ARR rule)',
          type: 'text',
          value: s.quietBypass?.arrAtLeast !== undefined ? String(s.quietBypass.arrAtLeast) : '',
          optional: true,
          hint: 'e.g. 100000; default: none',
        },
        {
          id: 'quietBypass.overdueDaysAtLeast',
          label: 'Quiet-window bypass: invoice overdue at least (days)',
          type: 'text',
          value:
            s.quietBypass?.overdueDaysAtLeast !== undefined ? String(s.quietBypass.overdueDaysAtLeast) : '',
          optional: true,
          hint: 'e.g. 30; default: none',
        },
        {
          id: 'quietBypass.categories',
          label: 'Quiet-window bypass: ticket categories',
          type: 'text',
          value: (s.quietBypass?.categories ?? []).join(', '),
          optional: true,
          hint: 'comma-separated, e.g. legal_threat, security_concern; default: none',
        },
        {
          id: 'reassignResponse',
          label: 'Reassigned alert: new owner must respond within (empty = chain restarts)',
          type: 'text',
          value: s.reassignResponse ?? '',
          optional: true,
          hint: "e.g. 4h: then the chain resumes from the new owner's manager; default: none",
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
      if (form === 'person')
        return await savePersonForm(pool, workspaceId, await listPeople(pool, workspaceId), values, context);
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
            // `slack:C0123ABCD 24h` is a role channel (issue 20 item 6); `vp_cs 48h` a role.
            const [who = '', after = ''] = l.split(/[\s,]+/);
            const prefix = who.split(':')[0]!.toLowerCase();
            if (who.includes(':') && !(ROLES as readonly string[]).includes(prefix))
              return { channel: who, after };
            const [role, delay = ''] = l.split(/[\s,:]+/);
            return { role, after: delay };
          });
        patch.escalation = steps;
      }
      for (const k of ['cooldown', 'ackTimeout', 'snooze', 'deliveryExpiry', 'briefTime', 'timezone'])
        if (values[k] !== undefined) patch[k] = v(k);
      if (values['digests.csmDaily'] !== undefined || values['digests.managerWeekly'] !== undefined) {
        const d: Record<string, string | null> = {};
        if (values['digests.csmDaily'] !== undefined) d.csmDaily = v('digests.csmDaily') || null;
        if (values['digests.managerWeekly'] !== undefined)
          d.managerWeekly = v('digests.managerWeekly') || null;
        patch.digests = d;
      }
      if (values['channelCaps.whatsapp'] !== undefined) {
        const cap = v('channelCaps.whatsapp');
        patch.channelCaps = { whatsapp: cap === '' ? null : { monthlyCap: Number(cap) } };
      }
      if (
        values['feeds.usage'] !== undefined ||
        values['feeds.invoices'] !== undefined ||
        values['feeds.connectors'] !== undefined
      ) {
        const f: Record<string, unknown> = {};
        for (const k of ['usage', 'invoices'] as const)
          if (values[`feeds.${k}`] !== undefined)
            f[k] = v(`feeds.${k}`) ? { expectedEvery: v(`feeds.${k}`) } : null;
        if (values['feeds.connectors'] !== undefined) {
          const lines = v('feeds.connectors')
            .split(/\n+/)
            .map((l) => l.trim())
            .filter(Boolean);
          // The list replaces the stored one: a connector no longer listed stops being watched.
          const stored = effectiveSettings(
            (await selectWorkspacesSettingsById(pool, [workspaceId])).rows[0]?.settings,
          ).feeds.connectors;
          const cs: Record<string, unknown> = Object.fromEntries(
            Object.keys(stored ?? {}).map((k) => [k, null]),
          );
          for (const l of lines) {
            const [key = '', every = ''] = l.split(/\s+/);
            cs[key] = { expectedEvery: every };
          }
          f.connectors = cs;
        }
        patch.feeds = f;
      }
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
        patch.quietWindows = [...oneOff, ...linesToWindows(v('quietWindows'))];
      }
      const bypassKeys = ['arrAtLeast', 'overdueDaysAtLeast', 'categories'] as const;
      if (bypassKeys.some((k) => values[`quietBypass.${k}`] !== undefined)) {
        const rule: Record<string, unknown> = {};
        for (const k of bypassKeys) {
          const raw = v(`quietBypass.${k}`);
          if (!raw) continue;
          if (k === 'categories') rule.categories = raw.split(/[\s,]+/).filter(Boolean);
          else if (Number.isFinite(Number(raw))) rule[k] = Number(raw);
          else errors[`quietBypass.${k}`] = 'Enter a number, e.g. 30.';
        }
        patch.quietBypass = Object.keys(rule).length ? rule : null;
      }
      if (values.reassignResponse !== undefined) patch.reassignResponse = v('reassignResponse') || null;
      if (values.supportRisk !== undefined) patch.supportRisk = parseSupportRiskForm(v('supportRisk'));
      if (values.playbooks !== undefined) patch.playbooks = parsePlaybooksForm(v('playbooks'));
      const row = (await selectWorkspacesSettingsTimezoneById(pool, [workspaceId])).rows[0];
      let next;
      try {
        next = mergeSettings(effectiveSettings(row?.settings, row?.timezone), patch, {
          stepChannels: STEP_CHANNEL_FORMATS,
        });
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

  return { settingsForm, saveSettingsForm };
}

/** Maps a settings path from mergeSettings (usageThresholds.good, escalation.1.after) to the form field. */
function formFieldFor(path: string): string {
  const [head, sub] = path.split('.');
  if (head === 'usageThresholds' && sub) return `threshold.${sub}`;
  if (head === 'framing' && sub) return `framing.${sub}`;
  if (head === 'escalation') return 'escalation';
  if (head === 'quietBypass' && sub) return path;
  if (head === 'feeds' && sub) return `feeds.${sub}`; // feeds.usage.expectedEvery → the usage field
  return head ?? path;
}
