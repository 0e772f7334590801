/**
 * Phrase matching on lower-cased ticket text, with a negation guard: "we are not cancelling" and
 * "not planning to leave" are not churn signals. Used by the keyword flags and the override rules.
 */

const NEGATION_BEFORE =
  /\b(not|no|never|n't|nor|without|isn't|aren't|don't|doesn't|won't|wouldn't|didn't|nothing|none)\b(\s+\S+){0,3}\s*$/;

export interface PhraseRule {
  /** Regular expression source matched with word boundaries, case-insensitive. */
  pattern: RegExp;
  /** Skip matches preceded closely by a negation. */
  guardNegation?: boolean;
}

/** The distinct phrases of `rules` found in `lower` (already lower-cased). */
export function matchPhrases(lower: string, rules: PhraseRule[]): string[] {
  const out = new Set<string>();
  for (const rule of rules) {
    const re = new RegExp(rule.pattern.source, 'g');
    for (const m of lower.matchAll(re)) {
      if (rule.guardNegation) {
        const before = lower.slice(Math.max(0, m.index - 40), m.index).replace(/’/g, "'");
        if (NEGATION_BEFORE.test(before)) continue;
      }
      out.add(m[0].trim());
    }
  }
  return [...out];
}

const p = (source: string, guardNegation = true): PhraseRule => ({
  pattern: new RegExp(`\\b(?:${source})\\b`),
  guardNegation,
});

export const LEGAL_PHRASES: PhraseRule[] = [
  p('lawyers?|attorneys?|solicitors?|legal counsel|our counsel|legal department|legal team|legal rights'),
  p('legal action|legal review|lawsuit|sue|suing|litigation|in court|demand letter|cease and desist'),
  p('breach of (?:the |our )?contract|(?:in )?violation of (?:the |our )?contract|data protection regulator'),
];

/** What a customer cancels when revenue ends (not a reservation, a meeting or a flight). */
const CONTRACT_OBJECT =
  'subscriptions?|account|contract|agreement|plan|membership|service|licen[cs]es?|seats?|renewal|workspace|tenant|deal';

export const CHURN_PHRASES: PhraseRule[] = [
  p(
    `cancel(?:l?ing|l?ed)? (?:our|the|my|all|this)(?: [\\w-]+)? (?:${CONTRACT_OBJECT})|(?:${CONTRACT_OBJECT}) cancell?ation|request(?:ing)? (?:a |the )?cancell?ation`,
  ),
  p('terminate|termination|end(?:ing)? our contract|want out of the contract|close our account'),
  p('shut(?:ting)? down our account|turn off auto-renew|stop auto-renewal|non-renewal|wind down'),
  p('(?:will|would) not (?:be )?renew(?:ing)?|not be renewing|decided not to renew|do not renew', false),
  // Switching *away*, not to another plan or billing period of ours ("moving to the Starter plan").
  p(
    '(?:switching|moving|migrating) to(?! (?:a |the |an |our |your )?(?:[\\w-]+ )?(?:plan|tier|billing|package|edition|version|seats?|invoic\\w*)\\b)',
  ),
  p(
    'leave the platform|move to hubspot|done with you|look(?:ing)? (?:at|for|into) (?:an? )?alternatives?|evaluat\\w* (?:other|alternative) (?:options|vendors|providers|tools|platforms)',
  ),
];

export const BILLING_PHRASES: PhraseRule[] = [
  // Not "the person in charge", nor the billing period / admin / contact of an account setting.
  p(
    'invoices?|invoiced|billing(?! (?:period|cycle|admin|administrator|contact|e-?mail|address|settings|page|tab|portal)\\b)|billed|charged|(?<!in |take )charges?(?! of\\b)|chargeback|overcharged?',
    false,
  ),
  p(
    'payments?|refund(?:ed|s)?|credit card|company card|credit note|vat|reimburse(?:d|ment)?|money back',
    false,
  ),
];

export const ESCALATION_PHRASES: PhraseRule[] = [
  p('escalat(?:e|ed|es|ing|ion)|someone senior|your leadership|leadership team|your management'),
  // The vendor's leaders asked for, or the customer's own put in copy; "our CEO wants a plan" is not.
  p(
    "your ceo|cc(?:'?ing|'?d|ed)? (?:our|my) ceo|(?:your|a) manager|supervisor|head of support|executive(?: sponsor| review)?",
  ),
  p(
    '(?:your|a) vp of [a-z]+|chief customer officer|your director|over your head|board-level|someone (?:more )?senior',
  ),
];

/** Competitors customers name; matched only next to a comparing or switching cue. */
const COMPETITORS =
  'zendesk|salesforce|hubspot|freshdesk|intercom|gainsight|totango|churnzero|planhat|vitally|clientsuccess|jira service management|servicenow|zoho|help scout|a competitor of yours|your competitors?';
const COMPARE =
  'evaluat\\w*|alternative|switch\\w*|mov(?:e|ing|ed) to|offered|quoted|cheaper|less|demo|shortlist|rfp|out of the box|migrat\\w*|bundle|better deal|showed us';

export const COMPETITOR_RULE = new RegExp(
  `\\b(?:${COMPETITORS})\\b[^.!?]{0,80}\\b(?:${COMPARE})\\b|\\b(?:${COMPARE})\\b[^.!?]{0,60}\\b(?:${COMPETITORS})\\b`,
);

/**
 * Legal threats that decide the category on their own (issue 17: lawyer, legal action, breach of
 * contract, GDPR complaint — not bare words such as "legal team" or "our counsel reviews the DPA",
 * which only raise the legal_language flag).
 */
export const LEGAL_THREAT_PHRASES: PhraseRule[] = [
  p(
    '(?:our|my|a|the) (?:lawyers?|attorneys?|solicitors?)|lawyers? (?:are|will|have)|legal action|legal proceedings',
  ),
  p(
    'lawsuit|sue|suing|litigation|(?:see you |take you |taking you )?(?:in|to) court|demand letter|cease and desist',
  ),
  p('breach of (?:the |our )?(?:contract|agreement|sla)|(?:in )?violation of (?:the |our )?contract'),
  p(
    '(?:gdpr|data protection|privacy) complaint|complain(?:t)? to the (?:regulator|ico|data protection authority)|report you to the (?:regulator|ico|authorities)',
  ),
];

export const CANCELLATION_CUES: PhraseRule[] = [
  p(
    `cancel(?:l?ing|l?ed)? (?:our|the|my|all|this)(?: [\\w-]+)? (?:${CONTRACT_OBJECT})|request(?:ing)? (?:a |the )?cancell?ation|cancell?ation of (?:our|the|my) (?:${CONTRACT_OBJECT})|cancelled at renewal`,
  ),
  p('terminate the contract|notice to terminate|end(?:ing)? our contract|want out of the contract'),
  p('close our account|shut(?:ting)? down our account|turn off auto-renew|notice of non-renewal|wind down'),
  p('(?:will|would) not (?:be )?renew(?:ing)?|decided not to renew|do not renew', false),
];
