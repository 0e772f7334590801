import { describe, expect, it } from '@jest/globals';
import { createLocalAnalyzer, keywordFlags, sentimentScore } from '../../../../src/engine/analysis/local.js';
import { cleanBody } from '../../../../src/engine/analysis/clean.js';
import { analyseTokens } from '../../../../src/engine/analysis/features.js';
import { SENTIMENT_BANDS, SENTIMENTS } from '../../../../src/engine/analysis/types.js';

const analyzer = createLocalAnalyzer();
const flagNames = (text: string) => keywordFlags(text.toLowerCase()).map((f) => f.name);

describe('local analyzer', () => {
  it('is versioned and deterministic', () => {
    expect(analyzer.name).toBe('local');
    expect(analyzer.version).toMatch(/^\d+\.\d{4}\.\d+\.\d+$/);
    const t = { subject: 'Invoice wrong', body: 'You charged us twice. This is the third time I write.' };
    expect(analyzer.analyze(t)).toEqual(analyzer.analyze(t));
  });

  it('reads e-mail tickets with the ticket model and text without a subject with the general one', async () => {
    const { default: model } = await import('../../../../src/engine/analysis/model.json', {
      with: { type: 'json' },
    });
    const m = model as unknown as import('../../../../src/engine/analysis/local.js').LocalModel;
    expect(m.sentimentTicket?.classes).toEqual([...SENTIMENTS]);
    // Without the ticket model, every text is read by the general model (older model files).
    const general = createLocalAnalyzer({ version: m.version, sentiment: m.sentiment, category: m.category });
    const chat = { subject: '', body: 'thanks, that fixed it!' };
    expect(general.analyze(chat)).toEqual(analyzer.analyze(chat));
    const t = { subject: 'Down again', body: 'Third outage this week. Our customers are calling us.' };
    expect(general.analyze(t).category).toEqual(analyzer.analyze(t).category);
  });

  it('scores inside the label band', () => {
    for (const label of SENTIMENTS)
      for (const c of [0, 0.3, 0.7, 1]) {
        const s = sentimentScore(label, c);
        expect(s).toBeGreaterThanOrEqual(SENTIMENT_BANDS[label][0]);
        expect(s).toBeLessThanOrEqual(SENTIMENT_BANDS[label][1]);
      }
    expect(sentimentScore('hostile', 1)).toBeLessThan(sentimentScore('hostile', 0.4));
    expect(sentimentScore('positive', 1)).toBeGreaterThan(sentimentScore('positive', 0.4));
  });

  it('lets legal, cancellation and competitor cues override the model', () => {
    expect(
      analyzer.analyze({ subject: 'Export', body: 'Our attorneys are preparing a lawsuit.' }).category
        .primary,
    ).toBe('legal_threat');
    expect(
      analyzer.analyze({ subject: 'Seats', body: 'Please cancel our subscription at the end of the term.' })
        .category.primary,
    ).toBe('cancellation_request');
    expect(
      analyzer.analyze({ subject: 'Reporting', body: 'We are evaluating Gainsight as an alternative.' })
        .category.primary,
    ).toBe('competitor_mention');
  });

  it('reads a hostile legal threat and a polite feature request', () => {
    const hostile = analyzer.analyze({
      subject: 'Breach of contract',
      body: 'This is absolutely unacceptable and your team is incompetent. Our lawyers will sue.',
    });
    expect(hostile.sentiment.label).toBe('hostile');
    expect(hostile.category.primary).toBe('legal_threat');
    const polite = analyzer.analyze({
      subject: 'Feature request: dark mode',
      body: 'It would be great to have a dark mode. Thanks so much, we love the product!',
    });
    expect(polite.sentiment.label).toBe('positive');
    expect(polite.category.primary).toBe('none');
    expect(polite.flags).toEqual([]);
  });

  it('does not treat "not cancelling" as a churn signal', () => {
    expect(flagNames('To be clear, we are not cancelling. Please fix invoice 7781.')).toEqual([
      'billing_keywords',
    ]);
    expect(flagNames("We're not planning to cancel our plan")).toEqual([]);
    expect(flagNames('We will not be renewing next year')).toEqual(['churn_signal']);
  });

  it('raises a flag only when the phrase means what the flag says', () => {
    expect(flagNames('Hi Sue, could you resend the onboarding guide?')).toEqual([]);
    expect(flagNames('If this goes on we will sue you.')).toEqual(['legal_language']);
    expect(flagNames('Our legal team needs to review the DPA before we sign it.')).toEqual([]);
    expect(flagNames('We are migrating to v2 of your API next week.')).toEqual([]);
    expect(flagNames('We are switching to another provider at renewal.')).toEqual(['churn_signal']);
    expect(flagNames('We are moving to Pipedrive in March.')).toEqual(['churn_signal']);
    expect(flagNames('How do I terminate a stuck export job?')).toEqual([]);
    expect(flagNames('How do I set up an escalation policy for night shifts?')).toEqual([]);
    expect(flagNames('Does the payment gateway integration support Adyen?')).toEqual([]);
  });

  it('reads lawyers and legal teams in context: disputes and exposure, not routine work', () => {
    expect(flagNames('Our legal team asked for the SOC 2 report before we sign.')).toEqual([]);
    expect(flagNames('We are a law firm; our attorneys log in to see case files.')).toEqual([]);
    expect(flagNames('Our lawyers reviewed the contract and consider this a breach.')).toEqual([
      'legal_language',
    ]);
    expect(flagNames('I will hand this over to our legal team.')).toEqual(['legal_language']);
    expect(flagNames('Our regulator has asked for a full record of the data.')).toEqual(['legal_language']);
    expect(flagNames('We may have legal obligations to notify customers.')).toEqual(['legal_language']);
    expect(flagNames('Teachers must take registers, which we are legally required to do.')).toEqual([]);
  });

  it('raises the billing flag when the ticket is about the account, not the product handling payments', () => {
    const flags = (subject: string, body: string) =>
      analyzer.analyze({ subject, body }).flags.map((f) => f.name);
    expect(
      flags(
        'POS down',
        "All our cafés can't load the POS, we can't take card payments. Is this on your side?",
      ),
    ).toEqual([]);
    expect(flags('Invoice 4471', 'You charged us twice on invoice 4471.')).toContain('billing_keywords');
  });

  it('shows the matched phrases for every flag', () => {
    const flags = keywordFlags(
      'our lawyers say this is a breach of contract; we want to cancel our contract, get a refund and escalate to your ceo',
    );
    expect(Object.fromEntries(flags.map((f) => [f.name, f.matches]))).toEqual({
      legal_language: ['lawyers', 'breach of contract'],
      churn_signal: ['cancel our contract'],
      billing_keywords: ['refund'],
      escalation_language: ['escalate', 'your ceo'],
    });
  });

  it('limits negation to a few words (natural flips the whole rest of the text)', () => {
    const t = analyseTokens('This is not good. The support was great.');
    expect(t.stems).toContain('!good');
    expect(t.stems).toContain('great');
    // "never" is kept (natural's tokenizeAndStem drops it as a stop word).
    expect(analyseTokens('never again').stems[0]).toBe('never');
  });

  it('drops HTML, quoted replies and signatures before scoring', () => {
    const body =
      '<div><p>The export fails again.</p><p>Best regards,<br>Anna</p></div>' +
      '<div class="gmail_quote"><blockquote>Thanks for reaching out!</blockquote></div>';
    expect(cleanBody(body)).toBe('The export fails again.');
    expect(
      cleanBody('Still broken.\n\nOn Tue, 4 Mar 2025 at 10:12, Support <s@x.example> wrote:\n> Thanks!'),
    ).toBe('Still broken.');
    expect(cleanBody('Still broken.\n--\nJo\n+1 555')).toBe('Still broken.');
  });

  it('drops a signature block without a sign-off line, and sign-offs with a name', () => {
    // The sender's title and company ("… Payments", "… Legal Services") raised flags on their own.
    const body =
      "I'd like the name of whoever runs customer success.\n\nDaniel Okafor\nHead of Revenue Operations, Kestrel Payments";
    expect(cleanBody(body)).toBe("I'd like the name of whoever runs customer success.");
    expect(flagNames(cleanBody('Where is the export?\n\nAnna Ruiz\nWhitcombe Legal Services'))).toEqual([]);
    expect(cleanBody('The sync failed.\nBest, Carla')).toBe('The sync failed.');
    expect(cleanBody('Talk soon,\nPedro Alves')).toBe('');
    // A short last line of the message itself stays.
    expect(cleanBody('The app is down\n\nFix it now please')).toBe('The app is down\n\nFix it now please');
  });
});

describe('local analyzer on wording it was not written from (issue 17)', () => {
  const cat = (body: string, subject = '') => analyzer.analyze({ subject, body }).category.primary;

  it('abstains to none when no cue of a risk category is present', () => {
    // Short texts used to be decided by function words.
    expect(cat('help me leave a review')).toBe('none');
    expect(cat('can I place an order from Finland?')).toBe('none');
    expect(cat('what is the exchange rate today?')).toBe('none');
  });

  it('reads cancellation in context: subscriptions and accounts, not reservations or meetings', () => {
    expect(cat('Please cancel our subscription at the end of the term.')).toBe('cancellation_request');
    expect(cat('I want to delete my account and close it.')).toBe('cancellation_request');
    expect(cat('cancel my dinner reservation for friday')).toBe('none');
    expect(cat('can you cancel that')).toBe('none');
    expect(cat('Our kick-off meeting was cancelled, can we move it to Monday?')).toBe('none');
    expect(flagNames('please cancel my reservation for tonight')).toEqual([]);
  });

  it('calls a legal threat only on legal action, not on the legal team asking for a document', () => {
    expect(cat('If this is not fixed we will take legal action for breach of contract.')).toBe(
      'legal_threat',
    );
    expect(cat('I expect a rebate for the downtime.')).not.toBe('legal_threat');
    expect(cat('Our legal team needs the signed DPA before renewal, could you send it?')).not.toBe(
      'legal_threat',
    );
  });

  it('knows the support wording the old lexicon missed', () => {
    expect(cat('I was charged twice for the same order')).toBe('billing_dispute');
    expect(cat('someone is using my card, there is a bogus transaction')).toBe('security_concern');
    expect(cat('I expect a refund or compensation for the days we could not work')).toBe('refund_request');
  });

  it('does not read support facts as hostility: "charged", "kill the process"', () => {
    const s = (body: string) => analyzer.analyze({ subject: '', body }).sentiment.label;
    expect(s('I was charged for the annual plan, could you send the receipt?')).toBe('neutral');
    expect(s('How do I kill the process that runs the nightly import?')).toBe('neutral');
  });

  it('keeps the phrases that decided sentiment and category', () => {
    const r = analyzer.analyze({
      subject: 'Export broken again',
      body: 'This is the third time this month the export fails. Still no fix. I will escalate to your CEO.',
    });
    expect(r.category.primary).toBe('executive_escalation');
    expect(r.explanation?.category).toEqual(expect.arrayContaining(['escalate', 'ceo']));
    expect(r.explanation?.sentiment).toEqual(expect.arrayContaining(['third time']));
    // Every phrase is the ticket's own words.
    const text =
      'export broken again this is the third time this month the export fails. still no fix. i will escalate to your ceo.';
    for (const p of [...r.explanation!.sentiment, ...r.explanation!.category]) expect(text).toContain(p);
    // A neutral, uncategorised ticket has nothing to explain.
    expect(
      analyzer.analyze({ subject: 'Question', body: 'Where do I find the API docs?' }).explanation,
    ).toEqual({
      sentiment: [],
      category: [],
    });
  });
});
