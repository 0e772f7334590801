/**
 * The Block Kit rules the fake Slack enforces, so a renderer that would be refused by Slack is
 * refused in tests too. Limits from docs.slack.dev/reference/block-kit (blocks, block elements,
 * composition objects) and docs.slack.dev/reference/surfaces/views.
 */
type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown) => (isObj(v) && typeof v.text === 'string' ? v.text : null);

const KNOWN = new Set(['section', 'header', 'context', 'divider', 'actions', 'image', 'input', 'rich_text']);

export function blockProblems(blocks: unknown, surface: 'message' | 'modal'): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  const max = surface === 'message' ? 50 : 100;
  if (blocks.length > max) problems.push(`more than ${max} blocks`);
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  blocks.forEach((b, i) => {
    const at = `blocks[${i}]`;
    if (!isObj(b) || typeof b.type !== 'string' || !KNOWN.has(b.type))
      return void problems.push(`${at}: unknown type`);
    if (typeof b.block_id === 'string') {
      if (b.block_id.length > 255) problems.push(`${at}: block_id over 255`);
      if (blockIds.has(b.block_id)) problems.push(`${at}: duplicate block_id ${b.block_id}`);
      blockIds.add(b.block_id);
    }
    if (b.type === 'input' && surface === 'message') problems.push(`${at}: input blocks only in modals`);
    switch (b.type) {
      case 'header': {
        const t = text(b.text);
        if (!isObj(b.text) || b.text.type !== 'plain_text' || !t)
          problems.push(`${at}: header needs plain_text`);
        else if (t.length > 150) problems.push(`${at}: header text over 150`);
        break;
      }
      case 'section': {
        const t = text(b.text);
        const fields = b.fields;
        if (!t && !Array.isArray(fields)) problems.push(`${at}: section needs text or fields`);
        if (t !== null && (t.length === 0 || t.length > 3000)) problems.push(`${at}: section text length`);
        if (Array.isArray(fields)) {
          if (fields.length === 0 || fields.length > 10) problems.push(`${at}: 1–10 fields`);
          for (const f of fields)
            if ((text(f) ?? '').length === 0 || (text(f) ?? '').length > 2000)
              problems.push(`${at}: field text length`);
        }
        break;
      }
      case 'context': {
        const els = b.elements;
        if (!Array.isArray(els) || els.length === 0 || els.length > 10)
          problems.push(`${at}: 1–10 context elements`);
        break;
      }
      case 'actions': {
        const els = b.elements;
        if (!Array.isArray(els) || els.length === 0 || els.length > 25) problems.push(`${at}: 1–25 elements`);
        for (const e of Array.isArray(els) ? els : []) problems.push(...elementProblems(e, at, actionIds));
        break;
      }
      case 'input': {
        const label = text(b.label);
        if (!label || label.length > 2000) problems.push(`${at}: input label length`);
        if (!isObj(b.element)) problems.push(`${at}: input needs an element`);
        else problems.push(...elementProblems(b.element, at, actionIds));
        break;
      }
    }
  });
  return problems;
}

function elementProblems(e: unknown, at: string, actionIds: Set<string>): string[] {
  const p: string[] = [];
  if (!isObj(e)) return [`${at}: element is not an object`];
  if (typeof e.action_id === 'string') {
    if (e.action_id.length > 255) p.push(`${at}: action_id over 255`);
    if (actionIds.has(e.action_id)) p.push(`${at}: duplicate action_id ${e.action_id}`);
    actionIds.add(e.action_id);
  }
  if (e.type === 'button') {
    const t = text(e.text);
    if (!t || t.length > 75) p.push(`${at}: button text length`);
    if (typeof e.value === 'string' && e.value.length > 2000) p.push(`${at}: button value over 2000`);
  }
  if (e.type === 'static_select' || e.type === 'radio_buttons') {
    const opts = e.options;
    // radio_buttons: at most 10 options (docs.slack.dev/reference/block-kit/block-elements/radio-button-group-element).
    const max = e.type === 'radio_buttons' ? 10 : 100;
    if (!Array.isArray(opts) || opts.length === 0 || opts.length > max) p.push(`${at}: 1–${max} options`);
    for (const o of Array.isArray(opts) ? opts : []) {
      if (!isObj(o) || (text(o.text) ?? '').length === 0 || (text(o.text) ?? '').length > 75)
        p.push(`${at}: option text length`);
      if (!isObj(o) || typeof o.value !== 'string' || o.value.length === 0 || o.value.length > 150)
        p.push(`${at}: option value length`);
    }
    if (
      isObj(e.initial_option) &&
      Array.isArray(opts) &&
      !opts.some((o) => isObj(o) && o.value === (e.initial_option as Json).value)
    )
      p.push(`${at}: initial_option not among options`);
  }
  if (
    e.type === 'datepicker' &&
    e.initial_date !== undefined &&
    !/^\d{4}-\d{2}-\d{2}$/.test(String(e.initial_date))
  )
    p.push(`${at}: initial_date must be YYYY-MM-DD`);
  if (
    e.type === 'timepicker' &&
    e.initial_time !== undefined &&
    !/^\d{2}:\d{2}$/.test(String(e.initial_time))
  )
    p.push(`${at}: initial_time must be HH:mm`);
  if (e.type === 'plain_text_input' && typeof e.initial_value === 'string' && e.initial_value.length === 0)
    p.push(`${at}: empty initial_value`);
  return p;
}

export function viewProblems(view: unknown): string[] {
  if (!isObj(view)) return ['view must be an object'];
  const p: string[] = [];
  if (view.type !== 'modal') p.push('view.type must be modal');
  for (const k of ['title', 'submit', 'close']) {
    const t = text(view[k]);
    if (view[k] !== undefined && (!t || t.length > 24)) p.push(`view.${k} must be plain_text ≤ 24`);
  }
  if (!text(view.title)) p.push('view.title is required');
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > 3000)
    p.push('private_metadata over 3000');
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  if (blocks.some((b) => isObj(b) && b.type === 'input') && !view.submit)
    p.push('a view with inputs needs submit');
  return [...p, ...blockProblems(view.blocks, 'modal')];
}
