import { createRequire } from 'node:module';

// adaptivecards' package entry (lib/) is ES module syntax with extensionless imports, which neither
// Node nor jest can load; its dist/ bundle is UMD and parses cards without a DOM (CHAT.md §0.3).
const AC = createRequire(import.meta.url)(
  'adaptivecards/dist/adaptivecards.js',
) as typeof import('adaptivecards');

/**
 * Parses a card with the Adaptive Cards SDK as a schema 1.5 host and returns every parse and
 * validation message (none for a valid card). The SDK's default host allows 5 card actions; Teams
 * shows 6 (maxActions 6), as test/unit/cards/alert-card.test.ts sets too.
 */
export function adaptiveCardIssues(json: unknown): string[] {
  const card = new AC.AdaptiveCard();
  card.hostConfig = new AC.HostConfig({ actions: { maxActions: 6 } });
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  card.parse(json as object, context);
  const issues: string[] = [];
  for (let i = 0; i < context.eventCount; i++) issues.push(`parse: ${context.getEventAt(i).message}`);
  for (const e of card.validateProperties().validationEvents) issues.push(`validate: ${e.message}`);
  return issues;
}
