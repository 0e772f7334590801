/**
 * Writes train.jsonl and test.jsonl from the hand-written fragments in fragments.ts, deterministically
 * (seeded PRNG): `npx tsx datasets/support-tickets/compose.ts`. See README.md for the split rule.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORES, GREETINGS, QUOTES, SIGNATURES, TONES } from './fragments.js';

const FLAG_CODES: Record<string, string> = {
  L: 'legal_language',
  C: 'churn_signal',
  B: 'billing_keywords',
  E: 'escalation_language',
};

/** Openers that say something nice before the complaint (mixed signals; the label stays negative). */
const MIXED = [
  'We generally like the product, but ',
  'Your onboarding team was great last year, however ',
  'I appreciate your help in the past, but ',
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = mulberry32(20251123);
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const isTest = (i: number) => i % 4 === 3;

interface Row {
  id: string;
  subject: string;
  body: string;
  sentiment: string;
  category: string;
  secondary: string[];
  flags: string[];
}

const train: Row[] = [];
const test: Row[] = [];
let n = 0;
for (const [category, cores] of Object.entries(CORES)) {
  cores.forEach((core, ci) => {
    const split = isTest(ci) ? test : train;
    for (let k = 0; k < 3; k++) {
      const sentiment = core.s[(ci + k) % core.s.length]!;
      const tones = TONES[sentiment]!.filter((_, ti) => isTest(ti) === isTest(ci));
      const tone = pick(tones);
      const negative = sentiment !== 'neutral' && sentiment !== 'positive';
      let coreText = core.body;
      if (negative && rnd() < 0.25) {
        const m = pick(MIXED);
        coreText = m + coreText[0]!.toLowerCase() + coreText.slice(1);
      }
      const parts = rnd() < 0.3 ? [tone.text, coreText] : [coreText, tone.text];
      const greeting = pick(GREETINGS);
      let body = (greeting ? greeting + '\n\n' : '') + parts.join(' ') + pick(SIGNATURES);
      const r = rnd();
      if (r < 0.2) body += pick(QUOTES);
      else if (r < 0.32) {
        body =
          '<div dir="ltr"><p>' +
          body.replace(/\n\n/g, '</p><p>').replace(/\n/g, '<br>') +
          '</p></div><div class="gmail_quote"><blockquote>Thanks for contacting support! We will get back to you soon.</blockquote></div>';
      }
      let subject = core.subject;
      if (rnd() < 0.2) subject = 'Re: ' + subject;
      if (sentiment === 'distressed' && rnd() < 0.3) subject = 'URGENT: ' + subject;
      const flags = [...new Set((core.flags + tone.flags).split(''))].map((c) => FLAG_CODES[c]!).sort();
      n++;
      split.push({
        id: `t-${String(n).padStart(4, '0')}`,
        subject,
        body,
        sentiment,
        category,
        secondary: core.secondary ?? [],
        flags,
      });
    }
  });
}

const dir = dirname(fileURLToPath(import.meta.url));
const out = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
writeFileSync(join(dir, 'train.jsonl'), out(train));
writeFileSync(join(dir, 'test.jsonl'), out(test));
console.log(`train ${train.length}, test ${test.length}`);
