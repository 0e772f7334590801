/** The `fincelo` command as a user runs it: real processes, real database. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { freePort, runCli, startCli, waitExit } from '../helpers/cli.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('fincelo CLI', () => {
  it('lists its commands', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['start', 'migrate', 'workspace', 'demo', 'doctor']) expect(r.stdout).toContain(cmd);
    const start = await runCli(['start', '--help']);
    expect(start.stdout).toContain('--role');
  });

  it('refuses a bad variable with the variable, the problem and an example', async () => {
    const r = await runCli(['migrate'], { PORT: 'abc' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('PORT');
    expect(r.stderr).toContain('Example: PORT=3978');
  });

  it('creates a workspace and prints its id and API key as JSON', async () => {
    const r = await runCli(['workspace', 'create', '--name', 'Acme', '--json'], {
      ...db.env,
      LOG_LEVEL: 'silent',
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim());
    expect(out.workspaceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.apiKey).toMatch(/^fin_/);
  });

  it('serves /healthz, and a second start on the same embedded data directory exits with a clear message', async () => {
    // The lock protects the embedded data directory, so this test always uses one.
    const dir = mkdtempSync(join(tmpdir(), 'fincelo-lock-'));
    const env = { FINCELO_DATA_DIR: dir };
    const port = await freePort();
    const first = await startCli({ ...env, FINCELO_DEMO: 'off' }, port);
    try {
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const second = await runCli(['start'], { ...env, PORT: String(await freePort()) });
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/already in use by another Fincelo process \(pid \d+\)/);
      expect(second.stderr).toContain('DATABASE_URL');
    } finally {
      first.child.kill('SIGTERM');
      expect(await waitExit(first.child)).toBe(0);
    }
    expect(first.output()).toContain('shutting down');
    rmSync(dir, { recursive: true, force: true });
  });

  it('doctor reports the database and each channel, with how to fix what is missing', async () => {
    const r = await runCli(['doctor'], { ...db.env, SLACK_BOT_TOKEN: 'xoxb-1-2-3' });
    expect(r.stdout).toContain('✔ database');
    expect(r.stdout).toMatch(/Slack: partly configured, missing SLACK_SIGNING_SECRET/);
    expect(r.stdout).toMatch(/Google Chat: not configured/);
    expect(r.code).toBe(1);
  });
});
