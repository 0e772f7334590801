import type pg from 'pg';
import type { EngineDeps } from '../engine/context.js';
import { checkFeeds } from '../engine/feeds.js';
import { workspacesWithFeeds } from '../store/feeds.js';

/** The data-feed heartbeat job (issue 21 item 3): every 10 s, each workspace watching a feed is checked. */
export const FEEDS_HEARTBEAT_JOB = 'feeds:heartbeat';
/**
 * Every 10 s: a silence is noticed within max(10 s, a tenth of the cadence) for any cadence ≥ 10 s
 * (the shortest allowed). Agenda runs a recurring job in one process at a time; the claim in
 * store/feeds.ts keeps it to one alert even if two runs overlap.
 */
export const FEEDS_HEARTBEAT_EVERY = '10 seconds';

export async function runFeedsHeartbeat(
  engine: EngineDeps,
  pool: pg.Pool,
  log?: { warn(o: object, m?: string): void },
): Promise<number> {
  let noticed = 0;
  for (const id of await workspacesWithFeeds(pool)) {
    try {
      noticed += (await checkFeeds(engine, id)).noticed.length;
    } catch (err) {
      // One workspace's failure (e.g. a lock timeout) must not starve the others; the next run retries.
      log?.warn({ err, workspaceId: id }, 'feed heartbeat check failed');
    }
  }
  return noticed;
}
