import { createTestDatabase } from '../helpers/db.js';
import { startTestApp } from '../helpers/app.js';
import { createPlaygroundGateway } from '../../src/bots/playground/gateway.js';
import { createWorkspace } from '../../src/store/workspaces.js';
import { upsertPeople } from '../../src/store/directory.js';
import { createDeliveriesRepo } from '../../src/store/deliveries-repo.js';
import { channelGatewayContract } from './channel-gateway.js';

channelGatewayContract('playground', async () => {
  const db = await createTestDatabase();
  const app = await startTestApp(db);
  const { workspaceId } = await createWorkspace(app.database.db, { name: 'Contract' });
  await upsertPeople(app.database.pool, workspaceId, [
    { externalId: 'p1', name: 'Pat', role: 'csm' },
    { externalId: 'p2', name: 'Quinn', role: 'csm' },
  ]);
  const people = (
    await app.database.pool.query('SELECT * FROM people WHERE workspace_id = $1 ORDER BY external_id', [
      workspaceId,
    ])
  ).rows;
  const { toPerson } = await import('../../src/store/engine-store.js');
  const repo = createDeliveriesRepo(app.database.pool);
  return {
    gateway: createPlaygroundGateway(app.database.pool),
    person: toPerson(people[0]),
    otherPerson: toPerson(people[1]),
    toRef: (externalId, reference, person) =>
      repo.saveConversation(workspaceId, 'playground', person.id, externalId, reference ?? {}),
    async messages(conv) {
      const rows = (
        await app.database.pool.query(
          'SELECT * FROM playground_messages WHERE conversation_id = $1 ORDER BY id',
          [conv.id],
        )
      ).rows;
      return rows.map((r) => ({
        id: String(r.id),
        rootId: r.thread_root_id === null ? null : String(r.thread_root_id),
        text: `${r.text ?? ''} ${r.card ? JSON.stringify(r.card) : ''}`,
        edits: r.updated_at.getTime() > r.created_at.getTime() ? 1 : 0,
      }));
    },
    async close() {
      await app.close();
      await db.drop();
    },
  };
});
