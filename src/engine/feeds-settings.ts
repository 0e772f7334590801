import { formatDuration, parseDurationMs } from './duration.js';

/**
 * The `feeds` setting (issue 21 item 3, the data-feed heartbeat): how often each feed is expected
 * to deliver. `{"usage": {"expectedEvery": "1d"}, "invoices": {...}, "connectors": {"<connector
 * id or platform>": {...}}}`. Nothing is watched by default; a feed left out is never watched.
 */
export interface FeedCadence {
  expectedEvery: string;
}
export interface FeedsSetting {
  usage?: FeedCadence;
  invoices?: FeedCadence;
  /** Keyed by a connector's id (that connector) or a platform (`zendesk`: any connector of it). */
  connectors?: Record<string, FeedCadence>;
}

/** The shortest cadence: the heartbeat checks every 10 s. */
export const MIN_FEED_CADENCE_MS = 10_000;
const MAX_FEED_CADENCE_MS = 365 * 86_400_000;
const CONNECTOR_KEY =
  /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[a-z][a-z0-9_-]{0,39})$/i;

/** One watched feed: its key (`usage`, `invoices`, `connector:<id or platform>`) and cadence. */
export interface WatchedFeed {
  key: string;
  kind: 'usage' | 'invoices' | 'connector';
  /** The connector id or platform, for a connector feed. */
  connector?: string;
  expectedEveryMs: number;
  expectedEvery: string;
}

/** The feeds a workspace watches (an unparsable stored cadence is skipped, never guessed). */
export function watchedFeeds(feeds: FeedsSetting | undefined | null): WatchedFeed[] {
  const out: WatchedFeed[] = [];
  const add = (key: string, kind: WatchedFeed['kind'], c: FeedCadence | undefined, connector?: string) => {
    const ms = c ? parseDurationMs(String(c.expectedEvery)) : null;
    if (c && ms !== null && ms >= MIN_FEED_CADENCE_MS)
      out.push({ key, kind, connector, expectedEveryMs: ms, expectedEvery: c.expectedEvery });
  };
  add('usage', 'usage', feeds?.usage);
  add('invoices', 'invoices', feeds?.invoices);
  for (const [id, c] of Object.entries(feeds?.connectors ?? {})) add(`connector:${id}`, 'connector', c, id);
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function cadence(v: unknown, path: string, errors: Record<string, string>): FeedCadence | null | undefined {
  if (v === null) return null; // stop watching
  if (!isRecord(v)) {
    errors[path] = 'must be {"expectedEvery": "1d"} or null (not watched)';
    return undefined;
  }
  for (const k of Object.keys(v)) if (k !== 'expectedEvery') errors[`${path}.${k}`] = 'is not a feed setting';
  const ms = typeof v.expectedEvery === 'string' ? parseDurationMs(v.expectedEvery) : null;
  if (ms === null) errors[`${path}.expectedEvery`] = 'must be a duration such as 10s, 15m, 6h or 1d';
  else if (ms < MIN_FEED_CADENCE_MS)
    errors[`${path}.expectedEvery`] = 'must be at least 10s (staleness is checked every 10 seconds)';
  else if (ms > MAX_FEED_CADENCE_MS) errors[`${path}.expectedEvery`] = 'must be at most 365d';
  else return { expectedEvery: formatDuration(ms) };
  return undefined;
}

/**
 * Merges `patch.feeds` into `next.feeds`: each feed given replaces its cadence, `null` stops
 * watching it, `"feeds": null` stops watching all. Errors are keyed `feeds.usage.expectedEvery`,
 * `feeds.connectors.<key>.expectedEvery`.
 */
export function mergeFeedsField(
  patch: Record<string, unknown>,
  next: { feeds: FeedsSetting },
  errors: Record<string, string>,
): void {
  if (patch.feeds === undefined) return;
  if (patch.feeds === null) return void (next.feeds = {});
  const v = patch.feeds;
  if (!isRecord(v))
    return void (errors.feeds =
      'must be an object like {"usage": {"expectedEvery": "1d"}, "invoices": {...}, "connectors": {...}}');
  const feeds: FeedsSetting = structuredClone(next.feeds ?? {});
  for (const k of Object.keys(v))
    if (k !== 'usage' && k !== 'invoices' && k !== 'connectors')
      errors[`feeds.${k}`] = 'is not a feed (usage, invoices, connectors)';
  for (const k of ['usage', 'invoices'] as const) {
    if (v[k] === undefined) continue;
    const c = cadence(v[k], `feeds.${k}`, errors);
    if (c === null) delete feeds[k];
    else if (c) feeds[k] = c;
  }
  if (v.connectors !== undefined) {
    if (v.connectors === null) delete feeds.connectors;
    else if (!isRecord(v.connectors))
      errors['feeds.connectors'] = 'must be an object of connector id or platform → {"expectedEvery": "1h"}';
    else {
      const cs = { ...(feeds.connectors ?? {}) };
      for (const [id, cv] of Object.entries(v.connectors)) {
        if (!CONNECTOR_KEY.test(id)) {
          errors[`feeds.connectors.${id}`] = 'must be a connector id or a platform such as zendesk';
          continue;
        }
        const c = cadence(cv, `feeds.connectors.${id}`, errors);
        if (c === null) delete cs[id];
        else if (c) cs[id] = c;
      }
      if (Object.keys(cs).length) feeds.connectors = cs;
      else delete feeds.connectors;
    }
  }
  next.feeds = feeds;
}
