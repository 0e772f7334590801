import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import {
  applyAction,
  ingestUsage,
  InputError,
  type ActionName,
  type EngineDeps,
} from '../../engine/index.js';
import { actionParamsFromInputs } from '../../chat/action-params.js';
import type { Database } from '../../store/database.js';
import { listCustomers, listPeople, personById } from '../../store/directory.js';
import { sendError } from '../../http/kit.js';
import type { CsvImportService } from '../../csv-import/types.js';
import { playgroundCsvRoutes } from './csv-routes.js';
import type { PlaygroundTrust } from './trust.js';
import type { ChatServices } from '../../chat/services.js';
import { issueApiKey } from '../../store/workspaces.js';
import type { Person } from '../../engine/index.js';
import {
  selectPlaygroundMessagesByChannelPersonId,
  selectWorkspacesIdName,
  selectWorkspacesIdNameById,
  selectWorkspacesIdNameIsDemo,
} from '../../store/playground.js';

const require = createRequire(import.meta.url);

/** The card's submitted values as strings (the page posts the inputs and the button's data). */
const stringsOf = (o: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(o)
      .filter(([, v]) => ['string', 'number', 'boolean'].includes(typeof v))
      .map(([k, v]) => [k, String(v)]),
  );
// The page is static and lives beside the sources; dist/ resolves back to src/ (no copy step).
const STATIC_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../src/api/playground/static');
const VENDOR_DIR = dirname(require.resolve('adaptivecards/dist/adaptivecards.js'));

/**
 * The playground: a browser chat client for the `playground` channel (all-in-one mode).
 * It acts as any person of the workspace without signing in, so by default
 * (FINCELO_PLAYGROUND=local) it answers only this machine with this start's token (trust.ts).
 */
export function playgroundRoutes(deps: {
  database: Database;
  engine: EngineDeps;
  trust: PlaygroundTrust;
  /** The chat commands and settings forms every channel shares (src/chat/services.ts). */
  services: ChatServices;
  /** API keys of demo workspaces seeded by this start (offered to admins, then forgotten). */
  demoKeys: Map<string, string>;
  /** CSV ticket import (issue 6): the upload control and its card actions. */
  csv?: CsvImportService;
}): Router {
  const { pool } = deps.database;
  const r = Router();
  r.use(deps.trust.middleware);
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
        ? (await selectWorkspacesIdNameById(pool, [wanted])).rows[0]
        : (await selectWorkspacesIdName(pool)).rows[0];
    return row ?? null;
  }

  /** The person acting (the "Viewing as" menu), in the workspace the page shows. */
  async function actorOf(
    req: Request,
    personId: unknown,
  ): Promise<{ ws: { id: string; name: string }; actor: Person } | null> {
    const ws = await workspace(req);
    if (!ws || typeof personId !== 'string' || !/^[0-9a-f-]{36}$/i.test(personId)) return null;
    const actor = await personById(pool, ws.id, personId);
    return actor ? { ws, actor } : null;
  }

  // The workspace picker: every workspace of this (local) deployment, newest demo first.
  r.get(
    '/api/workspaces',
    route(async (_req, res) => {
      const rows = (await selectWorkspacesIdNameIsDemo(pool)).rows;
      res.json({
        workspaces: rows.map((w) => ({ id: w.id, name: w.name, isDemo: Boolean(w.is_demo) })),
      });
    }),
  );

  /**
   * The composer: the same commands as `/fincelo` in Slack or Teams (ChatServices.command), plus
   * `connectors`, which opens the settings form at its Connectors section. A leading `/fincelo`
   * is optional. `settings` answers with the form model the page renders as a dialog.
   */
  r.post(
    '/api/command',
    route(async (req, res) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const who = await actorOf(req, b.personId);
      if (!who) return sendError(res, 400, 'personId: pick a person first.');
      if (typeof b.text !== 'string' || b.text.length > 2000)
        return sendError(res, 400, 'text: type a command (at most 2000 characters), e.g. help.');
      const text = b.text.trim().replace(/^\/fincelo\b\s*/i, '');
      const connectors = /^connectors?$/i.test(text);
      const reply = await deps.services.command(
        who.ws.id,
        who.actor,
        connectors ? 'settings' : text,
        'playground',
      );
      let form: unknown = undefined;
      if (reply.openForm) {
        const model = await deps.services.settingsForm(who.ws.id, who.actor, reply.openForm);
        form = 'refused' in model ? undefined : model;
      }
      res.json({
        kind: connectors ? 'connectors' : reply.kind,
        text: connectors && form ? 'Opening the connector settings…' : reply.text,
        refused: reply.refused ?? false,
        ...(form ? { form, focus: connectors ? 'connector.' : undefined } : {}),
      });
    }),
  );

  const FORMS = new Set(['general', 'person', 'customer']);
  r.get(
    '/api/forms/:form',
    route(async (req, res) => {
      const form = String(req.params.form);
      if (!FORMS.has(form)) return sendError(res, 404, 'form: general, person or customer.');
      const who = await actorOf(req, req.query.personId);
      if (!who) return sendError(res, 400, 'personId: pick a person first.');
      const externalId = typeof req.query.externalId === 'string' ? req.query.externalId : '';
      const model = await deps.services.settingsForm(
        who.ws.id,
        who.actor,
        form,
        externalId ? { externalId } : {},
      );
      if ('refused' in model) return sendError(res, 403, model.refused);
      res.json({ form: model });
    }),
  );

  r.post(
    '/api/forms/:form',
    route(async (req, res) => {
      const form = String(req.params.form);
      if (!FORMS.has(form)) return sendError(res, 404, 'form: general, person or customer.');
      const b = (req.body ?? {}) as Record<string, unknown>;
      const who = await actorOf(req, b.personId);
      if (!who) return sendError(res, 400, 'personId: pick a person first.');
      const raw = (b.values ?? {}) as Record<string, unknown>;
      const ctx = (b.context ?? {}) as Record<string, unknown>;
      if (typeof raw !== 'object' || Array.isArray(raw))
        return sendError(res, 400, 'values: an object of field id → text.');
      const model = await deps.services.settingsForm(who.ws.id, who.actor, form, {
        ...(typeof ctx.externalId === 'string' ? { externalId: ctx.externalId } : {}),
      });
      if ('refused' in model) return sendError(res, 403, model.refused);
      // Only the form's own fields are read, as every channel does.
      const values: Record<string, string> = {};
      for (const f of model.fields) if (typeof raw[f.id] === 'string') values[f.id] = raw[f.id] as string;
      const result = await deps.services.saveSettingsForm(
        who.ws.id,
        who.actor,
        form,
        values,
        model.context ?? {},
      );
      if (!result.ok)
        return void res
          .status(Object.keys(result.errors).length ? 422 : 403)
          .json({ ok: false, errors: result.errors, message: result.message ?? 'Nothing was saved.' });
      const savedCtx =
        form !== 'general' && !model.context?.externalId && values.externalId
          ? { externalId: values.externalId }
          : (model.context ?? {});
      const fresh = await deps.services.settingsForm(who.ws.id, who.actor, form, savedCtx);
      await deps.engine.scheduler.kick('deliver:playground');
      res.json({ ok: true, message: result.message, form: 'refused' in fresh ? undefined : fresh });
    }),
  );

  /**
   * The way from the demo to the API: an admin sees the demo key printed at this start, or gets
   * a new key for the workspace (keys are stored hashed; an old one cannot be shown again).
   */
  r.post(
    '/api/api-key',
    route(async (req, res) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const who = await actorOf(req, b.personId);
      if (!who) return sendError(res, 400, 'personId: pick a person first.');
      if (!(who.actor.isAdmin || who.actor.role === 'admin'))
        return sendError(res, 403, 'Only workspace admins can see API keys.');
      const demo = deps.demoKeys.get(who.ws.id);
      if (demo && b.new !== true)
        return void res.json({ apiKey: demo, workspaceId: who.ws.id, created: false });
      const apiKey = await issueApiKey(deps.database.db, who.ws.id, `playground (${who.actor.name})`);
      res.status(201).json({ apiKey, workspaceId: who.ws.id, created: true });
    }),
  );

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
          isAdmin: p.isAdmin || p.role === 'admin',
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
      const rows = (await selectPlaygroundMessagesByChannelPersonId(pool, [personId])).rows;
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
      const params = (b.params ?? {}) as Record<string, unknown>;
      const ws = await workspace(req);
      const actor =
        ws && typeof b.personId === 'string' && /^[0-9a-f-]{36}$/i.test(b.personId)
          ? await personById(pool, ws.id, b.personId)
          : null;
      if (!ws || typeof b.personId !== 'string')
        return void res.status(400).json({ ok: false, message: 'Pick a person first.' });
      if (!actor)
        return void res.status(403).json({
          ok: false,
          message: `Fincelo doesn't know that person in ${ws.name}: pick someone under "Viewing as", or ask an admin to add you.`,
        });
      if (typeof b.alertId !== 'string' || !/^[0-9a-f-]{36}$/i.test(b.alertId))
        return void res.status(400).json({ ok: false, message: 'This card has no alert id.' });
      if (b.action === 'schedule_follow_up' && (!params.date || !params.time))
        return void res.status(400).json({ ok: false, message: 'Pick a date and a time for the follow-up.' });
      // The card's inputs (Snooze's `until`, Escalate now's note and step, …) read as on every channel.
      const parsed = actionParamsFromInputs(String(b.action) as ActionName, stringsOf(params), actor);
      if (!parsed.ok) return void res.status(400).json({ ok: false, message: parsed.message });
      const result = await applyAction(deps.engine, {
        workspaceId: ws.id,
        alertId: b.alertId,
        action: String(b.action) as never,
        actor,
        source: { channel: 'playground', eventId: typeof b.eventId === 'string' ? b.eventId : undefined },
        params: parsed.params,
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
