/**
 * From the demo to the API (issue 19 items 2–4), as a newcomer runs it: `npm start` on the
 * embedded database prints the demo's API key and the playground link with its token; beside
 * it, `fincelo workspace create --json` and `fincelo demo --json` work (through the server's
 * loopback admin door) instead of failing on the database lock; the keys they print open
 * /api/v1; demos get distinct names; `fincelo demo` on its own exits once it has printed.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, statSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runCli, startCli, waitExit } from '../helpers/cli.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'fincelo-beside-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const settingsWith = async (port: number, key: string) =>
  (await fetch(`http://127.0.0.1:${port}/api/v1/settings`, { headers: { authorization: `Bearer ${key}` } }))
    .status;

describe('the CLI beside a running embedded server', () => {
  it('creates workspaces and demos through the running server, with keys that work', async () => {
    const dir = tempDir();
    const port = await freePort();
    const server = await startCli({ FINCELO_DATA_DIR: dir }, port);
    try {
      const log = server.output();
      const demoKey = /API key, shown once: (fin_[\w-]+)/.exec(log)?.[1];
      expect(demoKey).toBeDefined();
      expect(await settingsWith(port, demoKey!)).toBe(200);
      expect(log).toMatch(new RegExp(`http://127\\.0\\.0\\.1:${port}/playground/\\?token=[\\w-]{20,}`));
      // The door's secret file is the owner's only.
      const door = join(dir, 'local-admin.json');
      expect(statSync(door).mode & 0o077).toBe(0);

      const created = await runCli(['workspace', 'create', '--name', 'Mine', '--json'], {
        FINCELO_DATA_DIR: dir,
      });
      expect(created.stderr).toBe('');
      expect(created.code).toBe(0);
      const ws = JSON.parse(created.stdout.trim()) as { workspaceId: string; apiKey: string };
      expect(ws.apiKey).toMatch(/^fin_/);
      expect(await settingsWith(port, ws.apiKey)).toBe(200);

      const demo = await runCli(['demo', '--json'], { FINCELO_DATA_DIR: dir });
      expect(demo.code).toBe(0);
      const demo2 = JSON.parse(demo.stdout.trim()) as { workspaceId: string; apiKey: string };
      expect(await settingsWith(port, demo2.apiKey)).toBe(200);

      // Without the secret the door is shut.
      const forged = await fetch(`http://127.0.0.1:${port}/local-admin/workspaces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer guess' },
        body: JSON.stringify({ name: 'Evil' }),
      });
      expect(forged.status).toBe(401);
      const secret = (JSON.parse(readFileSync(door, 'utf8')) as { secret: string }).secret;
      const proxied = await fetch(`http://127.0.0.1:${port}/local-admin/workspaces`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${secret}`,
          'x-forwarded-for': '203.0.113.9',
        },
        body: JSON.stringify({ name: 'Evil' }),
      });
      expect(proxied.status).toBe(403);

      // The playground's workspace menu lists all three, the demos under distinct names.
      const token = /\/playground\/\?token=([\w-]+)/.exec(log)![1];
      const list = (await (
        await fetch(`http://127.0.0.1:${port}/playground/api/workspaces?token=${token}`)
      ).json()) as { workspaces: { id: string; name: string }[] };
      const names = list.workspaces.map((w) => w.name);
      expect(names).toHaveLength(3);
      expect(new Set(names).size).toBe(3);
      expect(names).toContain('Mine');
      expect(list.workspaces.map((w) => w.id)).toEqual(
        expect.arrayContaining([ws.workspaceId, demo2.workspaceId]),
      );
    } finally {
      server.child.kill('SIGTERM');
      expect(await waitExit(server.child)).toBe(0);
    }
    // Shut down: the door is gone with the process, and the CLI opens the database itself again.
    expect(existsSync(join(dir, 'local-admin.json'))).toBe(false);
    const after = await runCli(['workspace', 'create', '--name', 'Later', '--json'], {
      FINCELO_DATA_DIR: dir,
    });
    expect(after.code).toBe(0);
  });

  it('`fincelo demo` on its own prints its key and exits by itself', async () => {
    // runCli kills and fails after 60 s; the command used to linger for minutes after printing.
    const r = await runCli(['demo'], { FINCELO_DATA_DIR: tempDir() });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/API key: fin_/);
  });
});
