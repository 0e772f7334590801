import { mayMatch, prefilter } from './nlp.js';

/**
 * Support-domain tone cues, written from the label definitions (hostile = anger, insults, threats;
 * distressed = anxiety, urgency, business at stake; frustrated = annoyance, repeated problems,
 * waiting). AFINN scores words in general text; these name what a support ticket's tone turns on.
 * They become `tone:<label>` features whose weights the sentiment classifier learns.
 */
export const TONE_TERMS: Record<string, string[]> = {
  hostile: [
    'angry',
    'furious',
    'livid',
    'outrag\\w*',
    'unacceptable',
    'incompetent',
    'disgrace\\w*',
    'disgust\\w*',
    'ridiculous',
    'pathetic',
    'useless',
    'a joke',
    'garbage',
    'lied',
    'lying',
    'liars?',
    'shameful',
    'embarrass\\w*',
    'insult\\w*',
    'worst',
    'clueless',
    'no clue',
    'thanks for nothing',
    'do your job',
    'sick of',
    'done with you',
    'nobody .{0,20} believes',
    'mess',
    'appalling',
    'terrible',
    'awful',
  ],
  distressed: [
    'urgent\\w*',
    'asap',
    'emergency',
    'critical',
    'worried',
    'anxious',
    'afraid',
    'scared',
    'panick?\\w*',
    'desperate\\w*',
    'stressed',
    'nervous',
    'fear',
    'at stake',
    'at risk',
    'on the line',
    'right away',
    'immediately',
    'deadline',
    'blocked',
    'top priority',
    'in trouble',
    'help,? please',
    'please help',
    'as soon as possible',
    'payroll',
    'board meeting',
    'audit',
    'losing customers',
    'reputation',
    'concerned',
    'out of options',
    'hurry',
  ],
  frustrated: [
    'annoy\\w*',
    'frustrat\\w*',
    'again',
    'still',
    'waiting',
    'disappoint\\w*',
    'fed up',
    'third time',
    'tiring',
    'chase',
    'dragging',
    'no update',
    'repeat\\w*',
    'keeps? happening',
    'same (?:issue|problem)',
    'expected better',
    'not happy',
    'too long',
    'another week',
    'yet',
    'wearing thin',
    'back and forth',
    'a pain',
    'not great',
    'were told',
  ],
  positive: [
    'thanks?',
    'thank you',
    'great',
    'love',
    'awesome',
    'fantastic',
    'excellent',
    'happy',
    'pleased',
    'delighted',
    'appreciat\\w*',
    'wonderful',
    'brilliant',
    'thrilled',
    'grateful',
    'helpful',
    'excited',
  ],
};

/** Each term with its prefilter (nlp.ts): a term none of whose strings is in the ticket cannot
 * match, and `includes` is cheaper than the expression. */
const COMPILED: [string, [string[] | null, RegExp][]][] = Object.entries(TONE_TERMS).map(([c, terms]) => [
  c,
  terms.map((t) => [prefilter(t), new RegExp(`\\b(?:${t})\\b`)]),
]);

/** `tone:<label>` features for a lower-cased text. */
export function toneTermFeatures(lower: string): [string, number][] {
  const out: [string, number][] = [];
  for (const [c, res] of COMPILED) {
    let n = 0;
    for (const [req, r] of res) if (mayMatch(lower, req) && r.test(lower)) n++;
    if (n) out.push(['tone:' + c, Math.min(3, n)]);
  }
  return out;
}
