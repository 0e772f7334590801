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

export function expandTemplate(template: unknown, root: unknown): unknown {
  ctor ??= (require('adaptivecards-templating') as { Template: typeof TemplateType }).Template;
  return new ctor(template).expand({ $root: root });
}
