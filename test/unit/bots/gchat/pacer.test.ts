import { describe, expect, it } from '@jest/globals';
import { createSpacePacer } from '../../../../src/bots/gchat/pacer.js';

/** A fixed clock; each write records how long the pacer made it wait. */
function virtual() {
  const t = 1_000_000;
  const waits: { space: string; ms: number }[] = [];
  let current = '';
  const pacer = createSpacePacer({
    now: () => t,
    sleep: async (ms) => void waits.push({ space: current, ms }),
  });
  const send = (space: string) => {
    current = space;
    return pacer.wait(space); // the slot is taken synchronously, before any await
  };
  return { pacer, send, waits };
}

describe('per-space pacing of Chat writes', () => {
  it('spaces writes to one space a second apart and leaves other spaces alone', async () => {
    const v = virtual();
    await Promise.all([v.send('spaces/A'), v.send('spaces/A'), v.send('spaces/B'), v.send('spaces/A')]);
    expect(v.waits).toEqual([
      { space: 'spaces/A', ms: 1000 },
      { space: 'spaces/A', ms: 2000 },
    ]);
  });

  it('keeps a space quiet after a 429 for the time asked', async () => {
    const v = virtual();
    v.pacer.backOff('spaces/A', 5000);
    await v.send('spaces/A');
    expect(v.waits).toEqual([{ space: 'spaces/A', ms: 5000 }]);
  });
});
