/**
 * Outbound pacing for one WhatsApp phone number (developers.facebook.com/docs/whatsapp/throughput):
 * at most `ratePerSecond` messages per second for the number (80 by default; error 130429 beyond),
 * and per recipient one message at a time, in order, at least `recipientGapMs` apart (the pair rate
 * limit, error 131056, is about one message per 6 s sustained with short bursts allowed).
 */
export interface Pacer {
  run<T>(recipient: string, send: () => Promise<T>): Promise<T>;
}

export function createPacer(o: { ratePerSecond: number; recipientGapMs: number }): Pacer {
  const interval = 1000 / o.ratePerSecond;
  let nextSlot = 0;
  const perRecipient = new Map<string, { tail: Promise<unknown>; last: number }>();
  const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

  /** Reserves the next send slot of the number (a simple spacing of 1/rate seconds). */
  function slot(): number {
    const now = Date.now();
    const at = Math.max(now, nextSlot);
    nextSlot = at + interval;
    return at - now;
  }

  return {
    run<T>(recipient: string, send: () => Promise<T>): Promise<T> {
      const entry = perRecipient.get(recipient) ?? { tail: Promise.resolve(), last: 0 };
      const result = entry.tail.then(async () => {
        await sleep(entry.last + o.recipientGapMs - Date.now());
        await sleep(slot());
        try {
          return await send();
        } finally {
          entry.last = Date.now();
        }
      });
      entry.tail = result.catch(() => undefined);
      perRecipient.set(recipient, entry);
      void entry.tail.then(() => {
        if (perRecipient.get(recipient) === entry && Date.now() - entry.last > o.recipientGapMs)
          perRecipient.delete(recipient);
      });
      return result;
    },
  };
}
