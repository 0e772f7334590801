import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Cipher } from '../../store/crypto.js';
import type { StoredBatch, TicketPipeline } from '../../tickets/pipeline.js';
import type { ConnectorPlatform, Cursor, PlatformContext, TicketPage } from '../types.js';
import { ConnectorError } from './errors.js';
import { createHttpClient, type HttpClientOptions } from './http.js';
import {
  backfillDays,
  connectorById,
  pollMinutes,
  toConnector,
  type ConnectorRow,
  type SyncProgress,
  type SyncState,
} from './repo.js';
import {
  addTicketsSeen,
  claimConnectorSync,
  failConnectorSync,
  finishConnectorSync,
  requestConnectorRerun,
  saveSyncPage,
} from '../../store/connectors.js';

/** Look-back on incremental runs: Zendesk hides the last minute, Jira is minute-precise. */
export const LOOKBACK_MS = 2 * 60_000;
/** A sync holder renews its lease after every page; a crashed holder's lease runs out. */
export const DEFAULT_LEASE_MS = 10 * 60_000;
/** A first sync tells the admin how far it got every this many tickets. */
export const PROGRESS_EVERY = 5000;
/**
 * Pages a run may have stored beyond its saved cursor without handing them to the subscribers:
 * the page being handed on and the two pages stored meanwhile (see the loop in runSync).
 */
export const REDELIVER_PAGES = 3;

export interface SyncDeps {
  pool: pg.Pool;
  cipher: Cipher;
  tickets: TicketPipeline;
  platform(id: string): ConnectorPlatform | undefined;
  now?: () => Date;
  /** Tells the connector's admin (chat notice). */
  notify?(c: ConnectorRow, text: string): Promise<void>;
  log?: { info(o: object, m?: string): void; warn(o: object, m?: string): void };
  http?: Partial<HttpClientOptions>;
}

export interface SyncOptions {
  leaseMs?: number;
  /** Called after each page is stored and its cursor persisted (progress reporting, tests). */
  afterPage?(p: { pages: number; fetched: number; cursor: Cursor | null }): Promise<void>;
}

export interface SyncOutcome {
  result: 'done' | 'failed' | 'skipped' | 'lost_lease';
  pages: number;
  fetched: number;
  inserted: number;
  updated: number;
  unchanged: number;
  error?: string;
  /** A sync was asked for while this one ran: run again now. */
  rerun?: boolean;
}

/** Decrypted credentials and an authenticated, retrying HTTP client for one connector. */
export function platformContext(
  platform: ConnectorPlatform,
  c: { credentialsEnc: string; baseUrl: string | null },
  cipher: Cipher,
  now: Date,
  http: Partial<HttpClientOptions> = {},
): PlatformContext {
  const credentials = cipher.decryptJson<Record<string, string>>(c.credentialsEnc);
  return contextFor(platform, credentials, c.baseUrl, now, http);
}

export function contextFor(
  platform: ConnectorPlatform,
  credentials: Record<string, string>,
  baseUrlOverride: string | null | undefined,
  now: Date,
  http: Partial<HttpClientOptions> = {},
): PlatformContext {
  const baseUrl = (baseUrlOverride || platform.baseUrl(credentials)).replace(/\/+$/, '');
  return {
    baseUrl,
    credentials,
    now,
    http: createHttpClient({ ...http, baseUrl, headers: platform.authHeaders(credentials) }),
  };
}

const maxDate = (a: string | null | undefined, b: Date | null | undefined): string | null => {
  if (!b || Number.isNaN(b.getTime())) return a ?? null;
  if (!a || Date.parse(a) < b.getTime()) return b.toISOString();
  return a;
};

/**
 * One sync of one connector: claims it (concurrency of one per connector, by a lease that a
 * crashed holder loses), pages until the platform says done, storing each page through the
 * ticket pipeline and only then persisting the cursor — so a run cut off between pages resumes
 * from the last stored page: a page may be fetched twice (upserts make that harmless), never
 * skipped. Incremental runs start from the newest `updated_at` stored minus LOOKBACK_MS.
 */
export async function runSync(
  deps: SyncDeps,
  connectorId: string,
  opts: SyncOptions = {},
): Promise<SyncOutcome> {
  const now = deps.now ?? (() => new Date());
  const leaseMs = opts.leaseMs ?? DEFAULT_LEASE_MS;
  const out: SyncOutcome = { result: 'skipped', pages: 0, fetched: 0, inserted: 0, updated: 0, unchanged: 0 };
  const owner = randomUUID();
  const start = now();
  const existing = await connectorById(deps.pool, connectorId);
  if (!existing) return out;
  const state: SyncState = existing.cursor ?? {};
  const resuming = !!state.page;
  const incremental = !!state.backfilled;
  const progress: SyncProgress = {
    phase: incremental ? 'incremental' : 'backfill',
    pages: 0,
    fetched: 0,
    changed: 0,
    startedAt: start.toISOString(),
    owner,
    leaseUntil: new Date(start.getTime() + leaseMs).toISOString(),
  };
  const claimed = await claimConnectorSync(deps.pool, [connectorId, start, JSON.stringify(progress)]);
  if (!claimed.rows[0]) {
    // Another run holds the connector: ask it to run once more when it finishes, so a "Sync now"
    // arriving mid-sync is not lost (the running sync may already be past the change).
    await requestConnectorRerun(deps.pool, [connectorId]);
    return out;
  }
  const c = toConnector(claimed.rows[0]);
  const platform = deps.platform(c.platform);
  const fail = async (err: unknown) => {
    const message =
      err instanceof ConnectorError
        ? err.message
        : `Unexpected error during the sync: ${(err as Error)?.message ?? String(err)}`;
    out.result = 'failed';
    out.error = message;
    const at = now();
    await failConnectorSync(deps.pool, [
      c.id,
      owner,
      message,
      new Date(at.getTime() + pollMinutes(c) * 60_000),
      JSON.stringify({ phase: 'failed', finishedAt: at.toISOString(), owner: null, leaseUntil: null }),
    ]);
    deps.log?.warn({ connectorId: c.id, platform: c.platform, error: message }, 'connector sync failed');
    if (message !== c.lastError)
      await deps.notify?.(c, `⚠️ ${c.name} sync failed: ${message}`).catch(() => undefined);
    return out;
  };

  // The oldest stored page: its subscribers, then its cursor; false = lease lost. (Typed by cast:
  // it is set inside a closure, which TypeScript's narrowing does not follow.)
  let handing = null as Promise<boolean> | null;
  /** The newest page being stored (the one before it may still be storing too). */
  let storing = null as { page: TicketPage; stored: Promise<StoredBatch> } | null;
  const lostLease = () => {
    // Another run took over after our lease ran out: it resumes from our last saved page.
    out.result = 'lost_lease';
    return out;
  };
  /** A stored page: its subscribers, then its cursor, progress and the page callback. */
  const finishPage = async (
    tickets: number,
    batch: StoredBatch,
    next: SyncState,
    pageCursor: Cursor | null,
  ): Promise<boolean> => {
    await deps.tickets.handOn(c.workspaceId, batch);
    out.pages++;
    out.fetched += tickets;
    const at = now();
    const saved = await saveSyncPage(deps.pool, [
      c.id,
      owner,
      JSON.stringify(next),
      0, // tickets_seen: added when the page was stored
      JSON.stringify({
        pages: out.pages,
        fetched: out.fetched,
        changed: out.inserted + out.updated,
        leaseUntil: new Date(at.getTime() + leaseMs).toISOString(),
      }),
    ]);
    if (!saved.rows[0]) return false;
    // Long backfills report progress in chat every PROGRESS_EVERY tickets.
    if (
      !incremental &&
      Math.floor(out.fetched / PROGRESS_EVERY) > Math.floor((out.fetched - tickets) / PROGRESS_EVERY)
    )
      await deps
        .notify?.(
          c,
          `⏳ ${c.name}: first sync in progress — ${out.fetched.toLocaleString('en')} tickets so far.`,
        )
        .catch(() => undefined);
    await opts.afterPage?.({ pages: out.pages, fetched: out.fetched, cursor: pageCursor });
    return true;
  };

  try {
    if (!platform) throw new ConnectorError(`Unknown platform ${c.platform}.`, 'config');
    const since =
      resuming && state.runSince
        ? new Date(state.runSince)
        : state.highWater
          ? new Date(Date.parse(state.highWater) - LOOKBACK_MS)
          : new Date(start.getTime() - backfillDays(c) * 86_400_000);
    let cursor: Cursor | null = resuming ? (state.page ?? null) : null;
    let highWater = state.highWater ?? null;
    const fetchPage = (at: Cursor | null) => {
      const p = platform.fetchPage(platformContext(platform, c, deps.cipher, now(), deps.http), at, {
        since,
      });
      p.catch(() => undefined); // awaited below; a prefetch abandoned by a failure must not go unhandled
      return p;
    };
    let pending = fetchPage(cursor);
    // Four stages overlap: page N+1 is fetched while pages N and N−1 are stored (two upserts on
    // two connections: the store is the bound without subscribers, issue 18) and the subscribers
    // (the analysis) work on page N−2; a page's cursor is saved only once that page is stored and
    // its subscribers are done, pages in order. So at most REDELIVER_PAGES pages after the saved
    // cursor can be stored without having been handed on when a run stops; a resumed run hands the
    // unchanged tickets of its first REDELIVER_PAGES pages on as well (see TicketPipeline.store).
    // Two pages stored at once may hold the same ticket (updated during the export): the upsert
    // keeps the newer version whichever commits first (its WHERE compares updated_at).
    let redeliver = resuming ? REDELIVER_PAGES : 0;
    /** Page bookkeeping in page order, once its store is done: counts, next state, hand-on. */
    const stored = async (s: { page: TicketPage; stored: Promise<StoredBatch> }): Promise<boolean> => {
      const { page } = s;
      const batch = await s.stored;
      out.inserted += batch.inserted.length;
      out.updated += batch.updated.length;
      out.unchanged += batch.unchanged.length;
      for (const t of page.tickets) highWater = maxDate(highWater, t.updatedAt);
      const next: SyncState = page.done
        ? { highWater, page: null, runSince: null, backfilled: true }
        : {
            highWater,
            page: page.cursor,
            runSince: since.toISOString(),
            backfilled: state.backfilled ?? false,
          };
      if (handing && !(await handing)) return false;
      handing = finishPage(page.tickets.length, batch, next, page.done ? null : page.cursor);
      handing.catch(() => undefined); // awaited below
      return true;
    };
    for (;;) {
      const page = await pending;
      if (!page.done && JSON.stringify(page.cursor) === JSON.stringify(cursor))
        throw new ConnectorError(
          'The helpdesk returned the same page twice; the sync stopped to avoid a loop.',
          'bad_response',
        );
      // Fetch the next page while this one (and the one before) is stored.
      if (!page.done) pending = fetchPage(page.cursor);
      cursor = page.cursor;
      const current = {
        page,
        stored: deps.tickets
          .store(c.workspaceId, { sourceKey: c.id, connectorId: c.id }, page.tickets, {
            redelivered: redeliver-- > 0,
          })
          .then(async (batch) => {
            // Counted as stored, not as cursored (nor in page order): a page stored past a stopped
            // run's cursor comes back unchanged in the resumed run, and its tickets must still be
            // counted once.
            if (batch.inserted.length) await addTicketsSeen(deps.pool, [c.id, batch.inserted.length]);
            return batch;
          }),
      };
      current.stored.catch(() => undefined); // awaited in order by stored()
      const previous: typeof storing = storing;
      storing = current;
      if (previous && !(await stored(previous))) return lostLease();
      if (page.done) break;
    }
    if (storing && !(await stored(storing))) return lostLease();
    if (!(await handing)) return lostLease();
    const at = now();
    const done = await finishConnectorSync(deps.pool, [
      c.id,
      owner,
      at,
      c.syncMode === 'webhook' ? null : new Date(at.getTime() + pollMinutes(c) * 60_000),
      JSON.stringify({
        phase: 'done',
        finishedAt: at.toISOString(),
        owner: null,
        leaseUntil: null,
        rerun: false,
      }),
    ]);
    out.result = done.rows[0] ? 'done' : 'lost_lease';
    out.rerun = done.rows[0]?.rerun === true;
    deps.log?.info(
      { connectorId: c.id, platform: c.platform, pages: out.pages, fetched: out.fetched },
      'connector sync finished',
    );
    if (done.rows[0] && (!state.backfilled || c.lastError))
      await deps
        .notify?.(
          c,
          !state.backfilled
            ? `✅ ${c.name}: first sync finished — ${out.inserted + out.updated} tickets stored. It now keeps up ${c.syncMode === 'webhook' ? 'by webhook' : `every ${pollMinutes(c)} minutes`}.`
            : `✅ ${c.name} syncs again (${out.fetched} tickets fetched).`,
        )
        .catch(() => undefined);
    return out;
  } catch (err) {
    // A page still being handed on finishes first (its cursor may still be saved: it was stored),
    // and a store still running ends before the run is marked failed.
    await handing?.catch(() => undefined);
    await storing?.stored.catch(() => undefined);
    return fail(err);
  }
}
