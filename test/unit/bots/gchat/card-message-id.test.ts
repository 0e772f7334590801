/** A retried alert-card post reuses its client message id, so Google Chat does not post it twice. */
import { describe, expect, it } from '@jest/globals';
import { cardMessageId } from '../../../../src/bots/gchat/gateway.js';

const card = (alertId: string) => ({
  type: 'AdaptiveCard',
  body: [{ type: 'TextBlock', text: 'Northwind at 91%' }],
  actions: [
    { type: 'Action.Execute', verb: 'acknowledge', data: { alertId, action: 'acknowledge', version: 3 } },
  ],
});

describe('cardMessageId', () => {
  it('is the same for the same alert in the same conversation, whatever the card shows now', () => {
    const a = cardMessageId('conv-1', card('alert-1'));
    const later = cardMessageId('conv-1', {
      ...card('alert-1'),
      body: [{ type: 'TextBlock', text: 'changed' }],
    });
    expect(a).toMatch(/^client-fincelo-[0-9a-f]{32}$/);
    expect(later).toBe(a);
  });
  it('differs between conversations and between alerts', () => {
    const a = cardMessageId('conv-1', card('alert-1'));
    expect(cardMessageId('conv-2', card('alert-1'))).not.toBe(a);
    expect(cardMessageId('conv-1', card('alert-2'))).not.toBe(a);
  });
  it('is random for a card that belongs to no alert (a brief, a CSV review)', () => {
    const brief = { type: 'AdaptiveCard', body: [{ type: 'TextBlock', text: 'Morning brief' }] };
    expect(cardMessageId('conv-1', brief)).not.toBe(cardMessageId('conv-1', brief));
  });
});
