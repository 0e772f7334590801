/** The connector SSRF rules (src/connectors/runtime/egress.ts). */
import { describe, expect, it } from '@jest/globals';
import {
  checkUrl,
  EgressRefused,
  guardedLookup,
  isInternalAddress,
  parseAllowHosts,
} from '../../../src/connectors/runtime/egress.js';

const strict = { allowHosts: [] };

describe('isInternalAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '[::1]',
  ])('%s is internal', (a) => expect(isInternalAddress(a)).toBe(true));
  it.each(['8.8.8.8', '104.16.51.111', '172.32.0.1', '2606:4700::6810:1'])('%s is public', (a) =>
    expect(isInternalAddress(a)).toBe(false),
  );
});

describe('checkUrl', () => {
  it('allows the platform’s own HTTPS hosts', () => {
    expect(() => checkUrl('https://acme.zendesk.com/api/v2', 'zendesk', strict)).not.toThrow();
    expect(() => checkUrl('https://api.eu.intercom.io', 'intercom', strict)).not.toThrow();
    expect(() => checkUrl('https://acme.atlassian.net', 'jsm', strict)).not.toThrow();
    expect(() => checkUrl('https://api.hubapi.com', 'hubspot', strict)).not.toThrow();
  });
  it.each([
    ['http://acme.zendesk.com', 'zendesk'], // plain http
    ['https://zendesk.com.evil.example', 'zendesk'],
    ['https://evil.example/?x=.zendesk.com', 'zendesk'],
    ['https://acme.freshdesk.com', 'zendesk'], // another platform's host
    ['https://127.0.0.1:5432', 'zendesk'],
    ['https://169.254.169.254/latest/meta-data', 'hubspot'],
    ['https://user:pw@acme.zendesk.com', 'zendesk'],
    ['https://api.intercom.io.evil.example', 'intercom'],
  ])('refuses %s for %s', (url, platform) => {
    expect(() => checkUrl(url, platform, strict)).toThrow(EgressRefused);
  });
  it('lets the opt-in name local hosts, and only those', () => {
    const policy = { allowHosts: parseAllowHosts(' 127.0.0.1, localhost ,*.corp.example') };
    expect(() => checkUrl('http://127.0.0.1:4010', 'zendesk', policy)).not.toThrow();
    expect(() => checkUrl('http://proxy.corp.example', 'zendesk', policy)).not.toThrow();
    expect(() => checkUrl('http://10.0.0.5', 'zendesk', policy)).toThrow(EgressRefused);
  });
  it('never mentions the port in its refusal', () => {
    expect(() => checkUrl('https://127.0.0.1:6379', 'zendesk', strict)).toThrow(
      /^Connections to 127\.0\.0\.1 are/,
    );
  });
});

describe('guardedLookup (the check at connect time)', () => {
  it('refuses a name that resolves to loopback unless the opt-in names it', async () => {
    const run = (allowHosts: string[]) =>
      new Promise<{ err: (Error & { code?: string }) | null; address: unknown }>((resolve) =>
        guardedLookup(() => ({ allowHosts }))('localhost', {}, (err, address) => resolve({ err, address })),
      );
    const refused = await run([]);
    expect(refused.err).toBeInstanceOf(EgressRefused);
    expect(refused.err?.code).toBe('EGRESS_REFUSED');
    const allowed = await run(['localhost']);
    expect(allowed.err).toBeNull();
    expect(String(allowed.address)).toMatch(/^(127\.|::1)/);
  });
});
