import { randomBytes, createHash, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { EngineDeps } from '../engine/index.js';
import type { Database } from '../store/database.js';
import { createWorkspace } from '../store/workspaces.js';
import { sendError } from '../http/kit.js';
import { FORWARDING_HEADERS } from './playground/trust.js';
import { seedDemo } from '../demo/seed.js';

/**
 * The CLI beside a running all-in-one server. The embedded database (PGlite) serves one process,
 * so while `npm start` holds it `fincelo workspace create` and `fincelo demo` cannot open it.
 * Instead the server publishes a door for them: `POST /local-admin/workspaces` and
 * `POST /local-admin/demo`, answered only
 *  - to a socket on this machine (loopback), with no proxy header (a local proxy would relay
 *    anyone's request from loopback), and
 *  - with `Authorization: Bearer <secret>`, where the secret is new at every start and written to
 *    `<data dir>/local-admin.json` readable by the owner only (mode 600) — the same person who may
 *    read the database files in that directory anyway.
 * The file is removed on shutdown; a stale one (after kill -9) is harmless: its secret and port
 * belong to a process that is gone.
 */
export const LOCAL_ADMIN_FILE = 'local-admin.json';

export interface LocalAdminFile {
  url: string;
  secret: string;
  pid: number;
}

const digest = (v: string) => createHash('sha256').update(v).digest();

export function localAdminRoutes(deps: { database: Database; engine: EngineDeps }): {
  router: Router;
  secret: string;
} {
  const secret = randomBytes(32).toString('base64url');
  const wanted = digest(secret);
  const r = Router();
  r.use((req: Request, res: Response, next: NextFunction) => {
    const a = req.socket.remoteAddress ?? '';
    const loopback = a === '::1' || a.startsWith('127.') || a.startsWith('::ffff:127.');
    if (!loopback || FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined))
      return sendError(res, 403, 'The local admin endpoint answers the CLI on this machine only.');
    const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    if (!m || !timingSafeEqual(digest(m[1]!), wanted))
      return sendError(res, 401, `Missing or wrong local admin secret (see ${LOCAL_ADMIN_FILE}).`);
    next();
  });
  const route =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response, next: NextFunction) =>
      void fn(req, res).catch(next);
  r.post(
    '/workspaces',
    route(async (req, res) => {
      const b = (req.body ?? {}) as Record<string, unknown>;
      if (typeof b.name !== 'string' || !b.name.trim() || b.name.length > 200)
        return sendError(res, 400, 'name: give the workspace a name (1–200 characters).');
      const timezone = typeof b.timezone === 'string' ? b.timezone : 'UTC';
      try {
        new Intl.DateTimeFormat('en', { timeZone: timezone });
      } catch {
        return sendError(res, 400, `timezone: "${timezone}" is not an IANA time zone (e.g. Europe/London).`);
      }
      res.status(201).json(await createWorkspace(deps.database.db, { name: b.name.trim(), timezone }));
    }),
  );
  r.post(
    '/demo',
    route(async (_req, res) => {
      res.status(201).json(await seedDemo(deps.database, deps.engine));
    }),
  );
  return { router: r, secret };
}

/** Writes the door's address and secret (owner-only); returns the cleanup that removes it. */
export async function publishLocalAdmin(
  dataDir: string,
  url: string,
  secret: string,
): Promise<() => Promise<void>> {
  const file = join(dataDir, LOCAL_ADMIN_FILE);
  const body: LocalAdminFile = { url, secret, pid: process.pid };
  await writeFile(file, JSON.stringify(body) + '\n', { mode: 0o600 });
  await chmod(file, 0o600); // an older file keeps its mode on overwrite
  return async () => {
    const now = await readLocalAdmin(dataDir);
    if (now?.secret === secret) await rm(file, { force: true });
  };
}

export async function readLocalAdmin(dataDir: string): Promise<LocalAdminFile | null> {
  try {
    const v = JSON.parse(await readFile(join(dataDir, LOCAL_ADMIN_FILE), 'utf8')) as LocalAdminFile;
    return typeof v.url === 'string' && typeof v.secret === 'string' ? v : null;
  } catch {
    return null;
  }
}
