/**
 * `npm run eval` in a fresh clone (issue 19 item 8): without the public data sets next to the
 * repository it still scores the project's own sets, and says in one line per skipped set why,
 * with exit code 0 and no stack trace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from '@jest/globals';

it('runs on the project’s own data when the public sets are absent, naming each skipped set', () => {
  const empty = mkdtempSync(join(tmpdir(), 'fincelo-no-datasets-'));
  try {
    const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'eval/run.ts'], {
      cwd: process.cwd(),
      env: { ...process.env, FINCELO_DATASETS_DIR: empty },
      encoding: 'utf8',
      timeout: 120_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.status).toBe(0);
    expect(out).toMatch(/## Own held-out split \(\d+ tickets\)/);
    expect(out).toMatch(/## Blind set .*\(\d+ tickets\)/);
    expect(out).toContain(`skipped GoEmotions test: not found at ${join(empty, 'goemotions', 'test.jsonl')}`);
    expect(out).toMatch(/skipped external bitext\.dev: not found/);
    expect(out).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/); // no stack trace
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
