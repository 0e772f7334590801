import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { SLACK_BOT_SCOPES, SLACK_COMMAND } from '../../../../src/bots/slack/mode.js';
import { EVENTS_PATH, REDIRECT_PATH } from '../../../../src/bots/slack/bolt-app.js';

const manifest = readFileSync(new URL('../../../../manifests/slack/manifest.yaml', import.meta.url), 'utf8');

/** The items of a YAML block list under `key:` (the manifest keeps them one per line). */
function listUnder(key: string): string[] {
  const lines = manifest.split('\n');
  const start = lines.findIndex((l) => l.trim() === `${key}:`);
  const indent = lines[start]!.search(/\S/);
  const items: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (!l.trim() || l.trim().startsWith('#')) continue;
    if (l.search(/\S/) <= indent && !l.trim().startsWith('- ')) break;
    const m = /^\s*- ([^\s#]+)/.exec(l);
    if (!m) break;
    items.push(m[1]!);
  }
  return items;
}

describe('Slack app manifest', () => {
  it('asks for exactly the scopes the OAuth installer requests', () => {
    expect(listUnder('bot').sort()).toEqual([...SLACK_BOT_SCOPES].sort());
  });

  it('points events, interactivity and the slash command at the paths Bolt serves', () => {
    expect(manifest).toContain(`command: ${SLACK_COMMAND}`);
    const urls = [...manifest.matchAll(/(?:url|request_url): (\S+)/g)].map((m) => new URL(m[1]!).pathname);
    expect(urls).toEqual([EVENTS_PATH, EVENTS_PATH, EVENTS_PATH]);
    expect(listUnder('redirect_urls').map((u) => new URL(u).pathname)).toEqual([REDIRECT_PATH]);
    expect(listUnder('bot_events')).toEqual([
      'app_uninstalled',
      'message.channels',
      'message.groups',
      'message.im',
      'tokens_revoked',
    ]);
  });
});
