import { describe, expect, it } from '@jest/globals';
import { createPacer, PacedError } from '../../../../src/bots/slack/pacer.js';
import { parseSettingsArgs } from '../../../../src/bots/slack/parse.js';
import { decodeMessageId, encodeMessageId } from '../../../../src/bots/slack/gateway.js';

function clock() {
  let t = 1_000_000;
  const slept: number[] = [];
  return {
    now: () => t,
    sleep: async (ms: number) => {
      slept.push(ms);
      t += ms;
    },
    advance: (ms: number) => void (t += ms),
    slept,
  };
}

describe('Slack pacer', () => {
  it('lets one message per second through per conversation, without delaying others', async () => {
    const c = clock();
    const pacer = createPacer({ now: c.now, sleep: c.sleep, intervalMs: 1000, maxWaitMs: 1500 });
    await pacer.wait('D1');
    await pacer.wait('D2');
    expect(c.slept).toEqual([]);
    await pacer.wait('D1');
    expect(c.slept).toEqual([1000]);
  });

  it('hands a long wait back to the outbox, keeping the slot for when it comes back', async () => {
    const c = clock();
    const pacer = createPacer({ now: c.now, sleep: async () => {}, intervalMs: 1000, maxWaitMs: 1500 });
    await pacer.wait('D1'); // slot t
    await pacer.wait('D1'); // slot t+1s
    // Slots t+2s and t+3s are reserved; the deliveries are asked back 1.3 s (maxWait − 200 ms) early.
    const third = await pacer.wait('D1').catch((e: unknown) => e);
    expect(third).toBeInstanceOf(PacedError);
    expect((third as PacedError).retryAfterMs).toBe(700);
    const fourth = await pacer.wait('D1').catch((e: unknown) => e);
    expect((fourth as PacedError).retryAfterMs).toBe(1700);
    // Back in time, a deferred delivery takes its reserved slot (t+2s) rather than a new one.
    c.advance(700);
    await expect(pacer.wait('D1')).resolves.toBeUndefined();
    // One that comes back after its slot (t+3s) has lost it: it queues after every slot given out.
    c.advance(2400);
    await expect(pacer.wait('D1')).resolves.toBeUndefined(); // t+4s, 900 ms away
    await expect(pacer.wait('D1')).rejects.toMatchObject({ retryAfterMs: 600 }); // t+5s
  });

  it('keeps a conversation quiet for Retry-After after a 429', async () => {
    const c = clock();
    const pacer = createPacer({ now: c.now, sleep: c.sleep, maxWaitMs: 1500 });
    pacer.backOff('D1', 30_000);
    // Asked back 1.3 s early, it then waits for its slot at 30 s.
    await expect(pacer.wait('D1')).rejects.toMatchObject({ retryAfterMs: 28_700 });
    await expect(pacer.wait('D2')).resolves.toBeUndefined();
  });
});

describe('Slack ids and commands', () => {
  it('encodes channel and ts in a message id', () => {
    const id = encodeMessageId('D0SAM', '1700000000.000100');
    expect(id).toBe('D0SAM:1700000000.000100');
    expect(decodeMessageId(id)).toEqual({ channel: 'D0SAM', ts: '1700000000.000100' });
  });

  it('reads `/fincelo settings [form] [id]`', () => {
    expect(parseSettingsArgs('settings')).toEqual({ form: 'general', context: {} });
    expect(parseSettingsArgs('settings person csm-2')).toEqual({
      form: 'person',
      context: { externalId: 'csm-2' },
    });
    expect(parseSettingsArgs('settings customers')).toEqual({ form: 'customer', context: {} });
  });
});
