/** The data-feed heartbeat (issue 21 item 3): when each watched feed of a workspace last had data. */
import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ts, workspaceRef } from './common.js';

export const feedHeartbeats = pgTable(
  'feed_heartbeats',
  {
    workspaceId: workspaceRef(),
    /** `usage`, `invoices`, or `connector:<connector id or platform>` */
    feed: text('feed').notNull(),
    /** When watching began (the feed was first seen configured): silence counts from here until data arrives. */
    watchedSince: ts('watched_since').notNull(),
    /** When data last arrived on the feed (the engine's clock), null until it does. */
    lastDataAt: ts('last_data_at'),
    /** Set once per silence by the worker that noticed it (the claim that raises feed_stale); cleared by data. */
    staleSince: ts('stale_since'),
  },
  (t) => [primaryKey({ columns: [t.workspaceId, t.feed] })],
);
