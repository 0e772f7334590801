/**
 * Issue 15 item 8: no configured secret reaches a log line, at any level. The real product is
 * started (`fincelo start`, a child process) at LOG_LEVEL=debug with every secret configured (fake
 * values), driven through the paths that log the most (Slack OAuth install and redirect — Bolt's
 * debug logs print its installer options —, forged webhooks on every channel), and its whole
 * output is searched for each secret. A mistyped or unreachable DATABASE_URL is reported without
 * its password.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../../helpers/db.js';
import { freePort, runCli, startCli, waitExit } from '../../helpers/cli.js';
import { startFakeGoogleChat, type FakeGoogleChat } from '../../fakes/gchat-api.js';

let db: TestDatabase;
let fake: FakeGoogleChat;
beforeAll(async () => {
  db = await createTestDatabase();
  fake = await startFakeGoogleChat();
}, 120_000);
afterAll(async () => {
  await fake?.close();
  await db?.drop();
});

const hex = (n: number) => randomBytes(n).toString('hex');

describe('secrets in logs', () => {
  it('a debug run with every secret configured logs none of them', async () => {
    const closed = await freePort(); // nothing listens there: the Slack API calls fail and are logged
    const secrets = {
      FINCELO_ENCRYPTION_KEY: hex(32),
      SLACK_SIGNING_SECRET: `sign${hex(12)}`,
      SLACK_CLIENT_SECRET: `client${hex(12)}`,
      SLACK_STATE_SECRET: `state${hex(12)}`,
      MICROSOFT_APP_PASSWORD: `msPw~${hex(12)}`,
      WHATSAPP_ACCESS_TOKEN: `EAAG${hex(20)}`,
      WHATSAPP_APP_SECRET: `wasecret${hex(10)}`,
      WHATSAPP_VERIFY_TOKEN: `verify${hex(10)}`,
      FINCELO_LLM_API_KEY: `sk-${hex(20)}`,
    };
    const privateKey = JSON.parse(fake.serviceAccountJson).private_key as string;
    const env: Record<string, string> = {
      ...db.env,
      ...secrets,
      FINCELO_DEMO: 'off',
      LOG_LEVEL: 'debug',
      PUBLIC_URL: 'http://127.0.0.1',
      SLACK_CLIENT_ID: '1111.2222',
      SLACK_API_URL: `http://127.0.0.1:${closed}/api/`,
      MICROSOFT_APP_ID: '00000000-0000-0000-0000-000000000001',
      MICROSOFT_APP_TENANT_ID: '00000000-0000-0000-0000-000000000002',
      GOOGLE_CHAT_SERVICE_ACCOUNT_JSON: fake.serviceAccountJson,
      GOOGLE_CHAT_AUDIENCE: 'https://fincelo.test/gchat/events',
      GOOGLE_CHAT_CERTS_URL: fake.certsUrl,
      GOOGLE_CHAT_API_URL: fake.apiUrl,
      WHATSAPP_PHONE_NUMBER_ID: '1234567890',
      WHATSAPP_API_URL: `http://127.0.0.1:${closed}/`,
      FINCELO_LLM_PROVIDER: 'openai',
      FINCELO_LLM_BASE_URL: `http://127.0.0.1:${closed}/v1`,
    };
    const port = await freePort();
    const proc = await startCli(env, port);
    const base = `http://127.0.0.1:${port}`;
    try {
      // Slack OAuth: the install page, then a redirect whose code exchange fails (oauth.v2.access
      // carries the client secret).
      const install = await fetch(`${base}/slack/install`, { redirect: 'manual' });
      const cookie = install.headers.get('set-cookie') ?? '';
      const location = install.headers.get('location') ?? (await install.text());
      const state = /state=([^&"']+)/.exec(location)?.[1] ?? 'nostate';
      await fetch(`${base}/slack/oauth_redirect?code=1234.5678.abcd&state=${state}`, {
        headers: { cookie: cookie.split(';')[0] ?? '' },
        redirect: 'manual',
      }).then((r) => r.text());
      // Forged requests on every inbound path.
      const post = (path: string, body: string, headers: Record<string, string> = {}) =>
        fetch(base + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
        })
          .then((r) => r.text())
          .catch(() => '');
      await post('/slack/events', '{"type":"url_verification","challenge":"x"}', {
        'x-slack-signature': 'v0=00',
        'x-slack-request-timestamp': String(Math.floor(Date.now() / 1000)),
      });
      await post('/whatsapp/webhook', '{"object":"whatsapp_business_account","entry":[]}', {
        'x-hub-signature-256': 'sha256=00',
      });
      await fetch(`${base}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1`).then(
        (r) => r.text(),
      );
      await post('/api/messages', '{"type":"message","text":"hi"}', { authorization: 'Bearer not.a.jwt' });
      await post('/gchat/events', '{"type":"MESSAGE"}', { authorization: 'Bearer not.a.jwt' });
    } finally {
      proc.child.kill('SIGTERM');
      await waitExit(proc.child);
    }
    const out = proc.output();
    // The run did log at debug, including Slack's own logs: the search below has something to search.
    expect(out).toMatch(/"level":20/);
    expect(out.split('\n').length).toBeGreaterThan(10);
    for (const [name, value] of Object.entries(secrets)) {
      if (out.includes(value))
        throw new Error(`${name} appears in the log:\n${out.split('\n').find((l) => l.includes(value))}`);
    }
    for (const line of privateKey.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----')))
      expect(out).not.toContain(line);
  }, 120_000);

  it('a mistyped or unreachable DATABASE_URL is reported without its password', async () => {
    const password = `pw${hex(10)}`;
    const typo = await runCli(['start'], {
      DATABASE_URL: `postgress://fincelo:${password}@db.internal:5432/x`,
    });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('DATABASE_URL');
    expect(typo.stderr).toContain('postgress://fincelo:***@db.internal');
    expect(typo.stdout + typo.stderr).not.toContain(password);
    const closed = await freePort();
    const unreachable = await runCli(['start'], {
      DATABASE_URL: `postgres://fincelo:${password}@127.0.0.1:${closed}/x`,
      FINCELO_ENCRYPTION_KEY: hex(32),
      LOG_LEVEL: 'debug',
      PORT: String(await freePort()),
    });
    expect(unreachable.code).not.toBe(0);
    expect(unreachable.stdout + unreachable.stderr).not.toContain(password);
  }, 120_000);
});
