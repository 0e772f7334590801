/**
 * The real-world corpus (`../shared/fixtures/real-world/`, see its README.md and PROVENANCE.md):
 * payloads and exports written outside the project, read in place — never copied into the repo.
 * Located from FINCELO_SHARED_DIR, else `../shared` beside the repository root. Where it is absent
 * (a user's own clone) the corpus suites skip with one line saying so; CI always has it.
 */
import { describe } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const CORPUS_DIR = join(
  process.env.FINCELO_SHARED_DIR ? resolve(process.env.FINCELO_SHARED_DIR) : resolve(repoRoot, '../shared'),
  'fixtures/real-world',
);
export const corpusPresent = existsSync(join(CORPUS_DIR, 'PROVENANCE.md'));

/** `describe` when the corpus is there; otherwise a skipped suite and one line on the console. */
export function describeCorpus(name: string, fn: () => void): void {
  if (corpusPresent) return describe(name, fn);
  console.log(`real-world corpus not found at ${CORPUS_DIR} (set FINCELO_SHARED_DIR): "${name}" skipped`);
  describe.skip(name, fn);
}

export const corpusFiles = (dir: string): string[] =>
  corpusPresent ? readdirSync(join(CORPUS_DIR, dir)).sort() : [];
export const corpusBytes = (file: string): Buffer => readFileSync(join(CORPUS_DIR, file));
export const corpusText = (file: string): string => corpusBytes(file).toString('utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const corpusJson = (file: string): any => JSON.parse(corpusText(file));
