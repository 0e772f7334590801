/**
 * A database outage answers 503 with Retry-After (issue 15 item 6), not 500. The product reaches
 * its database through a local TCP relay that the test cuts: connections refused and reset, as
 * when PostgreSQL restarts or the network drops.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningApp } from '../../../src/app.js';
import { startEmbeddedDatabase, type EmbeddedServer } from '../../../src/store/embedded.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { seedTeam, startTestApp } from '../../helpers/app.js';

let db: TestDatabase;
let embedded: EmbeddedServer | undefined;
let embeddedDir: string | undefined;
let relay: Server;
let relayPort = 0;
const sockets = new Set<Socket>();
let app: RunningApp;
let team: Awaited<ReturnType<typeof seedTeam>>;

/** host/port (or unix socket path) of the real database behind the relay. */
let target: { host?: string; port?: number; path?: string };

function startRelay(port = 0): Promise<void> {
  relay = createServer((client) => {
    const upstream = target.path ? connect(target.path) : connect(target.port!, target.host!);
    sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  return new Promise((r) => relay.listen(port, '127.0.0.1', () => r()));
}
async function cut(): Promise<void> {
  const closed = new Promise<void>((r) => relay.close(() => r()));
  for (const s of sockets) s.destroy();
  await closed;
}

beforeAll(async () => {
  db = await createTestDatabase();
  let dbName = 'postgres';
  if (db.kind === 'server') {
    const u = new URL(db.env.DATABASE_URL!);
    target = { host: u.hostname, port: Number(u.port || 5432) };
    dbName = u.pathname.slice(1);
  } else {
    // The embedded engine on its own, served on its socket like `npm start` does.
    embeddedDir = mkdtempSync(join(tmpdir(), 'fincelo-outage-'));
    embedded = await startEmbeddedDatabase(embeddedDir);
    const host = new URL(embedded.connectionString).searchParams.get('host')!;
    target = { path: join(host, '.s.PGSQL.5432') };
  }
  await startRelay();
  relayPort = (relay.address() as AddressInfo).port;
  app = await startTestApp(db, {
    DATABASE_URL: `postgres://postgres@127.0.0.1:${relayPort}/${dbName}`,
    // PGlite serves one connection at a time (embedded.ts); a server does not mind.
    DATABASE_POOL_MAX: db.kind === 'server' ? '4' : '3',
  });
  team = await seedTeam(app);
});
afterAll(async () => {
  // The job runner's LISTEN connection may still be reconnecting after the cut.
  await Promise.race([app?.close(), new Promise((r) => setTimeout(r, 20_000))]);
  relay?.close();
  for (const s of sockets) s.destroy();
  await embedded?.stop();
  if (embeddedDir) rmSync(embeddedDir, { recursive: true, force: true });
  await db?.drop();
}, 90_000);

describe('database outage', () => {
  it('answers 503 with Retry-After in the error shape, then recovers', async () => {
    expect((await team.api.get('/api/v1/alerts')).status).toBe(200);
    await cut();
    const res = await fetch(`${app.url}/api/v1/alerts`, {
      headers: { authorization: `Bearer ${team.apiKey}` },
    });
    expect(res.status).toBe(503);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await res.json()) as { error: string; details: object };
    expect(body.error).toMatch(/database is unavailable/);
    expect(body.details).toEqual({});
    const write = await team.api.post('/api/v1/usage', { customerExternalId: 'cust-1', used: 1, limit: 100 });
    expect(write.status).toBe(503);
    await startRelay(relayPort);
    let back = 0;
    for (let i = 0; i < 50 && back !== 200; i++) {
      back = (await team.api.get('/api/v1/alerts')).status;
      if (back !== 200) await new Promise((r) => setTimeout(r, 200));
    }
    expect(back).toBe(200);
  });
});
