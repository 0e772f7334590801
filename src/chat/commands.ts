import type pg from 'pg';
import { applyToEach, type Channel, type EngineDeps, type Person } from '../engine/index.js';
import { customerIntelligenceLines } from '../intelligence/service.js';
import { briefOnDemand } from '../brief/brief.js';
import { escalationTestReply } from './escalation-test.js';
import { digestOptedOut, setDigestOptOut } from '../store/digests.js';
import { openAlertIdsOfCustomer } from '../store/alert-views.js';
import {
  selectAlertsByWorkspaceIdStatus,
  selectAlertsTypeStatusByCustomerIdStatus,
  selectCustomersCPNameByWorkspaceId,
  selectInvoicesByCustomerIdStatus,
  selectUsageReadingsUsedLimitMetricAtByCustomerId,
} from '../store/chat.js';

/**
 * The typed commands every channel answers (`help`, `settings`, `alerts`, `customer <name>`,
 * `brief`, `ack all|resolve all <customer>`, `digest off|on`): one place, so a channel only
 * passes the text through (ChatServices.command).
 */
export interface CommandReply {
  kind: 'help' | 'alerts' | 'customer' | 'settings' | 'brief' | 'digest' | 'bulk' | 'escalation' | 'unknown';
  text: string;
  /** For `settings`: open this form (admins only). */
  openForm?: string;
  refused?: boolean;
}

export const HELP_TEXT = [
  '*Fincelo* — commands:',
  '• `settings` — thresholds, escalation, cooldown, people and customers (admins)',
  '• `alerts` — your open alerts',
  '• `ack all <customer>` / `resolve all <customer>` — every open alert of that customer at once',
  '• `customer <name>` — usage, invoices, open alerts, churn risk and playbook of a customer',
  '• `brief` — the CFO morning brief now',
  '• `escalation test <customer>` — who would be notified when, on which channel (sends nothing)',
  '• `digest off` / `digest on` — stop or restart your daily (CSM) or weekly (manager) digest',
  '• `help` — this list',
  'Act on an alert from its card: Acknowledge, Log Call, Schedule Follow-up, Reassign, Snooze 24h, Mark Resolved.',
].join('\n');

const isAdmin = (p: Person) => p.isAdmin || p.role === 'admin';

export function createCommands(deps: { pool: pg.Pool; engine: EngineDeps }) {
  const { pool, engine } = deps;

  async function command(
    workspaceId: string,
    person: Person | null,
    raw: string,
    via?: Channel,
  ): Promise<CommandReply> {
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
      case 'ack':
      case 'acknowledge':
      case 'resolve':
        return {
          kind: 'bulk',
          text: await bulkCommand(
            workspaceId,
            person,
            word.toLowerCase() === 'resolve' ? 'resolve' : 'acknowledge',
            rest,
            via,
          ),
        };
      case 'escalation': // issue 20: the dry run in chat
        return {
          kind: 'escalation',
          text: await escalationTestReply({ pool, engine }, workspaceId, person, arg),
        };
      case 'digest':
      case 'digests':
        return { kind: 'digest', text: await digestSwitch(workspaceId, person, arg.toLowerCase()) };
      default:
        return { kind: 'unknown', text: `I don't know "${word}".\n${HELP_TEXT}` };
    }
  }

  /**
   * `ack all <customer>` / `resolve all <customer>` (issue 21 item 5, the chat half of
   * POST /api/v1/alerts/actions): each open alert of the customer once, with one-click permissions.
   */
  async function bulkCommand(
    workspaceId: string,
    person: Person | null,
    action: 'acknowledge' | 'resolve',
    rest: string[],
    via: Channel | undefined,
  ): Promise<string> {
    const verb = action === 'resolve' ? 'resolve' : 'ack';
    if (rest[0]?.toLowerCase() !== 'all' || !rest.slice(1).join(' ').trim())
      return `Act on an alert from its card, or on all of a customer's: \`${verb} all <customer>\`, e.g. \`${verb} all Northwind\`.`;
    if (!person)
      return "I don't know who you are in this workspace yet: ask an admin to add you (with your email) under People.";
    const name = rest.slice(1).join(' ').trim();
    const c = (await selectCustomersCPNameByWorkspaceId(pool, [workspaceId, name])).rows[0];
    if (!c) return `No customer matches "${name}".`;
    const ids = await openAlertIdsOfCustomer(pool, workspaceId, c.external_id);
    if (!ids?.length) return `${c.name} has no open alert.`;
    const results = await applyToEach(engine, {
      workspaceId,
      alertIds: ids,
      action,
      actor: person,
      source: { channel: via ?? 'api' },
    });
    const done = results.filter((r) => r.outcome === 'acknowledged' || r.outcome === 'resolved').length;
    const already = results.filter((r) => r.outcome === 'already').length;
    const refused = results.filter((r) => r.outcome === 'forbidden' || r.outcome === 'refused');
    const past = action === 'resolve' ? 'Resolved' : 'Acknowledged';
    const n = (k: number) => `${k} alert${k === 1 ? '' : 's'}`;
    return [
      done ? `${past} ${n(done)} of ${c.name}.` : `Nothing to ${action} for ${c.name}.`,
      ...(already ? [`${n(already)} already ${action === 'resolve' ? 'resolved' : 'acknowledged'}.`] : []),
      ...(refused.length ? [`${n(refused.length)} not changed: ${refused[0]!.message}`] : []),
    ].join(' ');
  }

  /** `digest off|on`: a person's own opt-out of the CSM / manager digests (src/brief/digests.ts). */
  async function digestSwitch(workspaceId: string, person: Person | null, arg: string): Promise<string> {
    if (!person)
      return "I don't know who you are in this workspace yet: ask an admin to add you (with your email) under People.";
    if (arg === 'off' || arg === 'on') {
      await setDigestOptOut(pool, workspaceId, person.id, arg === 'off');
      return arg === 'off'
        ? 'Your digests are off. Send `digest on` to get them again.'
        : 'Your digests are on again (when an admin has set their time under `settings`).';
    }
    const off = await digestOptedOut(pool, workspaceId, person.id);
    return `Your digests are ${off ? 'off' : 'on'}. Send \`digest ${off ? 'on' : 'off'}\` to turn them ${off ? 'on' : 'off'}.`;
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
      feed_stale: 'Data feed silent',
    } as Record<string, string>;
    // Bulk actions are per customer: a workspace-level alert (a silent data feed) has none.
    const customers = [...new Set(rows.filter((r) => !r.workspace_level).map((r) => String(r.customer)))];
    return [
      `Your open alerts (${rows.length}):`,
      ...rows.map(
        (r) =>
          `• ${r.customer} — ${label[r.type] ?? r.type} — ${r.status} (alert ${String(r.id).slice(0, 8)})`,
      ),
      ...(customers.length
        ? [`All of one customer's at once: \`ack all ${customers[0]}\` or \`resolve all ${customers[0]}\`.`]
        : []),
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

  return { command };
}
