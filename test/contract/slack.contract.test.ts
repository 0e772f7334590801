import { createTestDatabase } from '../helpers/db.js';
import { startTestApp } from '../helpers/app.js';
import { startFakeSlack } from '../fakes/slack-api.js';
import { loadConfig } from '../../src/bots/registry.js';
import { slackChannel } from '../../src/bots/slack/index.js';
import { slackBlocksText } from '../../src/cards/render/slack.js';
import { createWorkspace } from '../../src/store/workspaces.js';
import { upsertPeople } from '../../src/store/directory.js';
import { createDeliveriesRepo } from '../../src/store/deliveries-repo.js';
import { toPerson } from '../../src/store/engine-store.js';
import { channelGatewayContract } from './channel-gateway.js';

channelGatewayContract('slack', async () => {
  const fake = await startFakeSlack({
    users: [
      { id: 'U0PAT', email: 'pat@contract.example', name: 'Pat' },
      { id: 'U0QUINN', email: 'quinn@contract.example', name: 'Quinn' },
    ],
  });
  const db = await createTestDatabase();
  const app = await startTestApp(db);
  const { workspaceId } = await createWorkspace(app.database.db, { name: 'Contract' });
  await upsertPeople(app.database.pool, workspaceId, [
    // Pat has a Slack id; Quinn is found by email (users.lookupByEmail).
    { externalId: 'p1', name: 'Pat', role: 'csm', identities: { slack: { userId: 'U0PAT' } } },
    { externalId: 'p2', name: 'Quinn', role: 'csm', email: 'quinn@contract.example' },
  ]);
  const people = (
    await app.database.pool.query('SELECT * FROM people WHERE workspace_id = $1 ORDER BY external_id', [
      workspaceId,
    ])
  ).rows.map(toPerson);
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-fake-bot-token',
    SLACK_SIGNING_SECRET: 'contract-signing-secret',
    SLACK_API_URL: fake.url,
    LOG_LEVEL: 'silent',
  });
  const runtime = await slackChannel.create({ config, services: app.services, log: app.log });
  const repo = createDeliveriesRepo(app.database.pool);
  return {
    gateway: runtime.gateway,
    person: people[0]!,
    otherPerson: people[1]!,
    toRef: (externalId, reference, person) =>
      repo.saveConversation(workspaceId, 'slack', person.id, externalId, reference ?? {}),
    async messages(conv) {
      return fake.messagesIn(conv.externalId).map((m) => ({
        id: `${m.channel}:${m.ts}`,
        rootId: m.threadTs ? `${m.channel}:${m.threadTs}` : null,
        text: `${m.text}\n${slackBlocksText(m.blocks)}`,
        edits: m.edits,
      }));
    },
    async close() {
      await runtime.close?.();
      await app.close();
      await db.drop();
      await fake.close();
    },
  };
});
