/**
 * The person dialog of `/fincelo settings person <id>` (every channel renders this FormModel):
 * who they are, their manager and time zone, and their escalation policy (issue 20): their own
 * working hours and the fallback channel a card not acted on is re-sent to.
 */
import type pg from 'pg';
import {
  CHANNELS,
  DEFAULT_FALLBACK_AFTER,
  parseDurationMs,
  parseQuietWindows,
  parseWorkingHours,
  ROLE_LABELS,
  ROLES,
  WORKING_HOURS_HELP,
  type Channel,
  type Person,
  type Role,
  type WorkspaceSettings,
} from '../engine/index.js';
import { upsertPeople } from '../store/directory.js';
import type { FormModel, FormResult } from '../channels/forms.js';
import { linesToWindows, windowsToLines } from './quiet-window-lines.js';

export function personForm(people: Person[], s: WorkspaceSettings, externalId?: string): FormModel {
  const p = externalId ? people.find((x) => x.externalId === externalId) : undefined;
  const manager = p?.managerId ? people.find((x) => x.id === p.managerId) : undefined;
  const personOptions = [
    { value: '', label: '— none —' },
    ...people.map((x) => ({ value: x.externalId, label: `${x.name} (${ROLE_LABELS[x.role]})` })),
  ];
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
      {
        id: 'workingHours',
        label: 'Working hours (empty = the workspace’s)',
        type: 'text',
        value: p?.workingHours ?? '',
        optional: true,
        hint: `e.g. Mon-Fri 09:00-18:00 in their time zone; default: the workspace’s (${s.workingHours ?? 'none: any hour'})`,
      },
      {
        id: 'quietWindows',
        label: 'Their quiet windows (one per line: days from-to)',
        type: 'textarea',
        value: windowsToLines(p?.quietWindows ?? []),
        optional: true,
        hint: 'e.g. Fri 13:00-24:00, on top of the workspace’s; default: none',
      },
      {
        id: 'fallbackChannel',
        label: 'Fallback channel',
        type: 'select',
        value: p?.fallbackChannel ?? '',
        options: [{ value: '', label: '— none —' }, ...CHANNELS.map((c) => ({ value: c, label: c }))],
        optional: true,
        hint: 'a card not acted on is sent there once; default: none',
      },
      {
        id: 'fallbackAfter',
        label: 'Fallback after',
        type: 'text',
        value: p?.fallbackAfter ?? '',
        optional: true,
        hint: `e.g. 30m; default: ${DEFAULT_FALLBACK_AFTER}`,
      },
    ],
  };
}

/** The first line (1-based) named by errors keyed `quietWindows.N.<field>`. */
const lineOf = (errors: Record<string, string>) =>
  Math.min(...Object.keys(errors).map((k) => Number(/\.(\d+)/.exec(k)?.[1] ?? 0))) + 1;

export async function savePersonForm(
  pool: pg.Pool,
  workspaceId: string,
  people: Person[],
  values: Record<string, string>,
  context: Record<string, string>,
): Promise<FormResult> {
  const v = (k: string) => (values[k] ?? '').trim();
  const errors: Record<string, string> = {};
  const externalId = context.externalId ?? v('externalId');
  if (!externalId) errors.externalId = 'Give the person an id, e.g. csm-42.';
  if (!v('name')) errors.name = 'Name is required.';
  if (v('email') && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v('email')))
    errors.email = 'That is not an email address.';
  if (!(ROLES as readonly string[]).includes(v('role'))) errors.role = `Choose one of ${ROLES.join(', ')}.`;
  try {
    if (v('timezone')) new Intl.DateTimeFormat('en', { timeZone: v('timezone') });
  } catch {
    errors.timezone = 'Unknown time zone: use an IANA name such as Europe/London.';
  }
  if (v('managerExternalId') && v('managerExternalId') === externalId)
    errors.managerExternalId = 'Someone cannot be their own manager.';
  if (v('workingHours') && !parseWorkingHours(v('workingHours')))
    errors.workingHours = `Working hours ${WORKING_HOURS_HELP}.`;
  if (v('fallbackChannel') && !(CHANNELS as readonly string[]).includes(v('fallbackChannel')))
    errors.fallbackChannel = `Choose one of ${CHANNELS.join(', ')}.`;
  if (v('fallbackAfter') && (parseDurationMs(v('fallbackAfter')) ?? 0) < 1000)
    errors.fallbackAfter = 'Give a duration such as 30m or 2h.';
  let quietWindows: unknown[] | undefined;
  if (values.quietWindows !== undefined) {
    // The dialog edits the weekly windows; one-off ones (API only) are kept.
    const stored = people.find((x) => x.externalId === externalId)?.quietWindows ?? [];
    const weekly = linesToWindows(v('quietWindows'));
    const parsed = parseQuietWindows(weekly);
    if (!parsed.ok) errors.quietWindows = `Line ${lineOf(parsed.errors)}: write e.g. Sat-Sun 00:00-24:00.`;
    quietWindows = [...stored.filter((w) => 'start' in w), ...weekly];
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  // Fields a channel's dialog did not send keep their stored value (undefined = keep).
  const sent = (k: string) => values[k] !== undefined;
  await upsertPeople(pool, workspaceId, [
    {
      externalId,
      name: v('name'),
      email: v('email') || null,
      role: v('role') as Role,
      managerExternalId: v('managerExternalId') || null,
      timezone: v('timezone') || undefined,
      ...(sent('workingHours') ? { workingHours: v('workingHours') || null } : {}),
      ...(sent('fallbackChannel')
        ? { fallbackChannel: (v('fallbackChannel') || null) as Channel | null }
        : {}),
      ...(sent('fallbackAfter') ? { fallbackAfter: v('fallbackAfter') || null } : {}),
      ...(quietWindows ? { quietWindows } : {}),
    },
  ]);
  return { ok: true, message: `Saved ${v('name')}.` };
}
