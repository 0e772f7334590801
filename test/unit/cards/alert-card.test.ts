import { createRequire } from 'node:module';
import { renderAlertCard, type AdaptiveCardJson } from '../../../src/cards/alert-card.js';
import type { AlertView } from '../../../src/cards/alert-view.js';
import {
  ACTIONS,
  ALERT_TYPES,
  ALL_ACTIONS,
  type AlertStatus,
  type AlertType,
} from '../../../src/engine/types.js';

// adaptivecards' package entry (lib/) is ES module syntax with extensionless imports, which neither
// Node nor jest can load; its dist/ bundle is UMD (the same file the playground serves) and parses
// cards without a DOM, so the test environment stays `node`.
const AC = createRequire(import.meta.url)(
  'adaptivecards/dist/adaptivecards.js',
) as typeof import('adaptivecards');

const STATUSES: AlertStatus[] = ['open', 'acknowledged', 'snoozed', 'resolved'];

const HEADLINES: Record<AlertType, string> = {
  usage_threshold: '🚀 Expansion Opportunity',
  collections: '💸 Collections: invoice overdue',
  support_risk: '🔥 Support Risk',
  feed_stale: '📡 Data feed silent',
};

const FACTS: Record<AlertType, AlertView['facts']> = {
  usage_threshold: [
    { title: 'Usage', value: '86% of seats (86 / 100)' },
    { title: 'Threshold', value: '85%' },
  ],
  collections: [
    { title: 'Overdue', value: '$12,400.00' },
    { title: 'Days overdue', value: '21' },
    { title: 'Invoice INV-1042', value: '$12,400.00 · 21 days' },
  ],
  support_risk: [
    { title: 'Ticket', value: 'We will cancel if this is not fixed' },
    { title: 'Sentiment', value: 'hostile' },
    { title: 'Category', value: 'cancellation_request' },
  ],
  feed_stale: [
    { title: 'Feed', value: 'Usage readings' },
    { title: 'Expected every', value: '1h' },
    { title: 'Last data', value: '24 Nov 2026, 08:00 UTC' },
  ],
};

const STATUS_LABELS: Record<AlertStatus, string> = {
  open: '🔴 Open',
  acknowledged: '🟡 Acknowledged',
  snoozed: '😴 Snoozed',
  resolved: '✅ Resolved',
};

function alertView(overrides: Partial<AlertView> = {}): AlertView {
  const status = overrides.status ?? 'open';
  const type = overrides.type ?? 'usage_threshold';
  const final = status === 'resolved';
  return {
    alertId: '7d0f1a52-4c1e-4d8e-9a43-2f5b7c9e1a10',
    version: 4,
    type,
    headline: HEADLINES[type],
    customerName: 'Acme Logistics',
    tier: 'platinum',
    tierLabel: 'Platinum',
    facts: FACTS[type],
    status,
    statusLabel: STATUS_LABELS[status],
    assigneeName: 'Sam Rivera',
    nextEscalation: final ? '—' : 'CSM Manager (Dana Lee) at 24 Nov 2026, 09:00 UTC',
    escalationLabel: 'Step 1 of 4 — CSM',
    actions: final ? [] : [...ALL_ACTIONS],
    step: 0,
    nextStepLabel: 'CSM Manager (Dana Lee)',
    managerName: 'Dana Lee',
    csmChoices: [
      { id: 'p-jo', name: 'Jo Park' },
      { id: 'p-kim', name: 'Kim Osei' },
    ],
    callOutcomes: [
      { value: 'connected', title: 'Connected' },
      { value: 'left_voicemail', title: 'Left voicemail' },
      { value: 'no_answer', title: 'No answer' },
    ],
    snoozeChoices: [
      { value: 'duration', title: 'For 24h' },
      { value: 'next_business_morning', title: 'Next business morning' },
      { value: 'customer_reply', title: 'Until customer replies' },
    ],
    final,
    finalNote: final ? 'Resolved by Sam Rivera at 24 Nov 2026, 10:15 UTC.' : null,
    intro: null,
    url: null,
    ...overrides,
  };
}

type Json = Record<string, unknown>;

/** Every object in the card (depth first), including those inside Action.ShowCard cards. */
function walk(node: unknown, out: Json[] = []): Json[] {
  if (Array.isArray(node)) node.forEach((n) => walk(n, out));
  else if (node && typeof node === 'object') {
    out.push(node as Json);
    Object.values(node).forEach((v) => walk(v, out));
  }
  return out;
}

const ofType = (card: AdaptiveCardJson, type: string) => walk(card).filter((o) => o.type === type);
const texts = (card: AdaptiveCardJson) => ofType(card, 'TextBlock').map((t) => t.text);
const topActions = (card: AdaptiveCardJson) => (card.actions as Json[] | undefined) ?? [];

/**
 * Parses the card with the Adaptive Cards SDK; returns every parse and validation event. The SDK's
 * default host allows 5 card actions; an open alert has 6, which Teams (maxActions 6) and the
 * playground (same host setting) show.
 */
function sdkIssues(json: AdaptiveCardJson): string[] {
  const card = new AC.AdaptiveCard();
  card.hostConfig = new AC.HostConfig({ actions: { maxActions: 6 } });
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  card.parse(json, context);
  const issues: string[] = [];
  for (let i = 0; i < context.eventCount; i++) issues.push(`parse: ${context.getEventAt(i).message}`);
  for (const e of card.validateProperties().validationEvents) issues.push(`validate: ${e.message}`);
  return issues;
}

const ALLOWED_TYPES = new Set([
  'AdaptiveCard',
  'TextBlock',
  'FactSet',
  'ColumnSet',
  'Column',
  'Container',
  'Input.Text',
  'Input.ChoiceSet',
  'Input.Date',
  'Input.Time',
  'Action.Execute',
  'Action.ShowCard',
  // Escalate now and Decline (a second action collection: Teams shows six per collection).
  'ActionSet',
]);

describe('renderAlertCard', () => {
  const cases = STATUSES.flatMap((status) => ALERT_TYPES.map((type) => [status, type] as const));

  it.each(cases)('renders a valid Adaptive Card 1.5 for a %s %s alert', (status, type) => {
    const view = alertView({ status, type });
    const card = renderAlertCard(view);

    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.5');
    expect(sdkIssues(card)).toEqual([]);

    // Only the documented subset, and no templating leftovers.
    for (const o of walk(card)) if (typeof o.type === 'string') expect(ALLOWED_TYPES).toContain(o.type);
    const serialized = JSON.stringify(card);
    expect(serialized).not.toMatch(/"\$(data|when)"|\$\{|null/);

    // What people read.
    expect(texts(card)).toEqual(expect.arrayContaining([view.customerName, view.headline, view.statusLabel]));
    const facts = ofType(card, 'FactSet').flatMap((f) => f.facts as Json[]);
    expect(facts).toEqual(expect.arrayContaining(view.facts));
    expect(facts).toEqual(
      expect.arrayContaining([
        { title: 'Assignee', value: 'Sam Rivera' },
        { title: 'Escalation', value: 'Step 1 of 4 — CSM' },
      ]),
    );
    expect(serialized).toContain('Platinum');

    if (status === 'resolved') {
      expect(card.actions).toBeUndefined();
      expect(ofType(card, 'Action.Execute')).toEqual([]);
      expect(texts(card)).toContain(view.finalNote);
      expect(facts.map((f) => f.title)).not.toContain('Next escalation');
    } else {
      expect(topActions(card)).toHaveLength(6);
      expect(facts).toContainEqual({ title: 'Next escalation', value: view.nextEscalation });
    }
  });

  it('offers the six actions on an open alert, Escalate now and Decline below them, each carrying alert id, action and version', () => {
    const card = renderAlertCard(alertView());
    const actions = topActions(card);
    expect(actions.map((a) => [a.type, a.title])).toEqual([
      ['Action.Execute', 'Acknowledge'],
      ['Action.ShowCard', 'Log Call'],
      ['Action.ShowCard', 'Schedule Follow-up'],
      ['Action.ShowCard', 'Reassign'],
      ['Action.ShowCard', 'Snooze…'],
      ['Action.Execute', 'Mark Resolved'],
    ]);
    // Teams shows at most six actions per collection: the two policy actions have their own ActionSet.
    const sets = ofType(card, 'ActionSet');
    expect(sets).toHaveLength(1);
    expect((sets[0]!.actions as Json[]).map((a) => [a.type, a.title])).toEqual([
      ['Action.ShowCard', 'Escalate now'],
      ['Action.ShowCard', "Decline / can't take it"],
    ]);

    // Every submit (top level or inside a ShowCard) follows one convention: verb = action name.
    const submits = ofType(card, 'Action.Execute');
    expect(submits.map((a) => a.verb).sort()).toEqual([...ALL_ACTIONS].sort());
    for (const submit of submits) {
      expect(submit.data).toEqual({
        alertId: '7d0f1a52-4c1e-4d8e-9a43-2f5b7c9e1a10',
        action: submit.verb,
        version: 4,
        // Escalate now carries the step the card showed (a click on a card passed by is refused).
        ...(submit.verb === 'escalate_now' ? { fromStep: 0 } : {}),
      });
    }
  });

  it('asks Snooze how long or until what, and Escalate now / Decline for an optional note', () => {
    const card = renderAlertCard(alertView());
    const snooze = topActions(card).find((a) => a.title === 'Snooze…')?.card as Json;
    const until = walk(snooze).find((o) => o.id === 'until')!;
    expect(until.value).toBe('duration');
    expect((until.choices as Json[]).map((c) => c.value)).toEqual([
      'duration',
      'next_business_morning',
      'customer_reply',
    ]);
    const set = ofType(card, 'ActionSet')[0]!.actions as Json[];
    for (const a of set) {
      const note = walk(a.card).find((o) => o.id === 'escalateNote' || o.id === 'declineNote')!;
      expect(note.type).toBe('Input.Text');
      expect(note.isRequired).toBeUndefined();
    }
    expect(JSON.stringify(set[0])).toContain('Note for CSM Manager (Dana Lee)');
    expect(JSON.stringify(set[1])).toContain('Note for Dana Lee');
  });

  it('puts the inputs of Log Call, Schedule Follow-up and Reassign in their ShowCards', () => {
    const card = renderAlertCard(alertView());
    const showCard = (title: string) => topActions(card).find((a) => a.title === title)?.card as Json;
    const inputs = (title: string) =>
      walk(showCard(title))
        .filter((o) => typeof o.type === 'string' && o.type.startsWith('Input.'))
        .map((o) => [o.type, o.id]);
    const submitVerb = (title: string) => ofType(showCard(title), 'Action.Execute').map((a) => a.verb);

    expect(inputs('Log Call')).toEqual([
      ['Input.ChoiceSet', 'outcome'],
      ['Input.Text', 'notes'],
    ]);
    expect(submitVerb('Log Call')).toEqual(['log_call']);
    const outcome = walk(showCard('Log Call')).find((o) => o.id === 'outcome');
    expect(outcome?.choices).toEqual([
      { title: 'Connected', value: 'connected' },
      { title: 'Left voicemail', value: 'left_voicemail' },
      { title: 'No answer', value: 'no_answer' },
    ]);
    expect(walk(showCard('Log Call')).find((o) => o.id === 'notes')?.isMultiline).toBe(true);

    expect(inputs('Schedule Follow-up')).toEqual([
      ['Input.Date', 'date'],
      ['Input.Time', 'time'],
      ['Input.Text', 'title'],
    ]);
    expect(submitVerb('Schedule Follow-up')).toEqual(['schedule_follow_up']);

    expect(inputs('Reassign')).toEqual([['Input.ChoiceSet', 'toPersonId']]);
    expect(submitVerb('Reassign')).toEqual(['reassign']);
    const choices = walk(showCard('Reassign')).find((o) => o.id === 'toPersonId')?.choices as Json[];
    expect(choices.map((c) => c.title)).toEqual(['Jo Park', 'Kim Osei']);
    expect(choices.map((c) => c.value)).toEqual(['p-jo', 'p-kim']);
  });

  it('shows only the actions listed in the view', () => {
    const card = renderAlertCard(alertView({ status: 'acknowledged', actions: ['log_call', 'resolve'] }));
    expect(topActions(card).map((a) => a.title)).toEqual(['Log Call', 'Mark Resolved']);
    expect(sdkIssues(card)).toEqual([]);
  });

  it('leaves Reassign out when there is nobody to reassign to', () => {
    const card = renderAlertCard(alertView({ csmChoices: [] }));
    expect(topActions(card).map((a) => a.title)).not.toContain('Reassign');
    expect(sdkIssues(card)).toEqual([]);
  });

  it('has no actions at all on a final card, even if the view lists some', () => {
    const card = renderAlertCard(alertView({ status: 'resolved', actions: [...ACTIONS] }));
    expect(card.actions).toBeUndefined();
    expect(ofType(card, 'Action.ShowCard')).toEqual([]);
    expect(sdkIssues(card)).toEqual([]);
  });

  it('shows the intro line above the headline when present, and nothing when absent', () => {
    const intro = 'Escalated to you: nobody acted on this alert for 24 hours.';
    const withIntro = renderAlertCard(alertView({ intro }));
    expect(texts(withIntro)[0]).toBe(intro);
    expect(texts(withIntro).indexOf(intro)).toBeLessThan(
      texts(withIntro).indexOf('🚀 Expansion Opportunity'),
    );
    expect(texts(renderAlertCard(alertView({ intro: '' })))).not.toContain('');
    expect(texts(renderAlertCard(alertView()))[0]).not.toBe(intro);
  });

  it('drops the facts block when there are no facts, and keeps user text verbatim', () => {
    const customerName = 'O\'Brien & "Sons" ${notAnExpression} <b>';
    const card = renderAlertCard(alertView({ type: 'support_risk', facts: [], customerName }));
    expect(sdkIssues(card)).toEqual([]);
    expect(texts(card)).toContain(customerName);
    expect(ofType(card, 'FactSet')).toHaveLength(1);
  });
});
