import { formatWhen } from './actions.js';

/** How a feed_stale alert reads on its card (issue 21 item 3); facts are written by engine/feeds.ts. */
export const FEED_STALE_HEADLINE = '📡 Data feed silent';

/** A feed key as people read it. */
export function feedLabel(key: string): string {
  if (key === 'usage') return 'Usage readings';
  if (key === 'invoices') return 'Invoices';
  if (key.startsWith('connector:')) return `Connector ${key.slice('connector:'.length)} (ticket sync)`;
  return key;
}

export function feedStaleFacts(
  f: Record<string, unknown>,
  timezone: string,
): { title: string; value: string }[] {
  const when = (v: unknown) => (typeof v === 'string' ? formatWhen(new Date(v), timezone) : null);
  const out = [
    { title: 'Feed', value: feedLabel(String(f.feed ?? '?')) },
    { title: 'Expected every', value: String(f.expectedEvery ?? '?') },
    {
      title: 'Last data',
      value: when(f.lastDataAt) ?? `none since watching began (${when(f.watchedSince) ?? '?'})`,
    },
  ];
  if (f.resumedAt) out.push({ title: 'Data again', value: when(f.resumedAt)! });
  return out;
}
