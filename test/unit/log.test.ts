/** Logs never carry credentials, however carelessly an object is logged. */
import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger('debug', stream), text: () => lines.join('') };
}

const SECRETS = [
  'xoxb-live-token',
  'sk-live-key',
  's3cr3t-pass',
  'Bearer abc.def.ghi',
  'whsec_123',
  'pk-----BEGIN',
];

describe('log redaction', () => {
  it('redacts credentials at the top level and nested up to three levels', () => {
    const { log, text } = capture();
    log.info({ token: SECRETS[0], apiKey: SECRETS[1] }, 'top');
    log.info({ connector: { credentials: { apiToken: SECRETS[2] }, webhookSecret: SECRETS[4] } }, 'nested');
    log.info({ req: { headers: { authorization: SECRETS[3] } } }, 'headers');
    log.info({ sa: { key: { private_key: SECRETS[5] } } }, 'deep');
    log.info({ config: { SLACK_BOT_TOKEN: SECRETS[0], DATABASE_URL: 'postgres://u:pw@h/db' } }, 'config');
    const out = text();
    for (const s of SECRETS) expect(out).not.toContain(s);
    expect(out).not.toContain('pw@h');
    expect(out).toContain('[redacted]');
    expect(out).toContain('"msg":"nested"');
  });

  it('drops the request (headers, body) an HTTP client error carries, keeping status and URL', () => {
    const { log, text } = capture();
    const err = Object.assign(new Error('Request failed with status code 401'), {
      isAxiosError: true,
      code: 'ERR_BAD_REQUEST',
      config: {
        method: 'post',
        url: 'https://graph.example/v21.0/123/messages?access_token=qs-secret',
        headers: { Authorization: SECRETS[3] },
        data: JSON.stringify({ password: SECRETS[2] }),
      },
      request: { _header: `POST /x HTTP/1.1\r\nAuthorization: ${SECRETS[3]}` },
      response: {
        status: 401,
        data: { error: 'expired' },
        config: { headers: { Authorization: SECRETS[3] } },
      },
    });
    log.error({ err }, 'send failed');
    const out = text();
    for (const s of SECRETS) expect(out).not.toContain(s);
    expect(out).not.toContain('qs-secret');
    const line = JSON.parse(out.trim()) as { err: Record<string, unknown> };
    expect(line.err).toMatchObject({
      message: 'Request failed with status code 401',
      status: 401,
      method: 'POST',
      url: 'https://graph.example/v21.0/123/messages',
      code: 'ERR_BAD_REQUEST',
    });
  });

  it('still prints ordinary errors in full', () => {
    const { log, text } = capture();
    log.error({ err: Object.assign(new Error('boom'), { detail: 'useful' }) }, 'failed');
    expect(JSON.parse(text().trim()).err).toMatchObject({ message: 'boom', detail: 'useful' });
  });
});
