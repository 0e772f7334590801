import type { Person } from '../engine/index.js';
/**
 * Channel-agnostic forms: the settings dialogs every chat channel shows (Slack modal, Teams
 * Adaptive Card, Google Chat dialog, WhatsApp guided questions) are built from these models,
 * and every channel submits the same flat `values` map back.
 */
export interface FormField {
  /** Stable id: Slack block_id/action_id, Adaptive Card input id, … */
  id: string;
  label: string;
  type: 'text' | 'number' | 'textarea' | 'select';
  value: string;
  options?: { value: string; label: string }[];
  hint?: string;
  optional?: boolean;
}

export interface FormModel {
  /** general | person | customer */
  form: string;
  title: string;
  submitLabel: string;
  fields: FormField[];
  /** Opaque context carried through the dialog (e.g. which person is edited). */
  context?: Record<string, string>;
}

export type FormResult =
  { ok: true; message: string } | { ok: false; errors: Record<string, string>; message?: string };

/**
 * An extra section of the general settings form, contributed by a feature: its fields (ids
 * starting with `prefix`) are appended to the form every chat channel renders (Slack modal,
 * Teams card, Google Chat dialog, WhatsApp guided list), and its values are saved by `save`.
 */
export interface SettingsSection {
  prefix: string;
  fields(workspaceId: string, actor: Person): Promise<FormField[]>;
  /** Saves the section's values; null when they ask for nothing (every action left at "keep"). */
  save(workspaceId: string, actor: Person, values: Record<string, string>): Promise<FormResult | null>;
}

const isAdmin = (p: Person) => p.isAdmin || p.role === 'admin';

/** The general form with every section's fields appended (other forms unchanged). */
export async function formWithSections(
  sections: SettingsSection[],
  model: FormModel | { refused: string },
  workspaceId: string,
  actor: Person,
): Promise<FormModel | { refused: string }> {
  if ('refused' in model || model.form !== 'general' || !sections.length) return model;
  const extra: FormField[] = [];
  for (const s of sections) extra.push(...(await s.fields(workspaceId, actor)));
  return { ...model, fields: [...model.fields, ...extra] };
}

/**
 * Saves a general form that may carry section values: the core settings first (when any of
 * their fields were sent), then each section. A section's failure is reported on its fields.
 */
export async function saveWithSections(
  sections: SettingsSection[],
  save: (values: Record<string, string>) => Promise<FormResult>,
  form: string,
  values: Record<string, string>,
  workspaceId: string,
  actor: Person,
): Promise<FormResult> {
  if (form !== 'general' || !sections.length) return save(values);
  if (!isAdmin(actor))
    return { ok: false, errors: {}, message: 'Only workspace admins can change settings.' };
  const core: Record<string, string> = {};
  const mine = new Map<SettingsSection, Record<string, string>>();
  for (const [k, v] of Object.entries(values)) {
    const s = sections.find((x) => k.startsWith(x.prefix));
    if (!s) core[k] = v;
    else mine.set(s, { ...(mine.get(s) ?? {}), [k]: v });
  }
  const messages: string[] = [];
  if (Object.keys(core).length || !mine.size) {
    const r = await save(core);
    if (!r.ok) return r;
    messages.push(r.message);
  }
  for (const [s, v] of mine) {
    const r = await s.save(workspaceId, actor, v);
    if (!r) continue;
    if (!r.ok)
      return {
        ...r,
        message: [...messages, r.message ?? 'Some connector fields need fixing.'].filter(Boolean).join('\n'),
      };
    if (r.message) messages.push(r.message);
  }
  return { ok: true, message: messages.join('\n') || 'Nothing changed.' };
}
