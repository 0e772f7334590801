import { describe, expect, it } from '@jest/globals';
import { cardVersion, createCardCache } from '../../../../src/bots/teams/card-cache.js';

const card = (version: number | null) => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [],
  ...(version === null
    ? {}
    : {
        actions: [
          { type: 'Action.Execute', verb: 'resolve', data: { alertId: 'a', action: 'resolve', version } },
        ],
      }),
});

describe('Teams card cache', () => {
  it('reads the alert version a card was rendered from; a card without actions is final', () => {
    expect(cardVersion(card(7))).toBe(7);
    expect(cardVersion(card(null))).toBe(Number.POSITIVE_INFINITY);
  });

  it('gives a watcher the first card sent since it started that it accepts, skipping older states', async () => {
    const cache = createCardCache();
    const w = cache.watch('19:c@thread.tacv2;messageid=1', '1');
    cache.remember('19:c@thread.tacv2', '1', card(4)); // an update queued before the action
    const pending = w.wait((c) => cardVersion(c) >= 5, 1_000);
    setTimeout(() => cache.remember('19:c@thread.tacv2', '1', card(5)), 20);
    expect(cardVersion((await pending)!)).toBe(5);
    expect(cardVersion(cache.get('19:c@thread.tacv2', '1')!)).toBe(5);
  });

  it('gives up after the timeout, and ignores other messages', async () => {
    const cache = createCardCache();
    const w = cache.watch('a:1', '1');
    cache.remember('a:1', '2', card(9));
    expect(await w.wait(() => true, 30)).toBeNull();
  });

  it('forgets the oldest cards beyond its size', () => {
    const cache = createCardCache({ maxEntries: 2 });
    for (const id of ['1', '2', '3']) cache.remember('a:1', id, card(1));
    expect(cache.get('a:1', '1')).toBeNull();
    expect(cache.get('a:1', '3')).not.toBeNull();
  });
});
