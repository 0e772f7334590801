import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../src/config.js';
import { loadConfig } from '../../src/bots/registry.js';

describe('configuration', () => {
  it('uses the documented defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3978);
    expect(c.FINCELO_DATA_DIR).toBe('./data');
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it('stops with a message naming the variable, the problem and a good example', () => {
    let err: ConfigError | undefined;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      err = e as ConfigError;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const port = err!.problems.find((p) => p.startsWith('PORT'))!;
    expect(port).toContain('"eighty"');
    expect(port).toContain('Example: PORT=3978');
    expect(err!.problems.find((p) => p.startsWith('DATABASE_URL'))).toContain('postgres://');
  });

  it('never echoes a secret value back in the error', () => {
    expect(() => loadConfig({ FINCELO_ENCRYPTION_KEY: 'hunter2-short' })).toThrow(
      /FINCELO_ENCRYPTION_KEY .*\(got \(hidden\)\)/,
    );
    try {
      loadConfig({ SLACK_BOT_TOKEN: 'xoxp-secret-user-token' });
    } catch (e) {
      expect((e as Error).message).not.toContain('xoxp-secret-user-token');
    }
  });

  it('accepts a 32-byte key as hex or base64', () => {
    expect(loadConfig({ FINCELO_ENCRYPTION_KEY: 'ab'.repeat(32) }).FINCELO_ENCRYPTION_KEY).toBe(
      'ab'.repeat(32),
    );
    expect(() =>
      loadConfig({ FINCELO_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') }),
    ).not.toThrow();
  });
});
