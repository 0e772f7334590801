import { createRequire } from 'node:module';
import type { Template as TemplateType } from 'adaptivecards-templating';

/**
 * adaptivecards-templating, loaded on the first card expanded rather than at start-up: it pulls in
 * adaptive-expressions, antlr4ts and lodash, ≈ 29 MB of resident memory an idle process with no
 * alert to render does not need (bench/README.md, idle RSS). The package is CommonJS, so a
 * synchronous require keeps every renderer synchronous.
 */
const require = createRequire(import.meta.url);
let ctor: typeof TemplateType | undefined;

/**
 * One prepared Template per template object (they are module constants). `new Template()` parses
 * every `${…}` with ANTLR — ≈ 3 s of CPU per 10,000 readings' worth of cards in the usage-ingest
 * bench (issue 18) — while `expand` only evaluates them; it resets its state (context, warnings)
 * on every call and does not change the prepared payload, and it is synchronous, so one instance
 * is safely reused.
 */
const prepared = new WeakMap<object, TemplateType>();

export function expandTemplate(template: unknown, root: unknown): unknown {
  ctor ??= (require('adaptivecards-templating') as { Template: typeof TemplateType }).Template;
  if (typeof template !== 'object' || template === null) return new ctor(template).expand({ $root: root });
  let t = prepared.get(template);
  if (!t) prepared.set(template, (t = new ctor(template)));
  return t.expand({ $root: root });
}
