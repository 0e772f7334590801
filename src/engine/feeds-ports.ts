/** What the data-feed heartbeat (engine/feeds.ts) reads and writes in a transaction (src/store/feeds.ts). */
export interface FeedState {
  feed: string;
  watchedSince: Date;
  lastDataAt: Date | null;
  staleSince: Date | null;
}

export interface FeedsTx {
  /** Starts watching these feeds (watching since `now`) where not already watched. */
  watchFeeds(workspaceId: string, feeds: string[], now: Date): Promise<void>;
  /** Stops watching every feed not in `keep`; returns the feeds removed. */
  unwatchFeedsExcept(workspaceId: string, keep: string[]): Promise<string[]>;
  feedStates(workspaceId: string): Promise<FeedState[]>;
  /** Data arrived on a feed at `at` (its latest time is kept); starts watching it when new. */
  noteFeedData(workspaceId: string, feed: string, at: Date): Promise<void>;
  /**
   * Marks the feed's current silence as noticed, only if nobody did yet and it is still silent
   * since before `cutoff` (the row is locked and the condition re-read, so of several workers
   * racing, one gets true). True = this caller raises the alert.
   */
  claimFeedStale(workspaceId: string, feed: string, now: Date, cutoff: Date): Promise<boolean>;
  /** Clears a noticed silence; true when there was one (the caller resolves its alert). */
  clearFeedStale(workspaceId: string, feed: string): Promise<boolean>;
  /**
   * The latest data of a connector feed: its last successful sync or the last ticket it delivered.
   * `connector` is a connector id, or a platform (`zendesk`: any connector of it). Null when none.
   */
  connectorLastData(workspaceId: string, connector: string): Promise<Date | null>;
  /** The newest alert of a dedup key, resolved or not (the cooldown of workspace-level alerts). */
  lastAlertForKey(workspaceId: string, dedupKey: string): Promise<{ id: string; createdAt: Date } | null>;
}
