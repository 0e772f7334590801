import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { validSignature, verifyChallenge } from '../../../../src/bots/whatsapp/verify.js';
import { parseWebhook } from '../../../../src/bots/whatsapp/parse.js';
import { choiceList, readChoice, type Choice } from '../../../../src/bots/whatsapp/choices.js';
import { parseNaturalDate } from '../../../../src/bots/whatsapp/natural-date.js';
import { createPacer } from '../../../../src/bots/whatsapp/pacer.js';
import { templateText } from '../../../../src/bots/whatsapp/templates.js';

const fixture = (name: string, vars: Record<string, string>) =>
  JSON.parse(
    readFileSync(new URL(`../../../fixtures/whatsapp/${name}.json`, import.meta.url), 'utf8'),
    (_k, v) => (typeof v === 'string' ? v.replace(/\{\{(\w+)\}\}/g, (_m, k: string) => vars[k] ?? '') : v),
  );

describe('X-Hub-Signature-256', () => {
  const raw = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
  const good = `sha256=${createHmac('sha256', 's3cret').update(raw).digest('hex')}`;
  it('accepts the HMAC of the raw body and nothing else', () => {
    expect(validSignature('s3cret', raw, good)).toBe(true);
    expect(validSignature('s3cret', raw, good.toUpperCase().replace('SHA256', 'sha256'))).toBe(true);
    expect(validSignature('other', raw, good)).toBe(false);
    expect(validSignature('s3cret', Buffer.concat([raw, Buffer.from(' ')]), good)).toBe(false);
    expect(validSignature('s3cret', raw, undefined)).toBe(false);
    expect(validSignature('s3cret', raw, 'sha1=abc')).toBe(false);
    expect(validSignature('s3cret', raw, good.slice(0, -2))).toBe(false);
  });
  it('verifies the subscription handshake', () => {
    expect(
      verifyChallenge('tok', { 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '42' }),
    ).toEqual({ ok: true, challenge: '42' });
    expect(
      verifyChallenge('tok', { 'hub.mode': 'subscribe', 'hub.verify_token': 'to', 'hub.challenge': '42' }).ok,
    ).toBe(false);
    expect(verifyChallenge('tok', { 'hub.verify_token': 'tok', 'hub.challenge': '42' }).ok).toBe(false);
  });
});

describe('webhook parsing', () => {
  const base = {
    phoneNumberId: '1065',
    waId: '447700900123',
    name: 'Sam',
    messageId: 'wamid.X',
    timestamp: '1763900000',
  };
  it('reads text, list replies, template buttons, documents and statuses', () => {
    expect(parseWebhook(fixture('text', { ...base, text: 'help' })).messages[0]).toMatchObject({
      id: 'wamid.X',
      from: '447700900123',
      type: 'text',
      text: 'help',
      profileName: 'Sam',
      phoneNumberId: '1065',
    });
    expect(
      parseWebhook(
        fixture('list-reply', {
          ...base,
          replyId: 'fa|a|acknowledge|1',
          title: 'Acknowledge',
          contextId: 'wamid.C',
        }),
      ).messages[0],
    ).toMatchObject({
      type: 'interactive',
      replyId: 'fa|a|acknowledge|1',
      contextId: 'wamid.C',
    });
    expect(
      parseWebhook(
        fixture('template-button', { ...base, payload: 'fo|x', title: 'Open', contextId: 'wamid.T' }),
      ).messages[0],
    ).toMatchObject({
      type: 'button',
      replyId: 'fo|x',
      replyTitle: 'Open',
      contextId: 'wamid.T',
    });
    expect(
      parseWebhook(
        fixture('document', {
          ...base,
          mediaId: '77',
          filename: 't.csv',
          mimeType: 'text/csv',
          sha256: 'ab',
        }),
      ).messages[0]!.document,
    ).toEqual({
      id: '77',
      filename: 't.csv',
      mimeType: 'text/csv',
      sha256: 'ab',
    });
    const s = parseWebhook(fixture('status', { ...base, status: 'delivered' })).statuses[0]!;
    expect(s).toMatchObject({ id: 'wamid.X', status: 'delivered', recipientId: '447700900123', errors: [] });
    expect(s.timestamp.toISOString()).toBe(new Date(1763900000 * 1000).toISOString());
  });
  it('skips what is malformed instead of failing', () => {
    expect(parseWebhook(null)).toEqual({ messages: [], statuses: [] });
    expect(
      parseWebhook({
        object: 'whatsapp_business_account',
        entry: [{ changes: [{ field: 'messages', value: { messages: [{ id: 1 }] } }] }],
      }),
    ).toEqual({ messages: [], statuses: [] });
  });
});

describe('choices as paged lists', () => {
  const many: Choice[] = Array.from({ length: 23 }, (_, i) => [`p${i}`, `Person ${i + 1}`]);
  const rows = (m: Record<string, unknown>) =>
    (m.interactive as { action: { sections: { rows: { id: string; title: string }[] }[] } }).action
      .sections[0]!.rows;
  it('shows ten rows at most: nine choices and More…, wrapping at the end', () => {
    expect(rows(choiceList('Pick', many.slice(0, 10)))).toHaveLength(10);
    const p0 = rows(choiceList('Pick', many, 0));
    expect(p0).toHaveLength(10);
    expect(p0[9]).toMatchObject({ id: 'dp|1', title: 'More…' });
    const p2 = rows(choiceList('Pick', many, 2));
    expect(p2.map((r) => r.title)).toEqual([
      'Person 19',
      'Person 20',
      'Person 21',
      'Person 22',
      'Person 23',
      'Back to the start',
    ]);
    expect(p2.at(-1)!.id).toBe('dp|0');
  });
  it('reads list replies, numbers and typed names', () => {
    expect(readChoice(many, 'dc|4', undefined)).toEqual({ choice: ['p4', 'Person 5'] });
    expect(readChoice(many, 'dp|2', undefined)).toEqual({ page: 2 });
    expect(readChoice(many, undefined, '3')).toEqual({ choice: ['p2', 'Person 3'] });
    expect(readChoice(many, undefined, 'person 23')).toEqual({ choice: ['p22', 'Person 23'] });
    expect(readChoice(many, undefined, 'person')).toBeNull(); // ambiguous
    expect(readChoice(many, 'dc|99', undefined)).toBeNull();
  });
});

describe("natural dates in the person's time zone", () => {
  // Monday 23 Nov 2026, 18:00 UTC.
  const now = new Date('2026-11-23T18:00:00Z');
  it('reads "tomorrow 3pm" and "Fri 10:00" as local wall-clock times', () => {
    expect(parseNaturalDate('tomorrow 3pm', 'Europe/London', now)!.toISOString()).toBe(
      '2026-11-24T15:00:00.000Z',
    );
    expect(parseNaturalDate('tomorrow 3pm', 'America/New_York', now)!.toISOString()).toBe(
      '2026-11-24T20:00:00.000Z',
    );
    expect(parseNaturalDate('Fri 10:00', 'Asia/Tokyo', now)!.toISOString()).toBe('2026-11-27T01:00:00.000Z');
  });
  it('uses the local date when it differs from UTC, 09:00 without a time, null for nonsense', () => {
    // 18:00 UTC is already Tuesday 03:00 in Tokyo: "tomorrow" is Wednesday there.
    expect(parseNaturalDate('tomorrow 9am', 'Asia/Tokyo', now)!.toISOString()).toBe(
      '2026-11-25T00:00:00.000Z',
    );
    expect(parseNaturalDate('next monday', 'Europe/London', now)!.toISOString()).toBe(
      '2026-11-30T09:00:00.000Z',
    );
    expect(parseNaturalDate('whenever', 'Europe/London', now)).toBeNull();
  });
  it('handles a daylight-saving change between now and then', () => {
    const march = new Date('2026-03-28T12:00:00Z'); // London moves to BST on 29 March
    expect(parseNaturalDate('tomorrow 3pm', 'Europe/London', march)!.toISOString()).toBe(
      '2026-03-29T14:00:00.000Z',
    );
  });
});

describe('pacing and template text', () => {
  it('sends to one recipient in order, at least the gap apart', async () => {
    const p = createPacer({ ratePerSecond: 1000, recipientGapMs: 50 });
    const at: number[] = [];
    await Promise.all(
      [1, 2, 3].map((i) =>
        p.run('a', async () => {
          at.push(Date.now());
          return i;
        }),
      ),
    );
    expect(at).toHaveLength(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(45);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(45);
  });
  it('keeps template variables free of newlines, tabs and long space runs', () => {
    expect(templateText('a\nb\t c      d')).toBe('a · b ·  c   d');
    expect([...templateText('x'.repeat(500))].length).toBe(300);
  });
});
