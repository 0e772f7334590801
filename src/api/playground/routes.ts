import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import {
  applyAction,
  ingestUsage,
  InputError,
  localDateTimeToUtc,
  type EngineDeps,
} from '../../engine/index.js';
import type { Database } from '../../store/database.js';
import { listCustomers, listPeople, personById } from '../../store/directory.js';
import { sendError } from '../v1/routes.js';
import type { CsvImportService } from '../../services/csv-import.js';
import { playgroundCsvRoutes } from './csv-routes.js';

const require = createRequire(import.meta.url);
// The page is static and lives beside the sources; dist/ resolves back to src/ (no copy step).
const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../src/api/playground/static');
const VENDOR_DIR = dirname(require.resolve('adaptivecards/dist/adaptivecards.js'));

function isLoopback(req: Request): boolean {
  const a = req.socket.remoteAddress ?? '';
  return a === '127.0.0.1' || a === '::1' || a === '::ffff:127.0.0.1';
}

/**
 * The playground: a browser chat client for the `playground` channel (all-in-one mode).
 * By default it answers only requests from this machine (FINCELO_PLAYGROUND=local), because it
 * acts as any person of the workspace without signing in.
 */
export function playgroundRoutes(deps: {
  database: Database;
  engine: EngineDeps;
  exposure: 'local' | 'public' | 'off';
  /** CSV ticket import (issue 6): the upload control and its card actions. */
  csv?: CsvImportService;
}): Router {
  const { pool } = deps.database;
  const r = Router();
  r.use((req, res, next) => {
    if (deps.exposure === 'local' && !isLoopback(req)) {
      return sendError(
        res,
        403,
        'The playground only answers requests from this machine. Set FINCELO_PLAYGROUND=public to expose it (no sign-in!).',
      );
    }
    next();
  });
  r.get('/vendor/adaptivecards.js', (_req, res) => res.sendFile(join(VENDOR_DIR, 'adaptivecards.js')));
  r.get('/vendor/adaptivecards.css', (_req, res) => res.sendFile(join(VENDOR_DIR, 'adaptivecards.css')));
  r.use(express.static(STATIC_DIR, { index: 'index.html' }));

  const route =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction) => {
      fn(req, res).catch(next);
    };

  async function workspace(req: Request): Promise<{ id: string; name: string } | null> {
    const wanted = typeof req.query.workspaceId === 'string' ? req.query.workspaceId : null;
    const row =
      wanted && /^[0-9a-f-]{36}$/i.test(wanted)
        ? (await pool.query('SELECT id, name FROM workspaces WHERE id = $1', [wanted])).rows[0]
        : (await pool.query('SELECT id, name FROM workspaces ORDER BY is_demo DESC, created_at LIMIT 1'))
            .rows[0];
    return row ?? null;
  }

  r.get(
    '/api/people',
    route(async (req, res) => {
      const ws = await workspace(req);
      if (!ws)
        return sendError(res, 404, 'No workspace yet: run `fincelo demo` or `fincelo workspace create`.');
      const people = await listPeople(pool, ws.id);
      res.json({
        workspaceId: ws.id,
        workspaceName: ws.name,
        people: people.map((p) => ({
          id: p.id,
          externalId: p.externalId,
          name: p.name,
          role: p.role,
          email: p.email,
        })),
      });
    }),
  );

  r.get(
    '/api/customers',
    route(async (req, res) => {
      const ws = await workspace(req);
      if (!ws) return sendError(res, 404, 'No workspace yet.');
      const people = new Map((await listPeople(pool, ws.id)).map((p) => [p.id, p.name]));
      const customers = await listCustomers(pool, ws.id);
      res.json({
        customers: customers.map((c) => ({
          externalId: c.externalId,
          name: c.name,
          tier: c.tier,
          csmName: c.csmId ? people.get(c.csmId) : null,
        })),
      });
    }),
  );

  r.get(
    '/api/messages',
    route(async (req, res) => {
      const personId = String(req.query.personId ?? '');
      if (!/^[0-9a-f-]{36}$/i.test(personId)) return sendError(res, 400, 'personId is required.');
      const rows = (
        await pool.query(
          `SELECT m.id, m.thread_root_id, m.card, m.text, m.created_at, m.updated_at FROM playground_messages m
           JOIN conversations c ON c.id = m.conversation_id
           WHERE c.channel = 'playground' AND c.person_id = $1 AND (m.visible_to IS NULL OR m.visible_to = $1)
           ORDER BY m.id`,
          [personId],
        )
      ).rows;
      res.json({
        messages: rows.map((m) => ({
          id: Number(m.id),
          threadRootId: m.thread_root_id === null ? null : Number(m.thread_root_id),
          card: m.card,
          text: m.text,
          createdAt: m.created_at.toISOString(),
          updatedAt: m.updated_at.toISOString(),
        })),
      });
    }),
  );

  r.post(
    '/api/actions',
    route(async (req, res) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const params = (b.params ?? {}) as Record<string, string>;
      const ws = await workspace(req);
      const actor =
        ws && typeof b.personId === 'string' && /^[0-9a-f-]{36}$/i.test(b.personId)
          ? await personById(pool, ws.id, b.personId)
          : null;
      if (!ws || !actor) return void res.status(400).json({ ok: false, message: 'Pick a person first.' });
      if (typeof b.alertId !== 'string' || !/^[0-9a-f-]{36}$/i.test(b.alertId))
        return void res.status(400).json({ ok: false, message: 'This card has no alert id.' });
      let dueAt: string | undefined;
      if (b.action === 'schedule_follow_up') {
        if (!params.date || !params.time)
          return void res
            .status(400)
            .json({ ok: false, message: 'Pick a date and a time for the follow-up.' });
        const utc = localDateTimeToUtc(params.date, params.time, actor.timezone);
        if (!utc) return void res.status(400).json({ ok: false, message: 'That date or time is not valid.' });
        dueAt = utc.toISOString();
      }
      const result = await applyAction(deps.engine, {
        workspaceId: ws.id,
        alertId: b.alertId,
        action: String(b.action) as never,
        actor,
        source: { channel: 'playground', eventId: typeof b.eventId === 'string' ? b.eventId : undefined },
        params: {
          outcome: params.outcome,
          notes: params.notes,
          title: params.title,
          toPersonId: params.toPersonId,
          dueAt,
        },
      });
      if (!result.ok)
        return void res
          .status(
            result.code === 'forbidden'
              ? 403
              : result.code === 'not_found'
                ? 404
                : result.code === 'conflict'
                  ? 409
                  : 400,
          )
          .json({ ok: false, message: result.message });
      // The playground is the channel here: send its deliveries now so the page updates at once.
      await deps.engine.scheduler.kick('deliver:playground');
      res.json({ ok: true, message: result.message });
    }),
  );

  if (deps.csv) r.use(playgroundCsvRoutes({ pool, csv: deps.csv, workspace }));

  r.post(
    '/api/usage',
    route(async (req, res) => {
      const ws = await workspace(req);
      if (!ws) return sendError(res, 404, 'No workspace yet.');
      const b = (req.body ?? {}) as Record<string, unknown>;
      const used = Number(b.used);
      const limit = Number(b.limit);
      if (typeof b.customerExternalId !== 'string' || !Number.isFinite(used) || !(limit > 0)) {
        return void res
          .status(400)
          .json({ ok: false, message: 'Choose a customer and give used ≥ 0 and limit > 0.' });
      }
      try {
        const [outcome] = await ingestUsage(deps.engine, ws.id, [
          { customerExternalId: b.customerExternalId, used, limit },
        ]);
        res.json({ ok: true, outcome });
      } catch (err) {
        if (err instanceof InputError)
          return void res.status(err.status).json({ ok: false, message: err.message });
        throw err;
      }
    }),
  );
  return r;
}
