import type { FormField, FormModel } from '../../channels/forms.js';
import { choiceList, readChoice, type Choice } from './choices.js';
import { endDialog, say, saveDialog, type InboundDeps, type Turn } from './turn.js';

/**
 * `settings` as a guided dialog over lists and replies, walking the same channel-agnostic FormModel
 * the Slack modal and the Teams card show (src/channels/forms.ts):
 *   menu → General: pick a field from a (paged) list, answer, it is saved; pick another or *done*.
 *        → Add/Edit a person or customer: every field in turn (*keep* keeps the shown value), then
 *          saved at once; a field the service refuses is asked again with the reason.
 * Only admins get here: services.settingsForm refuses anyone else.
 */
export interface SettingsDialog {
  stage: 'menu' | 'which' | 'pick' | 'value' | 'walk';
  form: string;
  context: Record<string, string>;
  fieldId?: string;
  index: number;
  page: number;
  values: Record<string, string>;
}

const MENU: Choice[] = [
  ['general', 'General settings'],
  ['person:new', 'Add a person'],
  ['person:edit', 'Edit a person'],
  ['customer:new', 'Add a customer'],
  ['customer:edit', 'Edit a customer'],
];

const save = (deps: InboundDeps, t: Turn, d: SettingsDialog) =>
  saveDialog(deps, t, 'settings', d as unknown as Record<string, unknown>);

export async function startSettings(deps: InboundDeps, t: Turn): Promise<void> {
  const form = await deps.services.settingsForm(t.person.workspaceId, t.person, 'general');
  if ('refused' in form) return say(deps, t, form.refused);
  const d: SettingsDialog = { stage: 'menu', form: 'general', context: {}, index: 0, page: 0, values: {} };
  await save(deps, t, d);
  await deps.sender.answer(t.chat, choiceList('*Fincelo settings* — what would you like to change?', MENU));
}

async function loadForm(deps: InboundDeps, t: Turn, d: SettingsDialog): Promise<FormModel | null> {
  const f = await deps.services.settingsForm(t.person.workspaceId, t.person, d.form, d.context);
  if ('refused' in f) {
    await endDialog(deps, t);
    await say(deps, t, f.refused);
    return null;
  }
  return f;
}

const fieldChoices = (f: FormModel): Choice[] => f.fields.map((x) => [x.id, x.label]);

async function askField(deps: InboundDeps, t: Turn, field: FormField, problem?: string): Promise<void> {
  const prefix = problem ? `⚠️ ${problem}\n` : '';
  const now = field.options?.find((o) => o.value === field.value)?.label ?? field.value;
  if (field.type === 'select' && field.options?.length) {
    const d = await deps.services.state.dialog('whatsapp', t.chat.waId);
    const page = Number((d?.state as { page?: number } | undefined)?.page ?? 0);
    await deps.sender.answer(
      t.chat,
      choiceList(
        `${prefix}*${field.label}*${now ? ` (now: ${now})` : ''}`,
        field.options.map((o) => [o.value, o.label || '—']),
        page,
      ),
    );
    return;
  }
  const hint = field.hint ? `\n_${field.hint}_` : '';
  const keep = field.value
    ? ' Send *keep* to keep it.'
    : field.optional
      ? ' Send *skip* to leave it empty.'
      : '';
  await say(
    deps,
    t,
    `${prefix}*${field.label}*${now ? ` — now: ${now}` : ''}${hint}\nReply with the new value.${keep}`,
  );
}

/** The answer to a field: a list choice, or text (*keep*, *skip*). null → ask again. */
function readValue(field: FormField, t: Turn): { value: string } | { page: number } | null {
  const text = t.msg.text?.trim();
  if (/^keep$/i.test(text ?? '')) return { value: field.value };
  if (/^skip$/i.test(text ?? '') && field.optional) return { value: '' };
  if (field.type === 'select' && field.options?.length) {
    const a = readChoice(
      field.options.map((o) => [o.value, o.label || '—']),
      t.msg.replyId,
      text ?? t.msg.replyTitle,
    );
    if (!a) return null;
    return 'page' in a ? a : { value: a.choice[0] };
  }
  return text ? { value: text } : null;
}

export async function continueSettings(deps: InboundDeps, t: Turn, d: SettingsDialog): Promise<void> {
  const text = t.msg.text?.trim() ?? '';
  if (/^done$/i.test(text)) {
    await endDialog(deps, t);
    return say(deps, t, 'Done. Send *settings* to change more.');
  }
  if (d.stage === 'menu') {
    const a = readChoice(MENU, t.msg.replyId, text || t.msg.replyTitle);
    if (!a || 'page' in a)
      return void (await deps.sender.answer(t.chat, choiceList('Pick one of these (or *cancel*):', MENU)));
    const [form, mode] = a.choice[0].split(':') as [string, string | undefined];
    d.form = form;
    d.context = {};
    d.values = {};
    d.index = 0;
    d.page = 0;
    if (form === 'general') {
      d.stage = 'pick';
      await save(deps, t, d);
      const f = await loadForm(deps, t, d);
      if (f) await deps.sender.answer(t.chat, choiceList('*General settings* — which one?', fieldChoices(f)));
      return;
    }
    if (mode === 'edit') {
      d.stage = 'which';
      await save(deps, t, d);
      return say(
        deps,
        t,
        `Send the ID of the ${form} to edit (e.g. ${form === 'person' ? 'csm-42' : 'cust-7'}).`,
      );
    }
    d.stage = 'walk';
    await save(deps, t, d);
    const f = await loadForm(deps, t, d);
    if (f) await askField(deps, t, f.fields[0]!);
    return;
  }
  if (d.stage === 'which') {
    d.context = { externalId: text };
    const f = await loadForm(deps, t, d);
    if (!f) return;
    if (!f.context?.externalId)
      return say(deps, t, `No ${d.form} has the ID "${text}". Send another ID, or *cancel*.`);
    d.stage = 'walk';
    d.index = f.fields.findIndex((x) => x.id !== 'externalId');
    d.values = { externalId: text };
    await save(deps, t, d);
    return askField(deps, t, f.fields[d.index]!);
  }
  const f = await loadForm(deps, t, d);
  if (!f) return;
  if (d.stage === 'pick') {
    const a = readChoice(fieldChoices(f), t.msg.replyId, text || t.msg.replyTitle);
    if (!a)
      return void (await deps.sender.answer(t.chat, choiceList('Which setting?', fieldChoices(f), d.page)));
    if ('page' in a) {
      d.page = a.page;
      await save(deps, t, d);
      return void (await deps.sender.answer(t.chat, choiceList('Which setting?', fieldChoices(f), d.page)));
    }
    d.stage = 'value';
    d.fieldId = a.choice[0];
    d.page = 0;
    await save(deps, t, d);
    return askField(
      deps,
      t,
      f.fields.find((x) => x.id === d.fieldId)!,
    );
  }
  const field = d.stage === 'value' ? f.fields.find((x) => x.id === d.fieldId) : f.fields[d.index];
  if (!field) {
    await endDialog(deps, t);
    return say(deps, t, 'That settings form changed meanwhile; send *settings* to start again.');
  }
  // Free text for a multi-line field: WhatsApp sends newlines as typed; ";" works too.
  const v = readValue(field, t);
  if (!v) return askField(deps, t, field, 'Please choose or type a value.');
  if ('page' in v) {
    d.page = v.page;
    await save(deps, t, d);
    return askField(deps, t, field);
  }
  const value = field.type === 'textarea' ? v.value.replace(/\s*;\s*/g, '\n') : v.value;
  if (d.stage === 'value') {
    const r = await deps.services.saveSettingsForm(t.person.workspaceId, t.person, d.form, {
      [field.id]: value,
    });
    if (!r.ok) return askField(deps, t, field, r.errors[field.id] ?? r.message ?? 'That value was refused.');
    d.stage = 'pick';
    d.page = 0;
    await save(deps, t, d);
    const again = await loadForm(deps, t, d);
    if (again)
      await deps.sender.answer(
        t.chat,
        choiceList(`✅ ${r.message}\nAnother setting, or send *done*.`, fieldChoices(again)),
      );
    return;
  }
  d.values[field.id] = value;
  d.index++;
  d.page = 0;
  if (d.index < f.fields.length) {
    await save(deps, t, d);
    return askField(deps, t, f.fields[d.index]!);
  }
  const r = await deps.services.saveSettingsForm(t.person.workspaceId, t.person, d.form, d.values, d.context);
  if (r.ok) {
    await endDialog(deps, t);
    return say(deps, t, `✅ ${r.message}`);
  }
  const bad = f.fields.findIndex((x) => r.errors[x.id]);
  if (bad < 0) {
    await endDialog(deps, t);
    return say(deps, t, r.message ?? 'That could not be saved.');
  }
  d.index = bad;
  await save(deps, t, d);
  return askField(deps, t, f.fields[bad]!, r.errors[f.fields[bad]!.id]);
}
