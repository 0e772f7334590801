import { createTestDatabase } from '../helpers/db.js';
import { startTestApp } from '../helpers/app.js';
import { startFakeGoogleChat } from '../fakes/gchat-api.js';
import { loadConfig } from '../../src/bots/registry.js';
import { gchatModule } from '../../src/bots/gchat/index.js';
import { gchatCardText } from '../../src/cards/render/gchat.js';
import { createWorkspace } from '../../src/store/workspaces.js';
import { upsertPeople } from '../../src/store/directory.js';
import { createDeliveriesRepo } from '../../src/store/deliveries-repo.js';
import { toPerson } from '../../src/store/engine-store.js';
import { channelGatewayContract } from './channel-gateway.js';

channelGatewayContract('gchat', async () => {
  const fake = await startFakeGoogleChat();
  fake.addUser({ name: 'users/101', displayName: 'Pat', installed: true });
  fake.addUser({ name: 'users/102', displayName: 'Quinn', installed: true });
  const db = await createTestDatabase();
  const app = await startTestApp(db);
  const { workspaceId } = await createWorkspace(app.database.db, { name: 'Contract' });
  await upsertPeople(app.database.pool, workspaceId, [
    { externalId: 'p1', name: 'Pat', role: 'csm', identities: { gchat: { userName: 'users/101' } } },
    { externalId: 'p2', name: 'Quinn', role: 'csm', identities: { gchat: { userName: 'users/102' } } },
  ]);
  const people = (
    await app.database.pool.query('SELECT * FROM people WHERE workspace_id = $1 ORDER BY external_id', [
      workspaceId,
    ])
  ).rows.map(toPerson);
  const config = loadConfig({
    GOOGLE_CHAT_SERVICE_ACCOUNT_JSON: fake.serviceAccountJson,
    GOOGLE_CHAT_AUDIENCE: 'https://fincelo.test/gchat/events',
    GOOGLE_CHAT_CERTS_URL: fake.certsUrl,
    GOOGLE_CHAT_API_URL: fake.apiUrl,
    LOG_LEVEL: 'silent',
  });
  const runtime = await gchatModule.create({ config, services: app.services, log: app.log });
  const repo = createDeliveriesRepo(app.database.pool);
  return {
    gateway: runtime.gateway,
    person: people[0]!,
    otherPerson: people[1]!,
    toRef: (externalId, reference, person) =>
      repo.saveConversation(workspaceId, 'gchat', person.id, externalId, reference ?? {}),
    async messages(conv) {
      return fake.messagesIn(conv.externalId).map((m) => {
        const root = m.root ? null : fake.messages.find((r) => r.root && r.threadName === m.threadName);
        return {
          id: m.name,
          rootId: root ? root.name : null,
          text: `${m.body.text ?? ''}\n${gchatCardText(m.body.cardsV2)}`,
          edits: m.edits,
        };
      });
    },
    async close() {
      await runtime.close?.();
      await app.close();
      await db.drop();
      await fake.close();
    },
  };
});
