/**
 * The channel descriptors (src/bots/<channel>/descriptor.ts) are the only place a channel's
 * settings, secrets, doctor check and role are written: what the product derives from them must
 * hold for every channel, so a new channel cannot forget a secret or load its SDK at start-up.
 */
import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { z } from 'zod';
import { isSecretName, readConfig } from '../../../src/config.js';
import { createLogger } from '../../../src/log.js';
import { CHANNELS } from '../../../src/engine/index.js';
import { parseStepChannel } from '../../../src/engine/policy/channel-step.js';
import { STEP_CHANNEL_FORMATS } from '../../../src/channels/step-channels.js';
import {
  CHANNEL_MODULES,
  channelLogRedaction,
  loadConfig,
  PROCESS_ROLES,
} from '../../../src/bots/registry.js';

const ROOT = path.resolve(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../../..');

function capture(env: Record<string, string>) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger('debug', stream, channelLogRedaction(env)), text: () => lines.join('') };
}

describe('channel descriptors', () => {
  it('declare every credential-named variable they read as a secret, and only variables they read', () => {
    for (const ch of CHANNEL_MODULES) {
      const names = Object.keys(ch.env);
      expect({
        channel: ch.channel,
        undeclared: names.filter((n) => isSecretName(n) && !ch.secrets.includes(n)),
      }).toEqual({
        channel: ch.channel,
        undeclared: [],
      });
      expect({ channel: ch.channel, unknown: ch.secrets.filter((s) => !names.includes(s)) }).toEqual({
        channel: ch.channel,
        unknown: [],
      });
    }
  });

  it("keep every channel's secrets out of the logs: by key in a logged config, and by value in any text", () => {
    for (const ch of CHANNEL_MODULES) {
      // Values with no credential shape, so only the descriptor's declaration can catch them.
      const env = Object.fromEntries(ch.secrets.map((s, i) => [s, `plain-value-${ch.channel}-${i}-zz`]));
      const { log, text } = capture(env);
      log.info({ config: env }, 'config');
      for (const [name, value] of Object.entries(env)) {
        log.info(`${name} is ${value}`);
        log.warn({ err: new Error(`request failed with ${value}`) }, 'failed');
      }
      const out = text();
      for (const value of Object.values(env))
        expect({ channel: ch.channel, leaked: out.includes(value) }).toEqual({
          channel: ch.channel,
          leaked: false,
        });
      if (ch.secrets.length) expect(out).toContain('[redacted]');
    }
  });

  it('never echo a secret in a configuration error', () => {
    // Every declared secret that a short value fails: its value is hidden, the variable named.
    let refused = 0;
    for (const ch of CHANNEL_MODULES)
      for (const s of ch.secrets) {
        if (ch.env[s]!.schema.safeParse('x').success) continue;
        refused++;
        expect(() => loadConfig({ [s]: 'x' })).toThrow(new RegExp(`${s} .*\\(got \\(hidden\\)\\)`));
      }
    expect(refused).toBeGreaterThan(0);
    // A secret whose name does not say so is hidden because its channel declares it.
    const env = { DISCORD_PASSPHRASE: { schema: z.string().min(40), example: 'DISCORD_PASSPHRASE=…' } };
    expect(() => readConfig({ DISCORD_PASSPHRASE: 'too-short-passphrase' }, [{ env, secrets: [] }])).toThrow(
      /got "too-short-passphrase"/,
    );
    expect(() =>
      readConfig({ DISCORD_PASSPHRASE: 'too-short-passphrase' }, [{ env, secrets: ['DISCORD_PASSPHRASE'] }]),
    ).toThrow(/DISCORD_PASSPHRASE .*\(got \(hidden\)\)/);
  });

  it('give the engine its channel list, the fallback channel and the process roles', () => {
    expect(CHANNELS).toEqual(CHANNEL_MODULES.map((c) => c.channel));
    expect(CHANNEL_MODULES.filter((c) => c.fallback)).toHaveLength(1);
    expect(PROCESS_ROLES).toEqual([
      'all',
      ...CHANNEL_MODULES.filter((c) => c.role).map((c) => c.channel),
      'worker',
      'api',
    ]);
    // Role channels: the channels with team conversations say so, with their id format.
    expect(Object.keys(STEP_CHANNEL_FORMATS)).toEqual(
      CHANNEL_MODULES.filter((c) => c.stepChannel).map((c) => c.channel),
    );
    expect(parseStepChannel('nochannel:abc', STEP_CHANNEL_FORMATS)).toBe(
      `unknown channel kind "nochannel" (channels with team conversations: ${Object.keys(STEP_CHANNEL_FORMATS).join(', ')})`,
    );
    // Each channel serves its own paths: no two channels claim the same route.
    const routes = CHANNEL_MODULES.flatMap((c) => c.routes);
    expect(new Set(routes).size).toBe(routes.length);
  });

  it('load no chat SDK until a configured channel is created', () => {
    const hook = `data:text/javascript,${encodeURIComponent(`
      import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(\`
        export async function resolve(spec, ctx, next) {
          if (/^(@slack\\\\/bolt|@slack\\\\/web-api|@microsoft\\\\/agents-hosting|@googleapis\\\\/chat|google-auth-library)$/.test(spec))
            process.stdout.write('SDK ' + spec + '\\\\n');
          return next(spec, ctx);
        }\`));`)}`;
    const run = (code: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--import', hook, '--input-type=module', '-e', code], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '' },
        timeout: 120_000,
      });
    // What every process loads: the composition root, the CLI's doctor, the registry and its descriptors.
    const idle = run(
      "await import('./src/app.ts'); await import('./src/cli/doctor.ts'); const r = await import('./src/bots/registry.ts'); r.loadConfig({}); console.log('loaded', r.CHANNEL_MODULES.length);",
    );
    expect(idle.stderr).toBe('');
    expect(idle.stdout).toBe(`loaded ${CHANNEL_MODULES.length}\n`);
    // The same probe sees an SDK as soon as a channel's runtime is imported (what create() does).
    const slack = run("await import('./src/bots/slack/index.ts');");
    expect(slack.stdout).toContain('SDK @slack/bolt');
  });
});
