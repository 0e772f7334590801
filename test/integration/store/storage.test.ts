/** Storage on real PostgreSQL: migrations, a round trip through every table, encryption at rest. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eq } from 'drizzle-orm';
import { openDatabase, type Database } from '../../../src/store/database.js';
import { listMigrations, migrate, pendingMigrations } from '../../../src/store/migrate.js';
import * as s from '../../../src/store/schema.js';
import { createCipher } from '../../../src/store/crypto.js';
import { createWorkspace, workspaceForApiKey } from '../../../src/store/workspaces.js';
import { feedsTx } from '../../../src/store/feeds.js';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';

let tdb: TestDatabase;
let database: Database;

beforeAll(async () => {
  tdb = await createTestDatabase();
  // A truly empty database: no pre-migrated template for the embedded one.
  database = await openDatabase({
    databaseUrl: tdb.env.DATABASE_URL,
    dataDir: tdb.env.FINCELO_DATA_DIR!,
    useTemplate: false,
  });
});
afterAll(async () => {
  await database?.close();
  await tdb?.drop();
});

describe('migrations', () => {
  it('apply to an empty database, once', async () => {
    expect(await pendingMigrations(database.pool)).toEqual(listMigrations().map((m) => m.tag));
    expect(await migrate(database.pool)).toEqual(listMigrations().map((m) => m.tag));
    expect(await migrate(database.pool)).toEqual([]);
    expect(await pendingMigrations(database.pool)).toEqual([]);
  });
});

describe('every table round-trips', () => {
  it('stores and reads back the whole domain', async () => {
    const { db } = database;
    const { workspaceId: ws, apiKey } = await createWorkspace(db, {
      name: 'Round Trip',
      timezone: 'Europe/Paris',
    });
    expect(await workspaceForApiKey(db, apiKey)).toBe(ws);
    expect(await workspaceForApiKey(db, apiKey + 'x')).toBeNull();
    const [keyRow] = await db.select().from(s.apiKeys).where(eq(s.apiKeys.workspaceId, ws));
    expect(keyRow!.keyHash).not.toContain(apiKey.slice(4));

    const [mgr] = await db
      .insert(s.people)
      .values({ workspaceId: ws, externalId: 'm', name: 'M', role: 'csm_manager' })
      .returning();
    const [csm] = await db
      .insert(s.people)
      .values({
        workspaceId: ws,
        externalId: 'c',
        name: 'C',
        role: 'csm',
        managerId: mgr!.id,
        identities: { slack: { userId: 'U1' } },
        preferredChannel: 'slack',
      })
      .returning();
    const [cust] = await db
      .insert(s.customers)
      .values({
        workspaceId: ws,
        externalId: 'x',
        name: 'X',
        tier: 'good',
        csmId: csm!.id,
        domains: ['x.example'],
        arr: '1200.50',
      })
      .returning();
    await db
      .insert(s.usageReadings)
      .values({ workspaceId: ws, customerId: cust!.id, used: 5, limit: 10, at: new Date() });
    await db.insert(s.invoices).values({
      workspaceId: ws,
      customerId: cust!.id,
      externalId: 'I',
      amount: '10.00',
      currency: 'USD',
      dueDate: '2026-11-01',
      status: 'open',
    });
    const [alert] = await db
      .insert(s.alerts)
      .values({
        workspaceId: ws,
        customerId: cust!.id,
        type: 'usage_threshold',
        dedupKey: 'k',
        status: 'open',
        assigneeId: csm!.id,
        escalation: [{ role: 'csm', afterMs: 0 }],
        chainStartedAt: new Date(),
      })
      .returning();
    await db
      .insert(s.alertEvents)
      .values({ workspaceId: ws, alertId: alert!.id, at: new Date(), kind: 'created', details: { a: 1 } });
    await db
      .insert(s.alertRecipients)
      .values({ alertId: alert!.id, personId: csm!.id, step: 0, notifiedAt: new Date() });
    await db.insert(s.cooldowns).values({
      workspaceId: ws,
      customerId: cust!.id,
      type: 'usage_threshold',
      personId: csm!.id,
      lastSentAt: new Date(),
      alertId: alert!.id,
    });
    const [conv] = await db
      .insert(s.conversations)
      .values({
        workspaceId: ws,
        channel: 'slack',
        personId: csm!.id,
        externalId: 'D1',
        reference: { team: 'T1' },
      })
      .returning();
    const [thread] = await db
      .insert(s.alertThreads)
      .values({
        workspaceId: ws,
        alertId: alert!.id,
        channel: 'slack',
        conversationId: conv!.id,
        rootMessageId: '1700.1',
      })
      .returning();
    await db.insert(s.deliveries).values({
      workspaceId: ws,
      alertId: alert!.id,
      channel: 'slack',
      threadId: thread!.id,
      kind: 'reply_all',
      payload: { text: 'hi' },
    });
    await db
      .insert(s.tasks)
      .values({ workspaceId: ws, alertId: alert!.id, title: 'Call', dueAt: new Date() });
    await db.insert(s.callLogs).values({
      workspaceId: ws,
      alertId: alert!.id,
      personId: csm!.id,
      outcome: 'connected',
      at: new Date(),
    });
    const cipher = createCipher(Buffer.alloc(32, 1));
    const [conn] = await db
      .insert(s.connectors)
      .values({
        workspaceId: ws,
        platform: 'zendesk',
        name: 'ZD',
        credentialsEnc: cipher.encryptJson({ apiToken: 'zd-secret-token-123' }),
        cursor: { since: 1 },
      })
      .returning();
    const [imp] = await db
      .insert(s.csvImports)
      .values({ workspaceId: ws, filename: 'a.csv', sha256: 'h', status: 'review' })
      .returning();
    const [ticket] = await db
      .insert(s.tickets)
      .values({
        workspaceId: ws,
        sourceKey: conn!.id,
        connectorId: conn!.id,
        csvImportId: imp!.id,
        externalId: 'T-1',
        subject: 'Help',
        body: 'b',
      })
      .returning();
    await db.insert(s.ticketAnalyses).values({
      ticketId: ticket!.id,
      workspaceId: ws,
      analyzer: 'local',
      analyzerVersion: '1',
      sentimentLabel: 'neutral',
      sentimentScore: 50,
      categoryPrimary: 'none',
      categoryConfidence: 0.5,
    });
    await db.insert(s.chatInstallations).values({
      workspaceId: ws,
      channel: 'slack',
      externalId: 'T1',
      dataEnc: cipher.encrypt('{"botToken":"xoxb-1"}'),
    });
    await db.insert(s.processedEvents).values({ source: 'slack', eventId: 'Ev1', workspaceId: ws });
    await db
      .insert(s.playgroundMessages)
      .values({ workspaceId: ws, conversationId: conv!.id, text: 'hello' });

    const people = await db.select().from(s.people).where(eq(s.people.workspaceId, ws));
    expect(people.find((p) => p.externalId === 'c')).toMatchObject({
      managerId: mgr!.id,
      identities: { slack: { userId: 'U1' } },
    });
    expect((await db.select().from(s.customers).where(eq(s.customers.id, cust!.id)))[0]).toMatchObject({
      arr: '1200.50',
      domains: ['x.example'],
    });
    expect((await db.select().from(s.alerts).where(eq(s.alerts.id, alert!.id)))[0]).toMatchObject({
      status: 'open',
      version: 1,
      token: 1,
      escalation: [{ role: 'csm', afterMs: 0 }],
    });
    expect((await db.select().from(s.conversations))[0]!.reference).toEqual({ team: 'T1' });
    expect((await db.select().from(s.deliveries))[0]).toMatchObject({
      status: 'pending',
      payload: { text: 'hi' },
    });
    expect((await db.select().from(s.ticketAnalyses))[0]).toMatchObject({ sentimentScore: 50 });
    expect((await db.select().from(s.invoices))[0]).toMatchObject({ dueDate: '2026-11-01', amount: '10.00' });
    for (const table of [
      s.usageReadings,
      s.alertEvents,
      s.alertRecipients,
      s.cooldowns,
      s.alertThreads,
      s.tasks,
      s.callLogs,
      s.csvImports,
      s.tickets,
      s.chatInstallations,
      s.processedEvents,
      s.playgroundMessages,
    ]) {
      expect(await db.select().from(table)).toHaveLength(1);
    }

    // One open alert per dedup key: a second open alert for the same key is refused by the database.
    await expect(
      db.insert(s.alerts).values({
        workspaceId: ws,
        customerId: cust!.id,
        type: 'usage_threshold',
        dedupKey: 'k',
        status: 'open',
        escalation: [],
        chainStartedAt: new Date(),
      }),
    ).rejects.toThrow();

    // Credentials are unreadable in the raw row, and readable with the key.
    const raw = (
      await database.pool.query('SELECT credentials_enc::text AS c FROM connectors WHERE id = $1', [conn!.id])
    ).rows[0].c as string;
    expect(raw).not.toContain('zd-secret-token-123');
    expect(raw).toMatch(/^v1:/);
    expect(cipher.decryptJson(raw)).toEqual({ apiToken: 'zd-secret-token-123' });
    expect(() => createCipher(Buffer.alloc(32, 2)).decrypt(raw)).toThrow(/not the key it was saved with/);

    // Deleting the workspace removes everything it owns.
    await db.delete(s.workspaces).where(eq(s.workspaces.id, ws));
    expect(await db.select().from(s.people)).toHaveLength(0);
    expect(await db.select().from(s.tickets)).toHaveLength(0);
  });
});

describe('feed heartbeat: a connector feed’s last data', () => {
  it('is the later of its last sync and its newest ticket, by connector id or platform', async () => {
    const { db, pool } = database;
    const { workspaceId: ws } = await createWorkspace(db, { name: 'Feeds' });
    const [k] = await db
      .insert(s.connectors)
      .values({ workspaceId: ws, platform: 'zendesk', name: 'Z', credentialsEnc: 'x' })
      .returning();
    const client = await pool.connect();
    try {
      const feeds = feedsTx(client);
      expect(await feeds.connectorLastData(ws, 'zendesk')).toBeNull();
      const synced = new Date('2026-11-30T10:00:00Z');
      await client.query('UPDATE connectors SET last_sync_at = $2 WHERE id = $1', [k!.id, synced]);
      expect(await feeds.connectorLastData(ws, k!.id)).toEqual(synced);
      for (const [ext, at] of [
        ['1', '2026-11-30T09:00:00Z'],
        ['2', '2026-11-30T11:30:00Z'],
        ['3', '2026-11-30T11:00:00Z'],
      ])
        await client.query(
          `INSERT INTO tickets (workspace_id, source_key, connector_id, external_id, subject, body, ingested_at)
           VALUES ($1, $2::text, $2::uuid, $3, 's', 'b', $4)`,
          [ws, k!.id, ext, at],
        );
      expect(await feeds.connectorLastData(ws, 'zendesk')).toEqual(new Date('2026-11-30T11:30:00Z'));
      expect(await feeds.connectorLastData(ws, 'freshdesk')).toBeNull();
    } finally {
      client.release();
    }
  });
});
