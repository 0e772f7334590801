import { mayMatch, prefilter } from './nlp.js';

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
  /** Skip matches whose sentence matches this (the phrase is there, its meaning is not). */
  unless?: RegExp;
}

/** Sentence ends for sentenceAround: . ! ? and a line break. */
const isSentenceEnd = (c: number) => c === 46 || c === 33 || c === 63 || c === 10;

/** The sentence around position `at`..`end` of `lower`. */
function sentenceAround(lower: string, at: number, end: number): string {
  let a = at;
  while (a > 0 && !isSentenceEnd(lower.charCodeAt(a - 1))) a--;
  let b = end;
  while (b < lower.length && !isSentenceEnd(lower.charCodeAt(b))) b++;
  return lower.slice(a, b);
}

/** Each rule's pattern as a global expression, compiled once (not once per ticket and rule), with
 * its prefilter (nlp.ts: a rule none of whose strings is in the text is skipped). */
const compiledOf = new WeakMap<RegExp, { re: RegExp; required: string[] | null }>();
function compiled(pattern: RegExp): { re: RegExp; required: string[] | null } {
  let c = compiledOf.get(pattern);
  if (!c) {
    c = { re: new RegExp(pattern.source, 'g'), required: prefilter(pattern.source) };
    compiledOf.set(pattern, c);
  }
  return c;
}

/** The distinct phrases of `rules` found in `lower` (already lower-cased). */
export function matchPhrases(lower: string, rules: PhraseRule[]): string[] {
  const out = new Set<string>();
  for (const rule of rules) {
    const { re, required } = compiled(rule.pattern);
    if (!mayMatch(lower, required)) continue;
    re.lastIndex = 0;
    for (const m of lower.matchAll(re)) {
      if (rule.guardNegation) {
        const before = lower.slice(Math.max(0, m.index - 40), m.index).replace(/’/g, "'");
        if (NEGATION_BEFORE.test(before)) continue;
      }
      if (rule.unless && rule.unless.test(sentenceAround(lower, m.index, m.index + m[0].length))) continue;
      out.add(m[0].trim());
    }
  }
  return [...out];
}

const p = (source: string, guardNegation = true, unless?: RegExp): PhraseRule => ({
  pattern: new RegExp(`\\b(?:${source})\\b`),
  guardNegation,
  unless,
});

/** Words of a dispute: with one of these in the sentence, lawyers and legal teams are not routine. */
const DISPUTE =
  '\\b(?:breach\\w*|violat\\w*|damages|remed\\w*|options|action|proceed\\w*|claims?|court|dispute\\w*|liab\\w*|unlawful|illegal\\w*|complain\\w*|recover\\w*|rights|compensat\\w*|refund\\w*|terminat\\w*|notice|involved|forward\\w*|hand\\w* (?:this|it|the matter|the file)|pass\\w* (?:this|it|the file)|advis\\w*|instructed|in touch|contact you|hear from|escalat\\w*|unless|or else|if (?:this|we|you)|threat\\w*|serious|sue|suing)\\b';

/**
 * Lawyers and legal teams in routine work are not legal language in the flag's sense (a threat, a
 * dispute or legal exposure): "our legal team needs the DPA / the SOC 2 report before we sign",
 * "a 30-lawyer firm", "our attorneys log in to see case files" (a law firm using the product). A
 * sentence that also carries a dispute word (DISPUTE) still counts: lawyers reviewing *the
 * contract* over a breach is how a claim starts.
 */
const LEGAL_ROUTINE = new RegExp(
  '^(?!.*' +
    DISPUTE +
    ')(?=.*\\b(?:dpa|msa|nda|order forms?|questionnaires?|addend\\w*|polic(?:y|ies)|templates?|documents?|documentation|paperwork|soc ?2|iso ?27001|pen(?:etration)? ?tests?|security review|vendor (?:assessment|review|form|onboarding)|sub-?processors?|certificates?|w-?9|procurement|redlin\\w*|countersign\\w*|signatures?|e-?sign\\w*|terms of (?:service|use)|privacy notice|law firm|\\d+-(?:lawyer|attorney|solicitor)|(?:lawyers|attorneys|solicitors|paralegals|fee earners) (?:use|using|who|log|can|cannot|need|want|are unable|have to|to)|for (?:our )?(?:lawyers|attorneys|solicitors)|(?:matter|case|client) (?:numbers?|files?|records?)|billable|time entr\\w*)\\b)',
);

export const LEGAL_PHRASES: PhraseRule[] = [
  // People and teams of the law: counted unless the sentence is routine work (LEGAL_ROUTINE).
  p(
    '(?<!\\d[- ])(?:lawyers?|attorneys?|solicitors?)|legal counsel|our counsel|(?:their|your|my) counsel|general counsel|legal department|legal team|legal review|legal rights',
    true,
    LEGAL_ROUTINE,
  ),
  // "sue" only as a verb: "Hi Sue," is a person.
  p(
    'legal action|legal proceedings|lawsuit|(?<=\\b(?:to|will|would|could|can|and|we|i|going to|right to) )sue|sue(?= (?:you|your|them|the company)\\b)|suing|sued|litigation|in court|to court|small claims|demand letter|letter before action|cease and desist|filing suit|notice of claim',
  ),
  p(
    'breach of (?:the |our |your )?(?:contract|agreement|sla|dpa|msa|terms)|in breach of|(?:in )?violation of (?:the |our )?(?:contract|agreement|gdpr|law)|data protection (?:regulator|authority|commission|office)|ombudsman|consumer protection|attorney general',
  ),
  // Legal exposure stated plainly: regulators, obligations, rights reserved (issue 17: "GDPR /
  // regulator complaint"). Not "legally required" or "our legal entity name".
  p(
    '(?:complaint|complain) (?:with|to) (?:the |a )?(?:[a-z]+ )?(?:regulator|authority|commission|ico|ombudsman)|(?:gdpr|privacy|data protection) complaint|report (?:you|this|it) to (?:the )?(?:regulator|authorities|ico)|(?:our|the|a|state|financial|insurance|industry) regulators?|regulatory (?:complaint|action|inquiry|investigation|fine|penalty|report\\w*)|legal (?:obligations?|options|steps|recourse|remed\\w+|consequences|claims?|liability|exposure)|reportable breach|reserves? (?:all )?(?:of )?(?:our|its|my|their) rights|without prejudice|unlawful(?:ly)?',
  ),
];

/** Vendors customers leave for (CS, help-desk, CRM, HR and billing software). */
const COMPETITOR_NAMES =
  'zendesk|salesforce|hubspot|freshdesk|freshworks|intercom|gainsight|totango|churnzero|planhat|vitally|clientsuccess|servicenow|zoho|help scout|pipedrive|monday(?:\\.com)?|asana|workday|gusto|chargebee|recurly|dynamics|jira|notion|clickup|pendo|mixpanel|amplitude|kustomer|gorgias';

/** What a customer cancels when revenue ends (not a reservation, a meeting or a flight). */
const CONTRACT_OBJECT =
  'subscriptions?|account|contract|agreement|plan|membership|service|licen[cs]es?|seats?|renewal|workspace|tenant|deal';

export const CHURN_PHRASES: PhraseRule[] = [
  p(
    `cancel(?:l?ing|l?ed)? (?:our|the|my|all|this)(?: [\\w-]+)? (?:${CONTRACT_OBJECT})|(?:${CONTRACT_OBJECT}) cancell?ation|request(?:ing)? (?:a |the )?cancell?ation`,
  ),
  // Terminating the contract, not a process, a session or an employee.
  p(
    'terminat\\w* (?:the |our |this |my )?(?:contract|agreement|subscription|account|services?|relationship|msa)|(?:notice|letter) of termination|termination (?:notice|letter|date)|end(?:ing)? our contract|want out of the contract|close our account',
  ),
  p('shut(?:ting)? down our account|turn off auto-renew|stop auto-renewal|non-renewal|wind down'),
  p('(?:will|would) not (?:be )?renew(?:ing)?|not be renewing|decided not to renew|do not renew', false),
  // Switching *away* to another vendor, not to another plan of ours, a new API version, an office
  // or a feature ("moving to the Starter plan", "migrating to v2", "switching to SSO").
  p(
    `(?:switch(?:ing)?|mov(?:e|ing)|migrat(?:e|ing)|go(?:ing)?) (?:over |back )?to (?:${COMPETITOR_NAMES}|(?:another|a different|a new|other|a cheaper|a competing) (?:vendor|provider|supplier|tool|platform|solution|system|product|crm|service)s?|a competitor)`,
  ),
  p(
    'leave the platform|leaving (?:you|your platform)|done with you|look(?:ing)? (?:at|for|into) (?:an? )?alternatives?|evaluat\\w* (?:other|alternative) (?:options|vendors|providers|tools|platforms|solutions)|signed with (?:another|a different|' +
      COMPETITOR_NAMES +
      ')',
  ),
];

export const BILLING_PHRASES: PhraseRule[] = [
  // Not "the person in charge", nor the billing period / admin / contact of an account setting.
  p(
    'invoices?|invoiced|billing(?! (?:period|cycle|admin|administrator|contact|e-?mail|address|settings|page|tab|portal)\\b)|billed|charged|(?<!in |take )charges?(?! of\\b)|chargeback|overcharged?',
    false,
  ),
  // A payment *feature* of the product ("the payment gateway integration") is not a billing matter.
  p('payments?(?! (?:gateway|terminal|module|integration|provider|processor|widget|app|buttons?)\\b)', false),
  p('refund(?:ed|s)?|credit card|company card|credit note|vat|reimburse(?:d|ment)?|money back', false),
];

/**
 * Billing words in wording that is about the customer's own account with the vendor: with one of
 * these the billing flag stands whatever the ticket's topic ("you charged us twice", "invoice
 * #4471", "our card was declined").
 */
export const VENDOR_BILLING_PHRASES: PhraseRule[] = [
  p(
    'charg(?:ed|ing|es?) (?:us|me|our|my)|(?:you|they) (?:charge|bill|invoice)|(?:we|i) (?:were|was|have been|got) (?:double[- ])?(?:charged|billed|invoiced)|(?:double|over)[- ]?charged|charged (?:twice|double|again)|billed (?:us|me|twice)|credit note|chargeback|money back|refund (?:us|me|our|my|the)|(?:a|full|partial) refund|(?:our|my|your|this|that|the latest|the last|last|latest|first|next|upcoming|final|outstanding|overdue|unpaid|monthly|annual|renewal) (?:invoices?|bill|charges?|payments?)|invoices? (?:#|no\\.?|number|\\d)|(?:our|my|the company|company) card|(?:payment|card) (?:was |has been |got )?(?:declined|failed|bounced|taken)|auto-?renew\\w*',
    false,
  ),
];

export const ESCALATION_PHRASES: PhraseRule[] = [
  // Not the product's own escalation feature ("escalation policy", "escalation rules").
  p(
    'escalat(?:e|ed|es|ing|ion)(?! (?:polic(?:y|ies)|rules?|paths?|matrix|chains?|settings|workflows?|levels?|steps?|emails?|notifications?|timers?)\\b)|someone senior|your leadership|leadership team|your management',
  ),
  // The vendor's leaders asked for, or the customer's own put in copy; "our CEO wants a plan" is not.
  p(
    "your ceo|cc(?:'?ing|'?d|ed)? (?:our|my) ceo|your manager|(?:speak|talk) (?:to|with) (?:a |your )?(?:manager|supervisor)|your supervisor|a supervisor|head of support|executive (?:sponsor|review|team)|your executives?",
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
  p('(?:our|my|a|the) (?:lawyers?|attorneys?|solicitors?)|lawyers? (?:are|will|have)', true, LEGAL_ROUTINE),
  p('legal action|legal proceedings'),
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
