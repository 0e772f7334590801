/**
 * The request verifier in both audience modes, and the Chat API client against the fake: tokens
 * minted at the key's token_uri, 429 retried with backoff under one requestId (one message), and
 * media.download into a Buffer.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createChatApi } from '../../../../src/bots/gchat/api.js';
import { createChatVerifier, UnauthorizedError } from '../../../../src/bots/gchat/verify.js';
import {
  chatToken,
  signGoogleToken,
  startFakeGoogleChat,
  type FakeGoogleChat,
} from '../../../fakes/gchat-api.js';

let fake: FakeGoogleChat;
beforeAll(async () => {
  fake = await startFakeGoogleChat();
});
afterAll(async () => {
  await fake.close();
});

describe('Google Chat request verification', () => {
  it('accepts Chat ID tokens for the endpoint URL (and the add-on service agent), nothing else', async () => {
    const v = createChatVerifier({
      audienceType: 'endpoint_url',
      audience: 'https://x.test/gchat/events',
      certsUrl: fake.certsUrl,
      addonProjectNumber: '123456789',
    });
    await expect(
      v.verify(`Bearer ${chatToken('endpoint_url', 'https://x.test/gchat/events')}`),
    ).resolves.toMatchObject({
      email: 'chat@system.gserviceaccount.com',
    });
    const addon = chatToken('endpoint_url', 'https://x.test/gchat/events', {
      email: 'service-123456789@gcp-sa-gsuiteaddons.iam.gserviceaccount.com',
    });
    await expect(v.verify(`Bearer ${addon}`)).resolves.toBeTruthy();
    // Another project's add-on pointed at our URL is not us.
    const otherAddon = chatToken('endpoint_url', 'https://x.test/gchat/events', {
      email: 'service-999@gcp-sa-gsuiteaddons.iam.gserviceaccount.com',
    });
    await expect(v.verify(`Bearer ${otherAddon}`)).rejects.toBeInstanceOf(UnauthorizedError);
    const unverified = chatToken('endpoint_url', 'https://x.test/gchat/events', { email_verified: false });
    await expect(v.verify(`Bearer ${unverified}`)).rejects.toBeInstanceOf(UnauthorizedError);
    await expect(v.verify(undefined)).rejects.toBeInstanceOf(UnauthorizedError);
  });

  it('accepts project-number JWTs issued by chat@system.gserviceaccount.com', async () => {
    const v = createChatVerifier({
      audienceType: 'project_number',
      audience: '123456789',
      certsUrl: fake.certsUrl,
    });
    await expect(v.verify(`Bearer ${chatToken('project_number', '123456789')}`)).resolves.toMatchObject({
      issuer: 'chat@system.gserviceaccount.com',
    });
    await expect(v.verify(`Bearer ${chatToken('project_number', '987654321')}`)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    // An ID token (other issuer) is not a project-number token.
    await expect(v.verify(`Bearer ${chatToken('endpoint_url', '123456789')}`)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    // A key id the certificates do not list.
    const now = Math.floor(Date.now() / 1000);
    const unknownKid = signGoogleToken(
      { iss: 'chat@system.gserviceaccount.com', aud: '123456789', iat: now, exp: now + 600 },
      { kid: 'other' },
    );
    await expect(v.verify(`Bearer ${unknownKid}`)).rejects.toBeInstanceOf(UnauthorizedError);
  });
});

describe('Chat API client', () => {
  it('gets its token from the key’s token_uri and retries 429 with one requestId: one message', async () => {
    fake.failNext(2, 429, { match: /^POST \/v1\/spaces\/S1\/messages$/ });
    const limited: number[] = [];
    const api2 = createChatApi({
      key: JSON.parse(fake.serviceAccountJson),
      rootUrl: fake.apiUrl,
      baseDelayMs: 20,
      onRateLimited: (_s, ms) => limited.push(ms),
    });
    const r = await api2.createMessage({
      parent: 'spaces/S1',
      messageId: 'client-fincelo-a',
      requestId: 'client-fincelo-a',
      message: { text: 'hi' },
    });
    // The name is server-generated; the client id is only echoed (Chat API, "Name a message").
    expect(r.name).toMatch(/^spaces\/S1\/messages\/(?!client-)/);
    expect(fake.byName('spaces/S1/messages/client-fincelo-a')?.name).toBe(r.name);
    expect(limited).toHaveLength(2);
    // Exponential with full jitter: attempt n waits between base·2^(n-1)/2 and base·2^(n-1).
    expect(limited[0]).toBeGreaterThanOrEqual(10);
    expect(limited[0]).toBeLessThanOrEqual(20);
    expect(limited[1]).toBeGreaterThanOrEqual(20);
    expect(limited[1]).toBeLessThanOrEqual(40);
    const posts = fake.requests.filter((x) => x.method === 'POST' && x.path === '/v1/spaces/S1/messages');
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((p) => p.query.requestId))).toEqual(new Set(['client-fincelo-a']));
    expect(fake.messagesIn('spaces/S1')).toHaveLength(1);
    expect(fake.tokensIssued).toBeGreaterThanOrEqual(1);
    // Retry-After is honoured as the wait.
    fake.failNext(1, 429, { match: /S2/, retryAfterSeconds: 0.05 });
    await api2.createMessage({ parent: 'spaces/S2', message: { text: 'x' } });
    expect(limited[2]).toBe(50);
  });

  it('gives up after its attempts with the status, and never retries a 400', async () => {
    const api = createChatApi({
      key: JSON.parse(fake.serviceAccountJson),
      rootUrl: fake.apiUrl,
      baseDelayMs: 5,
      attempts: 2,
    });
    fake.failNext(5, 429, { match: /S3/ });
    await expect(api.createMessage({ parent: 'spaces/S3', message: { text: 'x' } })).rejects.toMatchObject({
      status: 429,
    });
    const before = fake.requests.length;
    await expect(
      api.createMessage({ parent: 'spaces/S4', messageId: 'bad id', message: { text: 'x' } }),
    ).rejects.toMatchObject({ status: 400 });
    expect(fake.requests.length - before).toBe(1);
  });

  it('downloads an attachment with media.download into a Buffer', async () => {
    const api = createChatApi({ key: JSON.parse(fake.serviceAccountJson), rootUrl: fake.apiUrl });
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0x2c, 0x62, 0x0a, 0xff]);
    fake.addMedia('spaces/S/attachments/a1', bytes);
    expect((await api.downloadMedia('spaces/S/attachments/a1')).equals(bytes)).toBe(true);
    await expect(api.downloadMedia('spaces/S/attachments/none')).rejects.toMatchObject({ status: 404 });
  });
});
