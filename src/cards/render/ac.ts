/**
 * Reading the documented Adaptive Card subset (src/cards/templates/*.json), shared by the renderers
 * that translate it (Slack Block Kit, Google Chat cardsV2, WhatsApp interactive messages).
 */
export type Json = Record<string, unknown>;

export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Cuts to `max` UTF-16 units with an ellipsis (platform limits count units). */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export const isLarge = (el: Json) => el.size === 'Large' || el.size === 'ExtraLarge';

/** The TextBlocks of a column (through nested containers), or null if it holds anything else. */
export function columnTexts(column: Json): Json[] | null {
  const texts: Json[] = [];
  const walk = (items: unknown[]): boolean =>
    items.every((it) => {
      if (!isObj(it)) return true;
      if (it.type === 'TextBlock') return Boolean(texts.push(it));
      if (it.type === 'Container' || it.type === 'Column') return walk(list(it.items));
      return false;
    });
  return walk(list(column.items)) ? texts : null;
}

/** Every element of `items`, through containers and column sets, in card order (inputs included). */
export function walkElements(items: unknown[], visit: (el: Json) => void): void {
  for (const el of items) {
    if (!isObj(el)) continue;
    if (el.type === 'Container' || el.type === 'Column') walkElements(list(el.items), visit);
    else if (el.type === 'ColumnSet') walkElements(list(el.columns), visit);
    visit(el);
  }
}

/** How the input types of the subset are asked for on platforms with simple forms. */
export const INPUT_KINDS: Record<string, 'choice' | 'text' | 'date' | 'time'> = {
  'Input.ChoiceSet': 'choice',
  'Input.Text': 'text',
  'Input.Number': 'text',
  'Input.Date': 'date',
  'Input.Time': 'time',
};

/** An Input.ChoiceSet's choices as [value, label] pairs. */
export const choicesOf = (el: Json): [string, string][] =>
  list(el.choices)
    .filter(isObj)
    .map((c) => [str(c.value), str(c.title) || str(c.value)]);

/**
 * The card's actions in the order a flat renderer shows them: the card-level `actions`, then those
 * of any `ActionSet` in the body. The alert card keeps Escalate now and Decline in a body ActionSet
 * because Teams shows at most 6 actions per action collection (the SDK's `maxActions`, which Teams
 * sets to 6) and the card-level row already holds six; platforms with a single button row (Slack,
 * Google Chat, WhatsApp) append them to it.
 */
export function cardActions(card: Json): Json[] {
  const out = list(card.actions).filter(isObj);
  walkElements(list(card.body), (el) => {
    if (el.type === 'ActionSet') out.push(...list(el.actions).filter(isObj));
  });
  return out;
}
