/**
 * Connector baseUrl SSRF guard through POST /api/v1/connectors (issue 15 item 7), with the
 * opt-in FINCELO_CONNECTOR_ALLOW_HOSTS unset as in production.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedTeam, startTestApp } from '../../helpers/app.js';

let db: TestDatabase;
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;
let listener: Server;
let hits = 0;
let openPort: number;
let closedPort: number;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db, { FINCELO_CONNECTOR_ALLOW_HOSTS: '' });
  team = await seedTeam(app);
  // An internal service that would answer (and would receive the tenant's token).
  listener = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"user":{"name":"x"}}');
  });
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  openPort = (listener.address() as AddressInfo).port;
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
});
afterAll(async () => {
  await new Promise<void>((r) => listener?.close(() => r()));
  await app?.close();
  await db?.drop();
});

const connect = (baseUrl: string, platform = 'zendesk') =>
  team.api.post('/api/v1/connectors', {
    platform,
    credentials: { subdomain: 'acme', email: 'a@acme.example', apiToken: 'secret-token-123' },
    baseUrl,
    syncMode: 'poll',
  });

describe('connector baseUrl', () => {
  it('refuses loopback, private, link-local and metadata addresses with 400 naming baseUrl', async () => {
    const before = (await app.database.pool.query('SELECT count(*)::int AS n FROM connectors')).rows[0].n;
    for (const url of [
      `http://127.0.0.1:${openPort}`,
      `https://127.0.0.1:${openPort}`,
      'https://localhost',
      'http://169.254.169.254/latest/meta-data/',
      'https://10.0.0.7',
      'https://[::1]:443',
      'https://192.168.1.20',
    ]) {
      const r = await connect(url);
      expect([url, r.status]).toEqual([url, 400]);
      expect(Object.keys(r.body.details)).toEqual(['baseUrl']);
      expect(r.body.details.baseUrl).toMatch(/not allowed/);
      expect(JSON.stringify(r.body)).not.toContain('secret-token-123');
    }
    expect(hits).toBe(0);
    expect((await app.database.pool.query('SELECT count(*)::int AS n FROM connectors')).rows[0].n).toBe(
      before,
    );
  });

  it('refuses a host that is not the platform’s own, and a name resolving to loopback', async () => {
    const other = await connect('https://example.com');
    expect(other.status).toBe(400);
    expect(other.body.details.baseUrl).toMatch(/not allowed/);
    // localhost.zendesk.com-style tricks: a platform-looking name still has to resolve outside.
    const wrongPlatform = await connect('https://acme.freshdesk.com', 'zendesk');
    expect(wrongPlatform.status).toBe(400);
  });

  it('answers an open and a closed internal port the same way (no port scan)', async () => {
    const open = await connect(`http://127.0.0.1:${openPort}`);
    const closed = await connect(`http://127.0.0.1:${closedPort}`);
    expect(open.status).toBe(closed.status);
    expect(open.body).toEqual(closed.body);
    expect(hits).toBe(0);
  });
});
