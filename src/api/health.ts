import { Router } from 'express';
import type pg from 'pg';
import { pendingMigrations } from '../store/migrate.js';
import type { Metrics } from '../metrics.js';

/** `/healthz` (process up), `/readyz` (database reachable, migrations applied), `/metrics`. */
export function healthRoutes(deps: {
  pool: pg.Pool;
  metrics: Metrics;
  role: string;
  started?: () => boolean;
}): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', role: deps.role });
  });
  r.get('/readyz', async (_req, res) => {
    if (deps.started && !deps.started()) {
      res.status(503).json({ status: 'not ready', reason: 'starting: job workers are not running yet' });
      return;
    }
    try {
      await deps.pool.query('SELECT 1');
      const pending = await pendingMigrations(deps.pool);
      if (pending.length > 0) {
        res
          .status(503)
          .json({ status: 'not ready', reason: `migrations not applied: ${pending.join(', ')}` });
        return;
      }
      deps.metrics.ready.set(1);
      res.json({ status: 'ready' });
    } catch (err) {
      deps.metrics.ready.set(0);
      res
        .status(503)
        .json({ status: 'not ready', reason: `database unreachable: ${(err as Error).message}` });
    }
  });
  r.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  return r;
}
