import { ingestInvoice, ingestUsage, type EngineDeps } from '../engine/index.js';
import type { Database } from '../store/database.js';
import { upsertCustomers, upsertPeople } from '../store/directory.js';
import { countWorkspaces, createWorkspace, type CreatedWorkspace } from '../store/workspaces.js';

/**
 * A demo workspace: a CS team with a manager chain, customers on every tier, usage readings
 * and invoices — enough to see every alert type, escalation and action in the playground.
 */
export async function seedDemo(database: Database, engine: EngineDeps): Promise<CreatedWorkspace> {
  // Each demo gets its own name, so the playground's workspace menu can tell them apart.
  const demos = await countWorkspaces(database.pool, { demoOnly: true });
  const name = demos === 0 ? 'Acme Analytics (demo)' : `Acme Analytics (demo ${demos + 1})`;
  const created = await createWorkspace(database.db, { name, isDemo: true });
  const ws = created.workspaceId;
  await upsertPeople(database.pool, ws, [
    {
      externalId: 'cfo-1',
      name: 'Morgan Blake',
      email: 'morgan.blake@acme.example',
      role: 'cfo',
      timezone: 'America/New_York',
    },
    {
      externalId: 'vp-1',
      name: 'Priya Raman',
      email: 'priya.raman@acme.example',
      role: 'vp_cs',
      timezone: 'America/New_York',
      isAdmin: true,
    },
    {
      externalId: 'mgr-1',
      name: 'Dana Lee',
      email: 'dana.lee@acme.example',
      role: 'csm_manager',
      timezone: 'Europe/London',
    },
    {
      externalId: 'csm-1',
      name: 'Sam Carter',
      email: 'sam.carter@acme.example',
      role: 'csm',
      managerExternalId: 'mgr-1',
      timezone: 'Europe/London',
    },
    {
      externalId: 'csm-2',
      name: 'Alex Kim',
      email: 'alex.kim@acme.example',
      role: 'csm',
      managerExternalId: 'mgr-1',
      timezone: 'America/Chicago',
    },
    {
      externalId: 'csm-3',
      name: 'Jordan Diaz',
      email: 'jordan.diaz@acme.example',
      role: 'csm',
      managerExternalId: 'mgr-1',
      timezone: 'America/Los_Angeles',
    },
    {
      externalId: 'admin-1',
      name: 'Riley Admin',
      email: 'riley@acme.example',
      role: 'admin',
      timezone: 'UTC',
    },
  ]);
  await upsertCustomers(database.pool, ws, [
    {
      externalId: 'cust-northwind',
      name: 'Northwind Traders',
      tier: 'platinum',
      csmExternalId: 'csm-1',
      arr: 240000,
      domains: ['northwind.example'],
    },
    {
      externalId: 'cust-globex',
      name: 'Globex Corporation',
      tier: 'good',
      csmExternalId: 'csm-1',
      arr: 120000,
      domains: ['globex.example'],
    },
    {
      externalId: 'cust-initech',
      name: 'Initech',
      tier: 'average',
      csmExternalId: 'csm-2',
      arr: 60000,
      domains: ['initech.example'],
    },
    {
      externalId: 'cust-umbrella',
      name: 'Umbrella Health',
      tier: 'poor',
      csmExternalId: 'csm-2',
      arr: 45000,
      domains: ['umbrella.example'],
    },
    {
      externalId: 'cust-hooli',
      name: 'Hooli',
      tier: 'critical',
      csmExternalId: 'csm-3',
      arr: 90000,
      domains: ['hooli.example'],
    },
    {
      externalId: 'cust-stark',
      name: 'Stark Logistics',
      tier: 'good',
      csmExternalId: 'csm-3',
      arr: 150000,
      domains: ['stark.example'],
    },
  ]);
  const now = engine.clock.now();
  const daysAgo = (d: number) => new Date(now.getTime() - d * 86_400_000).toISOString().slice(0, 10);
  await ingestUsage(engine, ws, [
    { customerExternalId: 'cust-northwind', used: 88, limit: 100, metric: 'seats' },
    { customerExternalId: 'cust-initech', used: 610, limit: 1000, metric: 'API calls (k)' },
    { customerExternalId: 'cust-umbrella', used: 74, limit: 100, metric: 'seats' },
  ]);
  await ingestInvoice(engine, ws, {
    customerExternalId: 'cust-hooli',
    externalId: 'INV-2041',
    amount: 18500,
    currency: 'USD',
    dueDate: daysAgo(21),
    status: 'open',
  });
  await ingestInvoice(engine, ws, {
    customerExternalId: 'cust-stark',
    externalId: 'INV-2057',
    amount: 9200,
    currency: 'USD',
    dueDate: daysAgo(5),
    status: 'open',
  });
  return created;
}

/** Seeds the demo on a first start (no workspace yet); returns the workspace when it did. */
export async function seedDemoIfEmpty(
  database: Database,
  engine: EngineDeps,
): Promise<CreatedWorkspace | null> {
  if ((await countWorkspaces(database.pool)) > 0) return null;
  return seedDemo(database, engine);
}
