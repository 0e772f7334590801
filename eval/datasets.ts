/**
 * Where the labelled sets live, for `npm run eval` and `scripts/train-analyzer.ts`.
 *
 * The project's own sets are in `datasets/` (committed). Public sets are not ours to commit: they are
 * read from `$FINCELO_DATASETS_DIR` when set, else from `../shared/datasets` next to the clone. A
 * missing set is never an error: callers get `null` plus a one-line reason to print.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The directory public sets are read from, and how it was chosen. */
export function publicDatasetsDir(): { dir: string; from: string } {
  const env = process.env.FINCELO_DATASETS_DIR;
  if (env) return { dir: resolve(env), from: 'FINCELO_DATASETS_DIR' };
  return { dir: resolve(root, '..', 'shared', 'datasets'), from: 'default ../shared/datasets' };
}

export const readJsonl = <T>(path: string): T[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);

export type Loaded<T> = { rows: T[]; path: string } | { rows: null; path: string; why: string };

/** Reads a JSON-lines file, or says in one line why it could not. */
export function tryJsonl<T>(path: string): Loaded<T> {
  if (!existsSync(path)) return { rows: null, path, why: `not found at ${path}` };
  try {
    return { rows: readJsonl<T>(path), path };
  } catch (e) {
    return { rows: null, path, why: `unreadable (${(e as Error).message.split('\n')[0]})` };
  }
}

/** A public set by its path under the datasets directory (e.g. `goemotions/train.jsonl`). */
export function publicSet<T>(rel: string): Loaded<T> {
  const { dir, from } = publicDatasetsDir();
  const r = tryJsonl<T>(join(dir, rel));
  if (!r.rows) {
    const hint = process.env.FINCELO_DATASETS_DIR
      ? 'from FINCELO_DATASETS_DIR'
      : `${from}; set FINCELO_DATASETS_DIR to the public sets' folder`;
    return { ...r, why: `${r.why} (${hint})` };
  }
  return r;
}

/** One of the project's own sets (`datasets/<rel>`). */
export const ownSet = <T>(rel: string): Loaded<T> => tryJsonl<T>(join(root, 'datasets', rel));

/** A row of ../shared/datasets/external-eval (see its README). */
export interface ExternalRow {
  id: string;
  source: string;
  split: string;
  subject: string;
  text: string;
  source_label: string;
  category: string | null;
  category_group: string;
  polarity: 'negative' | 'neutral' | 'positive' | null;
  negative: boolean | null;
  extra?: { probe?: string; tags?: string | string[] };
}

/** A labelled ticket of the project's own sets and of the blind set. */
export interface LabelledTicket {
  id: string;
  subject: string;
  body: string;
  sentiment: string;
  category: string;
  flags: string[];
  churnSignal?: boolean;
}

export interface GoEmotionsRow {
  id: string;
  text: string;
  label: string;
}

/** The external sets that may be trained on (70 % splits with a licence that permits it). */
export const EXTERNAL_TRAIN = ['bitext', 'banking77', 'clinc150'].map(
  (s) => `external-eval/${s}.train.jsonl`,
);

/**
 * `datasets/b2b-written/part-*.jsonl`: tickets written by hand (by sessions that never saw the blind
 * set, the analyzer or its training data) to give the analyzer in-domain text with real variety.
 * Every fifth ticket (id number ≡ 0 mod 5) is its dev split: weights and thresholds are chosen on
 * it; the rest is trained on.
 */
export function writtenSet(split: 'train' | 'dev'): LabelledTicket[] {
  const rows: LabelledTicket[] = [];
  for (const part of ['part-a', 'part-b', 'part-c']) {
    const r = ownSet<LabelledTicket>(`b2b-written/${part}.jsonl`);
    if (r.rows) rows.push(...r.rows);
  }
  const isDev = (t: LabelledTicket) => Number(t.id.replace(/\D/g, '')) % 5 === 0;
  return rows.filter((t) => (split === 'dev' ? isDev(t) : !isDev(t)));
}
