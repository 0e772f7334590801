import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type pg from 'pg';
import { personById } from '../../store/directory.js';
import { tooLargeMessage } from '../../connectors/csv/index.js';
import { CSV_STEPS, type CsvImportService, type CsvStep } from '../../csv-import/types.js';
import { type CardMessage } from '../../channels/port.js';
import {
  insertPlaygroundMessages2,
  updatePlaygroundMessagesByIdWorkspaceId,
  upsertConversations,
} from '../../store/playground.js';

/**
 * The playground's CSV upload (issue 6): an upload starts a thread in the person's playground
 * conversation whose root message is the import's card (updated in place at each step);
 * progress, the summary and the error report link are replies in that thread.
 *
 *   POST /api/csv/upload?workspaceId&personId&filename   body: the file (application/octet-stream)
 *   POST /api/csv/action  {personId, importId, step, values}
 *   GET  /api/csv/:importId/report?personId               the skipped rows as CSV
 */
export function playgroundCsvRoutes(deps: {
  pool: pg.Pool;
  csv: CsvImportService;
  workspace(req: Request): Promise<{ id: string } | null>;
}): Router {
  const { pool, csv } = deps;
  const r = Router();
  const route =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction) => {
      fn(req, res).catch(next);
    };
  const fail = (res: Response, status: number, message: string) =>
    void res.status(status).json({ ok: false, message });

  async function actorOf(req: Request, personId: unknown) {
    const ws = await deps.workspace(req);
    if (!ws || typeof personId !== 'string' || !/^[0-9a-f-]{36}$/i.test(personId)) return null;
    const actor = await personById(pool, ws.id, personId);
    return actor ? { ws, actor } : null;
  }

  async function conversationOf(workspaceId: string, personId: string): Promise<string> {
    const row = (await upsertConversations(pool, [workspaceId, personId, `person:${personId}`])).rows[0] as {
      id: string;
    };
    return row.id;
  }

  const post = async (
    workspaceId: string,
    conversationId: string,
    f: { card?: unknown; text: string; root?: string | null; visibleTo?: string },
  ) =>
    String(
      (
        await insertPlaygroundMessages2(pool, [
          workspaceId,
          conversationId,
          f.root ? Number(f.root) : null,
          f.card ? JSON.stringify(f.card) : null,
          f.text,
          f.visibleTo ?? null,
        ])
      ).rows[0].id,
    );
  const update = (workspaceId: string, messageId: string, msg: CardMessage) =>
    updatePlaygroundMessagesByIdWorkspaceId(pool, [
      Number(messageId),
      workspaceId,
      JSON.stringify(msg.card),
      msg.text,
    ]);

  r.post(
    '/api/csv/upload',
    // The size is checked from Content-Length before the body is read (the issue: nothing is read).
    (req, res, next) => {
      const length = Number(req.headers['content-length'] ?? NaN);
      if (Number.isFinite(length) && length > csv.maxBytes) return fail(res, 413, tooLargeMessage(length));
      next();
    },
    express.raw({ type: () => true, limit: csv.maxBytes }),
    route(async (req, res) => {
      const who = await actorOf(req, req.query.personId);
      if (!who) return fail(res, 400, 'Pick a person first.');
      const filename =
        typeof req.query.filename === 'string' && req.query.filename
          ? req.query.filename.slice(0, 255)
          : 'upload.csv';
      const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const pre = csv.precheck({ actor: who.actor, filename, sizeBytes: bytes.length });
      if (pre) return fail(res, pre.includes('10 MB') ? 413 : 403, pre);
      const conversation = await conversationOf(who.ws.id, who.actor.id);
      // The thread root is the import's card; it is created first so its id can be the origin.
      const root = await post(who.ws.id, conversation, { text: `📎 ${filename}` });
      const reply = await csv.startImport({
        workspaceId: who.ws.id,
        actor: who.actor,
        channel: 'playground',
        filename,
        bytes,
        origin: { channel: 'playground', conversation, thread: root },
      });
      if (!reply.ok) {
        await post(who.ws.id, conversation, { text: reply.error, root });
        return fail(res, 422, reply.error);
      }
      await update(who.ws.id, root, reply.message);
      res.json({ ok: true, importId: reply.importId, threadRootId: Number(root) });
    }),
  );

  r.post(
    '/api/csv/action',
    route(async (req, res) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      const who = await actorOf(req, b.personId);
      if (!who) return fail(res, 400, 'Pick a person first.');
      if (typeof b.importId !== 'string' || !(CSV_STEPS as readonly unknown[]).includes(b.step))
        return fail(res, 400, 'This card has no CSV import.');
      const origin = await csv.origin(who.ws.id, b.importId);
      if (!origin?.thread) return fail(res, 404, 'This CSV import no longer exists.');
      const root = origin.thread;
      const conversation = origin.conversation;
      const reply = await csv.handleAction({
        workspaceId: who.ws.id,
        actor: who.actor,
        importId: b.importId,
        step: b.step as CsvStep,
        values: typeof b.values === 'object' && b.values ? (b.values as Record<string, unknown>) : {},
        progress: async (text) => void (await post(who.ws.id, conversation, { text, root })),
      });
      if (!reply.ok) return fail(res, 409, reply.error);
      await update(who.ws.id, root, reply.message);
      if (reply.done) {
        // Long imports finish after this response: the card and the thread are updated then.
        void reply.done.then(async (result) => {
          await update(who.ws.id, root, result.message);
          await post(who.ws.id, conversation, { text: result.message.text, root });
          if (result.report)
            await post(who.ws.id, conversation, {
              text: `Error report (${result.stats.skipped} skipped rows): ${result.reportUrl ?? `/playground/api/csv/${reply.importId}/report?personId=${who.actor.id}&workspaceId=${who.ws.id}`}`,
              root,
            });
        });
      }
      res.json({ ok: true, message: reply.message.text });
    }),
  );

  r.get(
    '/api/csv/:importId/report',
    route(async (req, res) => {
      const who = await actorOf(req, req.query.personId);
      if (!who) return fail(res, 400, 'Pick a person first.');
      const report = await csv.errorReport(who.ws.id, String(req.params.importId));
      if (!report) return fail(res, 404, 'No error report for this import.');
      res.type('text/csv; charset=utf-8').attachment(report.filename).send(report.content);
    }),
  );
  return r;
}
