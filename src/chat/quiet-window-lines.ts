import type { QuietWindow } from '../engine/index.js';

/**
 * Weekly quiet windows as the settings dialogs write them, one per line: `Sat-Sun 00:00-24:00`.
 * One-off windows (`{start, end}`) are API only and not shown here; the mergers keep them.
 */
export function windowsToLines(windows: QuietWindow[]): string {
  return windows
    .map((w) => ('days' in w ? `${w.days} ${w.from}-${w.to}` : ''))
    .filter(Boolean)
    .join('\n');
}

/** The dialog's lines back into `{days, from, to}` (validated afterwards with the settings). */
export function linesToWindows(text: string): { days: string; from: string; to: string }[] {
  return text
    .split(/\n+/)
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [days = '', span = ''] = l.split(/\s+/);
      const [from = '', to = ''] = span.split('-');
      return { days, from, to };
    });
}
