/**
 * Seed terms per revenue-risk category (lower-cased regular expressions on the cleaned text). They
 * become classifier features (`cat:<category>` = how many distinct terms matched), so the model
 * learns how much each family counts instead of memorising the training tickets' exact wording.
 */
export const CATEGORY_TERMS: Record<string, string[]> = {
  billing_dispute: [
    'invoice\\w*',
    'billed',
    'billing',
    'bill(?:s|ed)? us',
    'charged? twice',
    'overcharg\\w*',
    'vat',
    'credit note',
    'dispute\\w*',
    'pro-?rated',
    'duplicate (?:line|charge|payment)',
    'discount (?:is )?missing',
    'unexpected charge',
    'amount on',
    'took a payment',
    'does not match',
    'charged? (?:me |us )?(?:twice|double|two times|more than once|again|an? (?:extra|additional|wrong|unexpected)?\\s?(?:fee|amount|charge))',
    'double[- ]charged',
    'charged (?:for|me for|us for)',
    '(?:extra|additional|hidden|unknown|strange|incorrect|wrong|unexpected) (?:charge|fee|amount)s?',
    'fees?',
    'shows? (?:up )?(?:multiple|several|two|three) times',
    'appears? (?:twice|two times|multiple times)',
    'payment (?:issue|problem|error|failed|went through twice)',
    'problem with (?:my |our |the )?payment',
    'wrong amount',
    'charges? on (?:my|our) (?:card|statement|account)',
    'statement',
  ],
  cancellation_request: [
    'cancel\\w*',
    'terminat\\w*',
    'renew\\w*',
    'close our account',
    'shut\\w* down our',
    'leave the platform',
    'end(?:ing)? our contract',
    'wind down',
    'out of the contract',
    'deactivate all',
    'close (?:my|our|the) (?:\\w+ )?account',
    'delete (?:my|our|the) (?:\\w+ )?account',
  ],
  legal_threat: [
    'lawyers?',
    'attorneys?',
    'legal',
    'sue',
    'lawsuit',
    'court',
    'litigation',
    'counsel',
    'breach of',
    'solicitors?',
    'regulator',
    'damages',
    'cease and desist',
    'violation',
  ],
  competitor_mention: [
    'zendesk',
    'salesforce',
    'hubspot',
    'freshdesk',
    'intercom',
    'gainsight',
    'totango',
    'churnzero',
    'planhat',
    'vitally',
    'clientsuccess',
    'jira service management',
    'competitors?',
    'alternative',
    'switch\\w*',
    'shortlist',
    'rfp',
    'demo',
    'out of the box',
  ],
  product_bug: [
    'error',
    'bug',
    'fails?',
    'broken',
    'crash\\w*',
    'not work\\w*',
    'disappear\\w*',
    'corrupt\\w*',
    'duplicate contacts',
    'wrong',
    'does not (?:open|load|match)',
    'no results',
    'stopped being',
    'missing',
    'spin\\w*',
    'ignored',
    'breaks',
  ],
  service_outage: [
    'down',
    'outages?',
    'unavailable',
    '50[234]',
    'time(?:s)? ?out',
    'unreachable',
    'offline',
    'not loading',
    'status page',
    'incident',
    'degraded',
    'downtime',
    'cannot log in',
    'can not log in',
    'went down',
    'intermittent',
    'stopped syncing',
  ],
  security_concern: [
    'security',
    'breach',
    'leak\\w*',
    'gdpr',
    'privacy',
    'personal data',
    'permission\\w*',
    'exposed?',
    'phishing',
    'encrypt\\w*',
    'soc ?2',
    'compliance',
    'subprocessors?',
    'mfa',
    'second factor',
    'compromised',
    'suspicious',
    'plain text',
    'social security',
    'data is hosted',
    'fraud\\w*',
    'hack\\w*',
    'stolen',
    'unauthori[sz]ed',
    'bogus (?:transaction|charge|payment)s?',
    'someone (?:else )?(?:is |has been |was )?(?:using|used|accessed|logged into) (?:my|our)',
    'identity theft',
    'scam\\w*',
    'did not (?:make|authori[sz]e|recogni[sz]e)',
    'do not recogni[sz]e',
    'not recogni[sz]e',
  ],
  refund_request: [
    'refund\\w*',
    'money back',
    'reimburs\\w*',
    'chargeback',
    'return it',
    'amount back',
    'partial refund',
    'rebate',
    'compensat\\w*',
    'credit (?:it )?back',
    'my money',
    'return (?:the|my|our) money',
    'pay (?:me|us) back',
  ],
  downgrade: [
    'downgrade\\w*',
    'reduc\\w*',
    'fewer',
    'remove \\d+',
    'cheaper tier',
    'scale back',
    'drop the',
    'cut\\w* (?:the )?\\w* ?licen[cs]es',
    'lower our',
    'read-only',
    'from \\d+ to \\d+',
    'seat reduction',
    'only need \\d+',
  ],
  pricing_objection: [
    'price\\w*',
    'pricing',
    'expensive',
    'cost',
    'quote',
    'budget',
    'overpriced',
    'rate',
    'increase',
    'afford\\w*',
    'too high',
    'per-seat',
    'room on price',
    'minimum',
  ],
  executive_escalation: [
    'escalat\\w*',
    'ceo',
    'cfo',
    'coo',
    'vp',
    'executive',
    'leadership',
    'management',
    'manager',
    'senior',
    'director',
    'board',
    'head of',
    'chief',
  ],
  none: [
    'how do i',
    'feature request',
    'suggestion',
    'question',
    'where can i',
    'guide',
    'could you add',
    'would be great',
    'is there a',
    'can custom',
    'roadmap',
    'training',
    'webinar',
    'love the',
    'thanks to',
  ],
};

/**
 * Cancellation in context (issue 17): "cancel" ends revenue only when what is cancelled is the
 * customer's subscription, account, contract, plan, order or renewal — not a reservation, a flight
 * the vendor cancelled, a meeting, a newsletter or "cancel that". A cancel word next to a benign
 * object is not evidence; next to a contract object it is strong evidence (see CANCELLATION_CUES in
 * phrases.ts for the override rule).
 */
const CANCEL_VERB =
  'cancel\\w*|terminat\\w*|close|closing|delete|deleting|deactivat\\w*|end|ending|discontinu\\w*';
const CANCEL_OBJECT =
  'subscriptions?|account|accounts|contract|agreement|plan|membership|service|services|licen[cs]es?|seats?|order|orders|purchase|renewal|trial|workspace|tenant|deal';
const BENIGN_OBJECT =
  'reservations?|booking|bookings|meetings?|appointments?|calls?|flights?|newsletters?|alarms?|reminders?|timers?|events?|transfers?|that|it for now|my last request|the request|webinar|demo|session|invite|invitation|ride|table';
const CANCEL_CONTEXT = new RegExp(
  `\\b(?:${CANCEL_VERB})\\b(?:\\s+[\\w'-]+){0,3}?\\s+(?:${CANCEL_OBJECT})\\b|\\b(?:${CANCEL_OBJECT})\\s+(?:cancell?ation|termination|deletion|closure)\\b|\\bclose it\\b`,
  'g',
);
const CANCEL_WORD = /\b(?:cancel\w*|terminat\w*|unsubscrib\w*)\b/g;
const BENIGN_CANCEL = new RegExp(
  `\\b(?:cancel\\w*)\\b(?:\\s+[\\w'-]+){0,3}?\\s+(?:${BENIGN_OBJECT})\\b|\\b(?:${BENIGN_OBJECT})\\s+(?:was |were |got |has been |have been )?cancell?ed\\b|\\bcancel that\\b`,
);

const CONTEXT_FREE = new Set(['cancel\\w*', 'terminat\\w*']);
const COMPILED: [string, RegExp][] = Object.entries(CATEGORY_TERMS).map(([c, terms]) => [
  c,
  new RegExp(
    `\\b(?:${terms.filter((t) => c !== 'cancellation_request' || !CONTEXT_FREE.has(t)).join('|')})\\b`,
    'g',
  ),
]);

/** category → the distinct cue phrases found in a lower-cased text (categories without a cue are absent). */
export type CategoryEvidence = Map<string, string[]>;

export function categoryEvidence(lower: string): CategoryEvidence {
  const out: CategoryEvidence = new Map();
  for (const [c, re] of COMPILED) {
    re.lastIndex = 0;
    const found: string[] = [];
    for (const m of lower.matchAll(re)) if (!found.includes(m[0])) found.push(m[0]);
    if (c === 'cancellation_request') {
      CANCEL_CONTEXT.lastIndex = 0;
      for (const m of lower.matchAll(CANCEL_CONTEXT)) if (!found.includes(m[0])) found.push(m[0]);
      // A bare cancel word counts only when no benign object is what is being cancelled.
      if (!found.length && !BENIGN_CANCEL.test(lower)) {
        CANCEL_WORD.lastIndex = 0;
        for (const m of lower.matchAll(CANCEL_WORD)) if (!found.includes(m[0])) found.push(m[0]);
      }
    }
    if (found.length) out.set(c, found);
  }
  return out;
}

/** `cat:<category>` features for a lower-cased text. */
export function categoryTermFeatures(lower: string): [string, number][] {
  return [...categoryEvidence(lower)].map(([c, found]) => ['cat:' + c, Math.min(3, found.length)]);
}
