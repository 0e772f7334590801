/**
 * `fincelo analyze` through the real binary: stdout carries nothing but one JSON line per ticket
 * (natural's dotenv noise must not leak), bad lines go to stderr; `--rescore` re-scores stored tickets.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openDatabase } from '../../../src/store/database.js';
import { migrate } from '../../../src/store/migrate.js';
import { createWorkspace } from '../../../src/store/workspaces.js';
import { upsertTickets } from '../../../src/store/tickets.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';

const BIN = new URL('../../../bin/fincelo.js', import.meta.url).pathname;

function analyze(args: string[], stdin: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'analyze', ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('fincelo analyze', () => {
  it('writes exactly one JSON line per ticket in the documented shape', async () => {
    const input = [
      { id: 'a1', subject: 'Breach of contract', body: 'Our lawyers will sue. This is unacceptable!' },
      { id: 2, subject: 'Dark mode', body: 'Would love a dark mode, thanks!' },
    ]
      .map((t) => JSON.stringify(t))
      .join('\n');
    const r = await analyze([], input + '\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const [a, b] = lines.map((l) => JSON.parse(l));
    expect(Object.keys(a)).toEqual(['id', 'sentiment', 'category', 'flags']);
    expect(a.id).toBe('a1');
    expect(Object.keys(a.sentiment)).toEqual(['label', 'score']);
    expect(Object.keys(a.category)).toEqual(['primary', 'confidence', 'secondary']);
    expect(a.category.primary).toBe('legal_threat');
    expect(a.flags[0]).toEqual({ name: 'legal_language', matches: ['lawyers', 'sue', 'breach of contract'] });
    expect(b.id).toBe(2);
    expect(b.sentiment.label).toBe('positive');
  });

  it('reports bad lines on stderr with their number and exits 1', async () => {
    const r = await analyze(
      [],
      '{"id":"ok","subject":"Hi","body":"Question"}\nnot json\n{"subject":"no id"}\n',
    );
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('line 2: not valid JSON');
    expect(r.stderr).toContain('line 3: "id" is missing');
  });

  it('--rescore re-scores the stored tickets and records the analyzer and version', async () => {
    const database = await openDatabase({
      databaseUrl: db.env.DATABASE_URL,
      dataDir: db.env.FINCELO_DATA_DIR!,
    });
    let workspaceId: string;
    try {
      await migrate(database.pool);
      workspaceId = (await createWorkspace(database.db, { name: 'Rescore Co' })).workspaceId;
      await upsertTickets(database.pool, workspaceId, { sourceKey: 'csv:test' }, [
        { externalId: '1', subject: 'Cancel', body: 'Please cancel our subscription.' },
        { externalId: '2', subject: 'Question', body: 'How do I add a user?' },
      ]);
    } finally {
      await database.close();
    }
    const r = await analyze(['--rescore'], '', db.env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ rescored: 2, analyzer: 'local' });
    const again = await openDatabase({ databaseUrl: db.env.DATABASE_URL, dataDir: db.env.FINCELO_DATA_DIR! });
    try {
      const rows = (
        await again.pool.query(
          `SELECT t.external_id, a.analyzer, a.analyzer_version, a.category_primary FROM ticket_analyses a
           JOIN tickets t ON t.id = a.ticket_id WHERE a.workspace_id = $1 ORDER BY t.external_id`,
          [workspaceId],
        )
      ).rows;
      expect(rows.map((x) => [x.external_id, x.analyzer, x.category_primary])).toEqual([
        ['1', 'local', 'cancellation_request'],
        ['2', 'local', 'none'],
      ]);
    } finally {
      await again.close();
    }
  });
});
