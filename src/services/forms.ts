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
