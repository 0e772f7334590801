/**
 * Intensity cues for sentiment: how strongly a ticket says what it says, not only which way. Each
 * cue family becomes an `int:<family>` feature whose weight the sentiment classifier learns, and
 * keeps the phrases it matched, so an analysis can show why it read a ticket as hostile ("why:
 * 'third time this month', 'escalate to your CEO'").
 *
 * Written from the label definitions of issue 17 (hostile = anger, insults, threats, contempt;
 * distressed = anxiety, panic, urgency, business or job at stake; frustrated = annoyance, repeated
 * problems, waiting, disappointment) and from how B2B support tickets are phrased; not from any
 * evaluation set.
 */

/** Family → regular-expression sources, matched with word boundaries on the lower-cased text. */
export const INTENSITY_CUES: Record<string, string[]> = {
  // Contempt and insults aimed at the vendor or its people.
  insult: [
    'incompetent',
    'idiots?',
    'morons?',
    'clowns?',
    'amateurs?',
    'useless',
    'pathetic',
    'a joke',
    'garbage',
    'trash',
    'rubbish',
    'crap(?:py)?',
    'clueless',
    'scam(?:mers?)?',
    'liars?',
    'lied to us',
    'shameful',
    'disgrace(?:ful)?',
    'embarrassing',
    'do your (?:damn |bloody )?job',
    'thanks for nothing',
    'worst (?:vendor|support|service|company|product|experience)',
    'f[u*]ck\\w*',
    'motherf\\w*',
    'damn(?:ed)?',
    'bloody',
    'shit\\w*',
    'wtf',
    'bullshit',
  ],
  // Threats and ultimatums: consequences the customer announces.
  threat: [
    "or (?:else|we will|we'll|i will|i'll)",
    'or (?:we|i) (?:sue|leave|walk|cancel|escalate|go public)',
    'last (?:chance|warning)',
    'final (?:notice|warning)',
    'consider(?:ing)? our options',
    'take (?:this|it|our business) elsewhere',
    'take legal action',
    'see you in court',
    'hear from our (?:lawyers?|attorneys?)',
    'public(?:ly)? (?:review|post)',
    'tell everyone',
    'report you',
    'within (?:24|48) hours',
    'i demand',
    'we demand',
  ],
  // Urgency and panic.
  urgency: [
    'urgent(?:ly)?',
    'asap',
    'emergency',
    'immediately',
    'right now',
    'right away',
    'as soon as possible',
    'critical',
    'top priority',
    'p1',
    'sev(?:erity)? ?1',
    'panic\\w*',
    'desperate(?:ly)?',
    'please help',
    'help us',
    'need help now',
    'time[- ]sensitive',
    'by (?:today|tonight|tomorrow morning|end of day|eod)',
    'deadline',
    'blocked',
    'cannot work',
    'can not work',
    'stuck',
    'worried',
    'anxious',
    'scared',
    'nervous',
    'stressed',
  ],
  // Business or job at stake.
  stakes: [
    'at stake',
    'at risk',
    'on the line',
    'losing (?:money|customers|clients|revenue|sales|business|deals?)',
    'lost (?:money|customers|clients|revenue|sales|deals?)',
    'cost(?:ing)? us (?:money|customers|clients|\\$?\\d+)',
    'my job',
    'get fired',
    'our reputation',
    'payroll',
    'go-?live',
    'launch',
    'board meeting',
    'audit(?:ors?)?',
    'our customers are (?:complaining|calling|angry)',
    'whole (?:team|company) is (?:blocked|down|waiting)',
    'business is (?:down|stopped|at risk)',
    'revenue',
    'contract is up',
  ],
  // Repeated problems, chasing, waiting: frustration stated as facts.
  repetition: [
    'again',
    'still',
    'yet again',
    'once again',
    '(?:second|third|fourth|fifth|tenth|\\d+(?:st|nd|rd|th)) time',
    'how many times',
    'keeps? (?:happening|failing|breaking|crashing)',
    'every (?:single )?(?:time|day|week)',
    'same (?:issue|problem|error|bug)',
    'for (?:days|weeks|months)',
    '(?:\\d+|two|three|four|five|several) (?:days|weeks|months|hours)',
    'on hold',
    'no (?:response|reply|answer|update|one)',
    'nobody',
    'never (?:heard|got|received)',
    "haven't heard",
    'have not heard',
    'not heard back',
    'waiting',
    'waited',
    'chas(?:e|ing)',
    'follow(?:ing)? up',
    'delay(?:ed|s)?',
    'late',
    'lost (?:my|our)',
    'still (?:not|no|nothing|waiting|broken)',
    'not fixed',
    'ignored',
    'disappoint\\w*',
    'frustrat\\w*',
    'annoy\\w*',
    'fed up',
    'sick of',
    'tired of',
    'expected better',
    'not (?:happy|acceptable|ok|okay)',
  ],
  // Anger words beyond the lexicon's general-purpose ones.
  anger: [
    'angry',
    'furious',
    'livid',
    'outrag\\w*',
    'unacceptable',
    'ridiculous',
    'absurd',
    'appalling',
    'disgust\\w*',
    'infuriat\\w*',
    'hate',
    'horrible',
    'terrible',
    'awful',
    'worst',
    'insane',
    'beyond (?:frustrating|annoying|belief)',
  ],
  // Sarcasm: praise words in a complaint's frame.
  sarcasm: [
    'thanks? (?:a lot|so much) for (?:nothing|wasting|breaking|ignoring)',
    'great job',
    'well done',
    'oh (?:great|wonderful|perfect|good)',
    'just (?:great|perfect|wonderful)',
    'yeah,? right',
    'love how',
    'love that (?:you|it|we)',
    'so helpful',
    'what a (?:joke|surprise)',
    'as usual',
    'surprise,? surprise',
    'brilliant(?=,)',
    'fantastic(?=,)',
  ],
  // Polite request framing: "please", "could you", "thanks in advance" are manners, not praise.
  polite: [
    'please',
    'could you',
    'would you',
    'can you',
    'kindly',
    'thanks in advance',
    'thank you in advance',
    'appreciate (?:it|your help|any help)',
    'let me know',
    'i would like',
    "i'd like",
    'how (?:do|can|to)',
    'is it possible',
    'what is',
    'where (?:is|can)',
  ],
  // Real satisfaction, not manners.
  praise: [
    'thank you so much',
    'thanks so much',
    'many thanks',
    'great (?:job|work|support|service|product|team)',
    'love (?:the|it|this|your)',
    'amazing',
    'awesome',
    'excellent',
    'fantastic',
    'brilliant',
    'delighted',
    'impressed',
    'happy with',
    'pleased with',
    'works? (?:great|perfectly|like a charm)',
    'you (?:rock|guys rock|are the best)',
    'best (?:support|service|tool)',
    'quick(?:ly)? (?:fix|response|reply|resolved)',
    'solved',
    'resolved',
    'kudos',
  ],
};

/** Words that, in support, do not carry the polarity AFINN gives them (AFINN-165 values). */
export const DOMAIN_VALENCE: Readonly<Record<string, number>> = {
  // "I was charged twice" is a billing fact, not hostility (AFINN: charged −3).
  charged: 0,
  charges: 0,
  // "kill the process", "killed the job" are operations words (AFINN: kill −3).
  kill: 0,
  killed: 0,
  kills: 0,
  // Requests: "please", "help" and "like" ("I would like") are manners, not praise.
  please: 0,
  help: 0,
  like: 0,
  free: 0,
  // Status words with no tone of their own in a ticket.
  limited: 0,
  attack: -1,
  cancelled: 0,
  pay: 0,
  dispute: -1,
  fraud: -1,
  // Support wording for trouble AFINN does not know.
  broken: -2,
  crash: -2,
  crashes: -2,
  crashed: -2,
  unusable: -3,
  unacceptable: -3,
  ridiculous: -3,
  incompetent: -3,
  useless: -3,
};

/** Words that make the next negative word stronger. */
export const INTENSIFIERS = new Set([
  'very',
  'so',
  'extremely',
  'absolutely',
  'totally',
  'completely',
  'utterly',
  'really',
  'incredibly',
  'ridiculously',
  'seriously',
  'truly',
  'beyond',
]);

/**
 * All families in one regular expression, one capture group per family, so a ticket is scanned
 * once instead of once per family (the cue scan was a third of the analyzer's time). At one
 * position the first family listed wins; the lists are ordered specific-first for that reason.
 */
const FAMILY_ORDER = [
  'sarcasm',
  'threat',
  'insult',
  'stakes',
  'urgency',
  'anger',
  'repetition',
  'praise',
  'polite',
];
const FAMILIES = FAMILY_ORDER.filter((f) => INTENSITY_CUES[f]);
const ALL_CUES = new RegExp(
  `\\b(?:${FAMILIES.map((f) => `(${INTENSITY_CUES[f]!.join('|')})`).join('|')})\\b`,
  'g',
);

export interface IntensityCues {
  /** family → distinct phrases found, in text order */
  found: Map<string, string[]>;
  /** share of letters in fully capitalised words of 3+ letters (shouting) */
  capsShare: number;
  /** "!!", "?!" and the like */
  bangs: number;
}

/** The intensity cues of a ticket. `text` keeps its case (capitals matter); matching is on lower case. */
export function intensityCues(text: string, lower = text.toLowerCase()): IntensityCues {
  const found = new Map<string, string[]>();
  for (const m of lower.matchAll(ALL_CUES)) {
    const g = m.findIndex((v, i) => i > 0 && v !== undefined);
    const family = FAMILIES[g - 1]!;
    const seen = found.get(family);
    if (!seen) found.set(family, [m[0]]);
    else if (!seen.includes(m[0])) seen.push(m[0]);
  }
  // One pass over the characters: runs of 3+ ASCII letters (all capitals: shouting) and runs of
  // 2+ "!"/"?" (what /[A-Za-z]{3,}/g and /[!?]{2,}/g found, without building the matches).
  let capsLetters = 0;
  let letters = 0;
  let bangs = 0;
  let run = 0;
  let upper = true;
  let marks = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0;
    const isUpper = c >= 65 && c <= 90;
    if (isUpper || (c >= 97 && c <= 122)) {
      run++;
      if (!isUpper) upper = false;
    } else {
      if (run >= 3) {
        letters += run;
        if (upper) capsLetters += run;
      }
      run = 0;
      upper = true;
    }
    if (c === 33 || c === 63) marks++;
    else {
      if (marks >= 2) bangs++;
      marks = 0;
    }
  }
  return { found, capsShare: letters >= 12 ? capsLetters / letters : 0, bangs };
}
