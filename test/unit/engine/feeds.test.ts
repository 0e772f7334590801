import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SETTINGS, mergeSettings, SettingsValidationError } from '../../../src/engine/settings.js';
import { watchedFeeds } from '../../../src/engine/feeds-settings.js';
import { feedStaleChain } from '../../../src/engine/feeds.js';
import { buildAlertView } from '../../../src/cards/build-view.js';
import type { Alert } from '../../../src/engine/types.js';

const errorsOf = (patch: unknown): Record<string, string> => {
  try {
    mergeSettings(DEFAULT_SETTINGS, patch);
  } catch (err) {
    if (err instanceof SettingsValidationError) return err.fields;
    throw err;
  }
  return {};
};

describe('feeds setting (issue 21 item 3)', () => {
  it('watches nothing by default', () => {
    expect(DEFAULT_SETTINGS.feeds).toEqual({});
    expect(watchedFeeds(DEFAULT_SETTINGS.feeds)).toEqual([]);
  });

  it('merges cadences per feed, normalised; null stops watching', () => {
    const s = mergeSettings(DEFAULT_SETTINGS, {
      feeds: {
        usage: { expectedEvery: '1440m' },
        invoices: { expectedEvery: '10s' },
        connectors: { zendesk: { expectedEvery: '2h' } },
      },
    });
    expect(s.feeds).toEqual({
      usage: { expectedEvery: '24h' },
      invoices: { expectedEvery: '10s' },
      connectors: { zendesk: { expectedEvery: '2h' } },
    });
    expect(watchedFeeds(s.feeds).map((f) => [f.key, f.expectedEveryMs])).toEqual([
      ['usage', 86_400_000],
      ['invoices', 10_000],
      ['connector:zendesk', 7_200_000],
    ]);
    const less = mergeSettings(s, { feeds: { invoices: null, connectors: { zendesk: null } } });
    expect(less.feeds).toEqual({ usage: { expectedEvery: '24h' } });
    expect(mergeSettings(s, { feeds: null }).feeds).toEqual({});
  });

  it('names each bad field', () => {
    expect(errorsOf({ feeds: { usage: { expectedEvery: '9s' } } })).toEqual({
      'feeds.usage.expectedEvery': 'must be at least 10s (staleness is checked every 10 seconds)',
    });
    expect(Object.keys(errorsOf({ feeds: { invoices: { expectedEvery: 'daily' } } }))).toContain(
      'feeds.invoices.expectedEvery',
    );
    expect(Object.keys(errorsOf({ feeds: { usage: { every: '1d' } } }))).toContain('feeds.usage.every');
    expect(Object.keys(errorsOf({ feeds: { tickets: {} } }))).toContain('feeds.tickets');
    expect(
      Object.keys(errorsOf({ feeds: { connectors: { 'not a key!': { expectedEvery: '1h' } } } })),
    ).toContain('feeds.connectors.not a key!');
    expect(Object.keys(errorsOf({ feeds: 'daily' }))).toContain('feeds');
  });
});

describe('feed_stale chain and card', () => {
  it('goes to the admins first, then the steps that need no customer', () => {
    expect(feedStaleChain(DEFAULT_SETTINGS)).toEqual([
      { role: 'admin', afterMs: 0 },
      { role: 'vp_cs', afterMs: 48 * 3_600_000 },
      { role: 'cfo', afterMs: 72 * 3_600_000 },
    ]);
    const withChannel = mergeSettings(
      DEFAULT_SETTINGS,
      {
        escalation: [
          { role: 'csm', after: '0s' },
          { role: 'csm_manager', after: '1h' },
          { channel: 'slack:C0123ABCD', after: '2h' },
        ],
      },
      { stepChannels: { slack: { re: /^C[A-Z0-9]+$/, example: 'C0123ABCD' } } },
    );
    expect(feedStaleChain(withChannel)).toEqual([
      { role: 'admin', afterMs: 0 },
      { channel: 'slack:C0123ABCD', afterMs: 7_200_000 },
    ]);
  });

  it('a card with no customer says what went silent and since when', () => {
    const at = new Date('2027-03-01T11:01:00Z');
    const alert: Alert = {
      id: 'a',
      workspaceId: 'w',
      customerId: null,
      type: 'feed_stale',
      dedupKey: 'feed_stale:usage',
      status: 'open',
      assigneeId: null,
      facts: { feed: 'usage', expectedEvery: '1h', lastDataAt: '2027-03-01T10:00:00Z' },
      escalation: feedStaleChain(DEFAULT_SETTINGS),
      step: 0,
      token: 1,
      version: 1,
      chainStartedAt: at,
      pausedAt: null,
      pausedTotalMs: 0,
      nextActionAt: null,
      nextActionKind: null,
      resolvedAt: null,
      createdAt: at,
      updatedAt: at,
    };
    const v = buildAlertView({
      alert,
      customer: null,
      assignee: null,
      nextHolders: [],
      csms: [],
      timezone: 'UTC',
    });
    expect(v.headline).toBe('📡 Data feed silent');
    expect(v.customerName).toBe('Whole workspace');
    expect(v.facts).toEqual([
      { title: 'Feed', value: 'Usage readings' },
      { title: 'Expected every', value: '1h' },
      { title: 'Last data', value: expect.stringContaining('10:00') },
    ]);
    expect(v.escalationLabel).toBe('Step 1 of 3 — Admin');
    const never = buildAlertView({
      alert: {
        ...alert,
        facts: { feed: 'invoices', expectedEvery: '1d', lastDataAt: null, watchedSince: at.toISOString() },
      },
      customer: null,
      assignee: null,
      nextHolders: [],
      csms: [],
      timezone: 'UTC',
    });
    expect(never.facts[2]!.value).toMatch(/^none since watching began/);
  });
});
