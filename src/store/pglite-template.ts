/**
 * A pristine PGlite data directory made once per install, copied for every new embedded
 * database. Running Postgres's initdb inside the serving process took 4.5–8.8 s and left it at
 * ~800 MB resident (measured by `npm run bench`); copying the template and opening it takes
 * about a second. The template is built in a child process so its memory is returned.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { migrate, migrationsFingerprint } from './migrate.js';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const projectRoot = join(here, '..', '..');

/** Settings for every embedded database: a small buffer pool suits one process's working set. */
export const PGLITE_CONF = ['shared_buffers=16MB'];

function pgliteVersion(): string {
  // The package does not export ./package.json; find it beside its resolved entry point.
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Keyed by PGlite's version and the committed migrations, which the template already has applied. */
export function templateDir(): string {
  return join(
    projectRoot,
    'node_modules',
    '.cache',
    `fincelo-pglite-${pgliteVersion()}-${migrationsFingerprint()}`,
  );
}

async function initInto(dir: string): Promise<void> {
  const db = await PGlite.create(dir, { postgresqlconf: PGLITE_CONF });
  await migrate({
    connect: async () => ({
      query: async (sql: string, params?: unknown[]) => ({
        rows: (await db.query<Record<string, unknown>>(sql, params)).rows,
      }),
      release: () => {},
    }),
  });
  await db.close();
}

/** Builds the template if it is missing (in a child process when the compiled script exists). */
export async function ensureTemplate(): Promise<string> {
  const dir = templateDir();
  if (existsSync(join(dir, 'PG_VERSION'))) return dir;
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const script = join(projectRoot, 'dist', 'store', 'pglite-template.js');
  if (existsSync(script)) {
    const r = spawnSync(process.execPath, [script, tmp], { stdio: 'inherit' });
    if (r.status !== 0)
      throw new Error(`Could not initialise the embedded database template (exit ${r.status}).`);
  } else {
    await initInto(tmp);
  }
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another process made it first
  }
  return dir;
}

/** Copies the template into `target` (a data directory that does not exist yet). */
export async function createFromTemplate(target: string): Promise<void> {
  const template = await ensureTemplate();
  cpSync(template, target, { recursive: true });
}

// `node dist/store/pglite-template.js <dir>` builds a template (used by ensureTemplate and `npm install`).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = process.argv[2];
  if (target) await initInto(target);
  else console.log(`fincelo: embedded database template at ${await ensureTemplate()}`);
}
