/**
 * The channel-gateway contract for Microsoft Teams, against the local Bot Connector fake. The two
 * people install the app first (conversationUpdate POSTed to /api/messages), which is how the
 * product learns their 1:1 conversation references; the gateway then reaches them proactively.
 * The adapter runs anonymously (TEAMS_ANONYMOUS=on): see test/integration/teams/world.ts.
 */
import { toPerson } from '../../src/store/engine-store.js';
import { createDeliveriesRepo } from '../../src/store/deliveries-repo.js';
import { createTeamsRuntime } from '../../src/bots/teams/runtime.js';
import { loadConfig } from '../../src/bots/registry.js';
import { messageText } from '../fakes/bot-connector.js';
import { startTeamsWorld } from '../integration/teams/world.js';
import { channelGatewayContract } from './channel-gateway.js';

channelGatewayContract('teams', async () => {
  const w = await startTeamsWorld();
  await w.install('csm-1');
  await w.install('csm-2');
  const people = (
    await w.app.database.pool.query(
      `SELECT * FROM people WHERE workspace_id = $1 AND external_id IN ('csm-1','csm-2') ORDER BY external_id`,
      [w.team.workspaceId],
    )
  ).rows.map(toPerson);
  const runtime = await createTeamsRuntime({
    config: loadConfig({ TEAMS_ANONYMOUS: 'on' }),
    services: w.app.services,
    log: w.app.log,
  });
  const repo = createDeliveriesRepo(w.app.database.pool);
  return {
    gateway: runtime.gateway,
    person: people[0]!,
    otherPerson: people[1]!,
    toRef: (externalId, reference, person) =>
      repo.saveConversation(w.team.workspaceId, 'teams', person.id, externalId, reference ?? {}),
    async messages(conv) {
      return w.connector.messages(conv.externalId).map((m) => ({
        id: m.id,
        rootId: m.rootId,
        text: messageText(m),
        edits: m.history.length,
      }));
    },
    close: () => w.close(),
  };
});
