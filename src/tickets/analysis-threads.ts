import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Analysis, Analyzer, TicketText } from '../engine/analysis/types.js';
import type { LocalAnalyzer } from '../engine/analysis/local.js';

/**
 * The local analyzer on worker threads: the calls made in one turn of the event loop (the support
 * intelligence scores a page of tickets with one `analyze` call per ticket, all at once) are
 * gathered and sent to the threads in chunks, so a backfill's scoring (≈ 0.2 ms of CPU per ticket,
 * issue 18) runs on the other core while the main thread fetches and stores the next page.
 *
 * Same analyzer, same name and version, same results: the threads run `createLocalAnalyzer()`.
 * Small batches (a webhook's ticket) are scored in-thread: posting them costs more than scoring.
 * Threads start on the first large batch and stop after `idleMs` without work (idle memory stays
 * that of the main thread); a thread that fails is replaced by in-thread scoring for its chunk.
 */
export interface ThreadedAnalyzerOptions {
  /** Worker threads (default: one per CPU beyond the first, at most 2, at least 1). */
  threads?: number;
  /** Batches smaller than this are scored in-thread (default 64). */
  minBatch?: number;
  /** Threads are stopped after this long without work (default 30 s). */
  idleMs?: number;
  log?: { warn(o: object, m?: string): void };
}

interface Pending {
  ticket: TicketText;
  resolve(a: Analysis): void;
  reject(err: unknown): void;
}

interface Lane {
  worker: Worker;
  busy: number;
  calls: Map<number, { items: Pending[] }>;
}

/** The worker module beside this one: compiled `.js` in dist/, the `.ts` source under tsx/jest. */
function workerSource(): { code: string | URL; eval: boolean } | null {
  const self = import.meta.url;
  if (self.endsWith('.js')) return { code: new URL('./analysis-worker.js', self), eval: false };
  // Running from the TypeScript sources (tests, `npm run bench`): the thread registers tsx itself,
  // since a worker does not inherit the main thread's module loader hooks.
  try {
    // The ESM entry: `require.resolve` finds the CommonJS one (index.cjs), which, when imported
    // from a worker, looks for a sibling path that does not exist (tsx 4.x) and the thread dies.
    const api = pathToFileURL(
      createRequire(self)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href;
    const target = new URL('./analysis-worker.ts', self).href;
    return {
      code: `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(target)}); })`,
      eval: true,
    };
  } catch {
    return null;
  }
}

export function threadedAnalyzer(
  local: LocalAnalyzer,
  opts: ThreadedAnalyzerOptions = {},
): Analyzer & { close(): Promise<void> } {
  const threads = Math.max(1, opts.threads ?? Math.min(2, availableParallelism() - 1));
  const minBatch = opts.minBatch ?? 64;
  const idleMs = opts.idleMs ?? 30_000;
  const source = workerSource();
  const lanes: Lane[] = [];
  let queue: Pending[] = [];
  let scheduled = false;
  let nextId = 1;
  let idleTimer: NodeJS.Timeout | undefined;
  let broken = !source;

  const inThread = (items: Pending[]) => {
    for (const p of items) {
      try {
        p.resolve(local.analyze(p.ticket));
      } catch (err) {
        p.reject(err);
      }
    }
  };

  const stopLane = (lane: Lane) => {
    const i = lanes.indexOf(lane);
    if (i >= 0) lanes.splice(i, 1);
    for (const { items } of lane.calls.values()) inThread(items);
    lane.calls.clear();
    void lane.worker.terminate().catch(() => undefined);
  };

  const startLane = (): Lane | null => {
    if (!source) return null;
    let worker: Worker;
    try {
      worker = new Worker(source.code, { eval: source.eval });
    } catch (err) {
      broken = true;
      opts.log?.warn({ err }, 'analysis threads unavailable; scoring on the main thread');
      return null;
    }
    worker.unref(); // an idle thread never holds the process open
    const lane: Lane = { worker, busy: 0, calls: new Map() };
    worker.on('message', (m: { id: number; analyses?: Analysis[]; error?: string }) => {
      const call = lane.calls.get(m.id);
      if (!call) return;
      lane.calls.delete(m.id);
      lane.busy -= call.items.length;
      if (m.analyses) call.items.forEach((p, i) => p.resolve(m.analyses![i]!));
      else inThread(call.items); // the same analyzer in-thread raises the same error, or scores it
      armIdle();
    });
    worker.on('error', (err) => {
      broken = true;
      opts.log?.warn({ err }, 'analysis thread failed; scoring on the main thread');
      stopLane(lane);
    });
    worker.on('exit', () => {
      if (lanes.includes(lane)) stopLane(lane);
    });
    lanes.push(lane);
    return lane;
  };

  function armIdle() {
    clearTimeout(idleTimer);
    if (lanes.some((l) => l.busy > 0)) return;
    idleTimer = setTimeout(() => {
      for (const lane of [...lanes]) if (lane.busy === 0) stopLane(lane);
    }, idleMs);
    idleTimer.unref();
  }

  const flush = () => {
    scheduled = false;
    const items = queue;
    queue = [];
    if (items.length < minBatch || broken) return inThread(items);
    clearTimeout(idleTimer);
    while (lanes.length < threads && startLane());
    if (lanes.length === 0) return inThread(items);
    const size = Math.ceil(items.length / lanes.length);
    for (let i = 0; i < items.length; i += size) {
      const chunk = items.slice(i, i + size);
      const lane = lanes.reduce((a, b) => (b.busy < a.busy ? b : a));
      const id = nextId++;
      lane.calls.set(id, { items: chunk });
      lane.busy += chunk.length;
      lane.worker.postMessage({
        id,
        tickets: chunk.map((p) => ({ id: p.ticket.id, subject: p.ticket.subject, body: p.ticket.body })),
      });
    }
  };

  return {
    name: local.name,
    version: local.version,
    analyze(ticket) {
      return new Promise<Analysis>((resolve, reject) => {
        queue.push({ ticket, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
    async close() {
      clearTimeout(idleTimer);
      for (const lane of [...lanes]) stopLane(lane);
    },
  };
}
