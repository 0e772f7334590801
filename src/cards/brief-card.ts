import { expandTemplate } from './template.js';
import template from './templates/brief.json' with { type: 'json' };

/** What the CFO morning brief shows, already worded (built by src/brief/brief.ts). */
export interface BriefView {
  title: string;
  subtitle: string;
  headline: { title: string; value: string }[];
  sections: { title: string; empty: string; rows: { title: string; value: string }[] }[];
}

/** Expands the brief template (TextBlock, FactSet, Container only: every renderer translates them). */
export function renderBriefCard(view: BriefView): Record<string, unknown> {
  const card = strip(expandTemplate(template, view));
  if (!card || typeof card !== 'object') throw new Error('brief card template expanded to nothing');
  return card as Record<string, unknown>;
}

/** Plain text of the same brief (chat `brief`, notifications). */
export function briefText(view: BriefView): string {
  const lines = [`*${view.title}*`, view.subtitle, ...view.headline.map((h) => `${h.title}: ${h.value}`)];
  for (const s of view.sections) {
    lines.push('', `*${s.title}*`);
    if (s.rows.length === 0) lines.push(s.empty);
    for (const r of s.rows) lines.push(`• ${r.title} — ${r.value}`);
  }
  return lines.join('\n');
}

function strip(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (Array.isArray(v)) {
    const a = v.map(strip).filter((x) => x !== undefined);
    return a.length ? a : undefined;
  }
  if (typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, c] of Object.entries(v)) {
      if (k.startsWith('$') && k !== '$schema') continue;
      const s = strip(c);
      if (s !== undefined) out[k] = s;
    }
    return Object.keys(out).length ? out : undefined;
  }
  if (typeof v === 'string' && /^\$\{[^}]*\}$/.test(v)) return undefined;
  return v;
}
