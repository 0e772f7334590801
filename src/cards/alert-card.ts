import { expandTemplate } from './template.js';
import type { AlertView } from './alert-view.js';
// The template is imported as a JSON module, so it is loaded by the module system rather than read
// from disk: under jest (ESM) it is resolved next to this file in src/cards/templates/, and `tsc -p
// tsconfig.build.json` emits the imported JSON alongside the compiled code (dist/cards/templates/
// alert.json), so dist/cards/alert-card.js finds it at the same relative path. No path juggling,
// no copy step.
import template from './templates/alert.json' with { type: 'json' };

/** A plain Adaptive Card (schema 1.5) as JSON, ready to send or translate. */
export type AdaptiveCardJson = Record<string, unknown>;

/** A property value the templating engine could not bind, left as the literal expression. */
const UNBOUND_EXPRESSION = /^\$\{[^}]*\}$/;

/**
 * Expands the alert template over the view and returns clean Adaptive Card 1.5 JSON: the
 * templating engine can leave `null`s (a `$when` that was false on an object property), empty
 * collections (`actions: []` on a final card) and unbound `${…}` expressions behind; none of them
 * reach a channel.
 */
export function renderAlertCard(view: AlertView): AdaptiveCardJson {
  const expanded: unknown = expandTemplate(template, view);
  const card = clean(expanded);
  if (!isPlainObject(card)) throw new Error('alert card template expanded to nothing');
  return card;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns `undefined` for a value that should disappear from its parent. */
function clean(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return UNBOUND_EXPRESSION.test(value) ? undefined : value;
  if (Array.isArray(value)) {
    const items = value.map(clean).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      // Templating directives ($data, $when, …) never belong in the output; $schema does.
      if (key.startsWith('$') && key !== '$schema') continue;
      const cleaned = clean(child);
      if (cleaned !== undefined) out[key] = cleaned;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}
