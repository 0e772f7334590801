import { describe, expect, it } from '@jest/globals';
import { renderAlertCard } from '../../../src/cards/alert-card.js';
import type { AlertView } from '../../../src/cards/alert-view.js';
import { gchatCardText, parseDialogSpec, renderGchatCard } from '../../../src/cards/render/gchat.js';
import { ALL_ACTIONS } from '../../../src/engine/types.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function view(o: Partial<AlertView> = {}): AlertView {
  const final = o.status === 'resolved';
  return {
    alertId: '7d0f1a52-4c1e-4d8e-9a43-2f5b7c9e1a10',
    version: 4,
    type: 'collections',
    headline: '💸 Collections: invoice overdue',
    customerName: 'Smith & <Sons>',
    tier: 'platinum',
    tierLabel: 'Platinum',
    facts: [
      { title: 'Overdue', value: '$12,400.00' },
      { title: 'Days overdue', value: '21' },
    ],
    status: 'open',
    statusLabel: '🔴 Open',
    assigneeName: 'Sam Rivera',
    nextEscalation: 'CSM Manager (Dana) at 24 Nov 2026, 09:00 UTC',
    escalationLabel: 'Step 1 of 4 — CSM',
    actions: final ? [] : [...ALL_ACTIONS],
    step: 0,
    nextStepLabel: 'CSM Manager (Dana Lee)',
    managerName: 'Dana Lee',
    csmChoices: [
      { id: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'Alex Kim' },
      { id: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'Jo Park' },
    ],
    callOutcomes: [
      { value: 'connected', title: 'Connected' },
      { value: 'no_answer', title: 'No answer' },
    ],
    snoozeChoices: [
      { value: 'duration', title: 'For 24h' },
      { value: 'next_business_morning', title: 'Next business morning' },
      { value: 'customer_reply', title: 'Until customer replies' },
    ],
    final,
    finalNote: final ? 'Resolved by Sam at 24 Nov 2026, 10:00 UTC.' : null,
    intro: 'Escalated to you: nobody acted for 24 h.',
    url: null,
    ...o,
  };
}

const render = (o: Partial<AlertView> = {}) => renderGchatCard(renderAlertCard(view(o))) as Json;
const buttons = (card: Json): Json[] =>
  card.sections.flatMap((s: Json) =>
    s.widgets.filter((w: Json) => w.buttonList).flatMap((w: Json) => w.buttonList.buttons),
  );

describe('Google Chat cardsV2 renderer', () => {
  it('maps the alert card to a header, text, decorated facts and a button list', () => {
    const card = render();
    expect(card.header).toEqual({ title: '💸 Collections: invoice overdue', subtitle: '🔴 Open' });
    const widgets = card.sections.flatMap((s: Json) => s.widgets);
    // HTML special characters are escaped in text widgets.
    expect(JSON.stringify(widgets)).toContain('Smith &amp; &lt;Sons&gt;');
    expect(widgets).toContainEqual({
      decoratedText: { topLabel: 'Overdue', text: '$12,400.00', wrapText: true },
    });
    expect(widgets).toContainEqual({
      decoratedText: { topLabel: 'Assignee', text: 'Sam Rivera', wrapText: true },
    });
    // The separator before the escalation facts starts a new section.
    expect(card.sections.length).toBeGreaterThanOrEqual(3);
    expect(gchatCardText(card)).toContain('Escalated to you');
  });

  it('makes each action a button with its function and parameters; forms open a dialog', () => {
    const bs = buttons(render());
    expect(bs.map((b) => b.text)).toEqual([
      'Acknowledge',
      'Log Call',
      'Schedule Follow-up',
      'Reassign',
      'Snooze…',
      'Mark Resolved',
      'Escalate now',
      "Decline / can't take it",
    ]);
    // Snooze opens a dialog asking how long or until what; Escalate now carries the step it saw.
    const snooze = parseDialogSpec(
      bs[4]!.onClick.action.parameters.find((p: Json) => p.key === 'form').value,
    )!;
    expect(snooze.inputs.map((i) => [i.id, i.kind, i.value])).toEqual([['until', 'choice', 'duration']]);
    const escalate = bs[6]!.onClick.action;
    expect(escalate.function).toBe('escalate_now');
    expect(escalate.parameters).toContainEqual({ key: 'fromStep', value: '0' });
    const ack = bs[0]!.onClick.action;
    expect(ack).toEqual({
      function: 'acknowledge',
      parameters: [
        { key: 'alertId', value: '7d0f1a52-4c1e-4d8e-9a43-2f5b7c9e1a10' },
        { key: 'action', value: 'acknowledge' },
        { key: 'version', value: '4' },
      ],
    });
    const log = bs[1]!.onClick.action;
    expect(log.function).toBe('log_call');
    expect(log.interaction).toBe('OPEN_DIALOG');
    const spec = parseDialogSpec(log.parameters.find((p: Json) => p.key === 'form').value)!;
    expect(spec.title).toBe('Log Call');
    expect(spec.inputs.map((i) => [i.id, i.kind])).toEqual([
      ['outcome', 'choice'],
      ['notes', 'text'],
    ]);
    const schedule = parseDialogSpec(
      bs[2]!.onClick.action.parameters.find((p: Json) => p.key === 'form').value,
    )!;
    expect(schedule.inputs.map((i) => i.kind)).toEqual(['date', 'time', 'text']);
    const reassign = parseDialogSpec(
      bs[3]!.onClick.action.parameters.find((p: Json) => p.key === 'form').value,
    )!;
    expect(reassign.inputs[0]!.choices).toEqual([
      ['a1b2c3d4-0000-4000-8000-000000000001', 'Alex Kim'],
      ['a1b2c3d4-0000-4000-8000-000000000002', 'Jo Park'],
    ]);
  });

  it('renders a resolved card with its final note and no buttons', () => {
    const card = render({ status: 'resolved', statusLabel: '✅ Resolved' });
    expect(buttons(card)).toEqual([]);
    expect(gchatCardText(card)).toContain('Resolved by Sam');
  });

  it('is generic over the subset: unknown elements are skipped, new text lines and inputs render', () => {
    const card = renderGchatCard({
      type: 'AdaptiveCard',
      version: '1.5',
      body: [
        { type: 'TextBlock', text: 'Churn risk: high', color: 'Attention', weight: 'Bolder' },
        { type: 'RichTextBlock', inlines: [] },
        {
          type: 'Input.ChoiceSet',
          id: 'map.subject',
          label: 'Subject',
          value: 'b',
          choices: [
            { title: 'A', value: 'a' },
            { title: 'B', value: 'b' },
          ],
        },
      ],
      actions: [{ type: 'Action.OpenUrl', title: 'Open', url: 'https://example.com' }],
    }) as Json;
    const widgets = card.sections.flatMap((s: Json) => s.widgets);
    expect(widgets[0]).toEqual({
      textParagraph: { text: '<font color="#d93025"><b>Churn risk: high</b></font>' },
    });
    expect(widgets[1].selectionInput).toMatchObject({ name: 'map.subject', type: 'DROPDOWN' });
    expect(widgets[1].selectionInput.items[1]).toEqual({ text: 'B', value: 'b', selected: true });
    expect(buttons(card)[0]).toEqual({ text: 'Open', onClick: { openLink: { url: 'https://example.com' } } });
  });
});
