import { describe, expect, it } from '@jest/globals';
import { renderAlertCard } from '../../../src/cards/alert-card.js';
import type { AlertView } from '../../../src/cards/alert-view.js';
import {
  decodeActionRef,
  encodeActionRef,
  renderWhatsAppCard,
  whatsappListMessage,
  WHATSAPP_LIMITS,
} from '../../../src/cards/render/whatsapp.js';

const ALERT = '3f0c2a8e-6b1d-4c1e-9a55-0d6f1e2b3c4d';

function view(over: Partial<AlertView> = {}): AlertView {
  return {
    alertId: ALERT,
    version: 7,
    headline: '🚀 Expansion Opportunity',
    customerName: 'Northwind',
    tierLabel: 'Platinum',
    status: 'open',
    statusLabel: 'Open',
    snoozeChoices: [
      { value: 'duration', title: 'For 24h' },
      { value: 'next_business_morning', title: 'Next business morning' },
      { value: 'customer_reply', title: 'Until customer replies' },
    ],
    final: false,
    intro: null,
    facts: [
      { title: 'Usage', value: '86% of seats (86 / 100)' },
      { title: 'Threshold', value: '85%' },
    ],
    assigneeName: 'Sam CSM',
    escalationLabel: 'Step 1 of 3 (CSM)',
    actions: [
      'acknowledge',
      'log_call',
      'schedule_follow_up',
      'reassign',
      'snooze',
      'resolve',
      'escalate_now',
      'decline',
    ],
    step: 0,
    nextStepLabel: 'CSM Manager (Dana Lee)',
    managerName: 'Dana Lee',
    csmChoices: [{ id: 'p-2', name: 'Alex CSM' }],
    callOutcomes: [
      { value: 'connected', title: 'Connected' },
      { value: 'no_answer', title: 'No answer' },
    ],
    ...over,
  } as unknown as AlertView;
}

describe('Adaptive Card → WhatsApp list message', () => {
  it('puts the card text and facts in the body and the eight actions in the list', () => {
    const r = renderWhatsAppCard(renderAlertCard(view()));
    expect(r.body).toContain('*🚀 Expansion Opportunity*');
    expect(r.body).toContain('Northwind');
    expect(r.body).toContain('*Usage:* 86% of seats (86 / 100)');
    expect(r.rows.map((x) => x.title)).toEqual([
      'Acknowledge',
      'Log Call',
      'Schedule Follow-up',
      'Reassign',
      'Snooze…',
      'Mark Resolved',
      'Escalate now',
      "Decline / can't take it",
    ]);
    expect(r.rows.length).toBeLessThanOrEqual(10); // WhatsApp lists: 10 rows in total
    expect(r.forms.snooze!.map((i) => [i.id, i.kind])).toEqual([['until', 'choice']]);
    expect(r.forms.escalate_now!.map((i) => [i.id, i.required])).toEqual([['escalateNote', false]]);
    expect(r.forms.decline!.map((i) => [i.id, i.required])).toEqual([['declineNote', false]]);
    expect(r.rows.map((x) => decodeActionRef(x.id))).toEqual(
      [
        'acknowledge',
        'log_call',
        'schedule_follow_up',
        'reassign',
        'snooze',
        'resolve',
        'escalate_now',
        'decline',
      ].map((action) => ({
        alertId: ALERT,
        action,
        version: 7,
      })),
    );
    expect(r.alertId).toBe(ALERT);
    expect(r.facts.Usage).toBe('86% of seats (86 / 100)');
    expect(r.headline).toBe('🚀 Expansion Opportunity');
  });

  it('carries the inputs behind each ShowCard, choices included', () => {
    const r = renderWhatsAppCard(renderAlertCard(view()));
    expect(r.forms.log_call!.map((i) => [i.id, i.kind, i.required])).toEqual([
      ['outcome', 'choice', true],
      ['notes', 'text', false],
    ]);
    expect(r.forms.log_call![0]!.choices).toEqual([
      ['connected', 'Connected'],
      ['no_answer', 'No answer'],
    ]);
    expect(r.forms.schedule_follow_up!.map((i) => i.kind)).toEqual(['date', 'time', 'text']);
    expect(r.forms.reassign![0]!.choices).toEqual([['p-2', 'Alex CSM']]);
    expect(r.rows[1]!.description).toBe('Asks for: call outcome, notes');
  });

  it('stays within WhatsApp limits for long text, and a final card has no list', () => {
    const long = 'x'.repeat(3000);
    const r = renderWhatsAppCard(renderAlertCard(view({ headline: long, customerName: long })));
    expect([...r.body].length).toBeLessThanOrEqual(WHATSAPP_LIMITS.body);
    const list = whatsappListMessage(r) as {
      action: { button: string; sections: { rows: { title: string; id: string }[] }[] };
    };
    expect(list.action.button.length).toBeLessThanOrEqual(WHATSAPP_LIMITS.button);
    for (const row of list.action.sections[0]!.rows) {
      expect(row.title.length).toBeLessThanOrEqual(WHATSAPP_LIMITS.rowTitle);
      expect(row.id.length).toBeLessThanOrEqual(WHATSAPP_LIMITS.rowId);
    }
    const final = renderWhatsAppCard(
      renderAlertCard(
        view({ final: true, status: 'resolved', statusLabel: 'Resolved' } as Partial<AlertView>),
      ),
    );
    expect(final.rows).toEqual([]);
    expect(whatsappListMessage(final)).toBeNull();
    expect(final.body).toContain('Resolved');
  });

  it('renders any card of the subset generically, and reads back only its own ids', () => {
    const r = renderWhatsAppCard({
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: 'Heads *up*', size: 'Large' },
        { type: 'TextBlock', text: 'small print', isSubtle: true },
        {
          type: 'ColumnSet',
          columns: [
            { type: 'Column', items: [{ type: 'TextBlock', text: 'A' }] },
            { type: 'Column', items: [{ type: 'TextBlock', text: 'B' }] },
          ],
        },
      ],
      actions: [
        {
          type: 'Action.Execute',
          title: 'A very long action title indeed',
          verb: 'acknowledge',
          data: { alertId: 'a-1', version: 2 },
        },
      ],
    });
    expect(r.body).toBe('*Heads up*\n_small print_\nA  ·  B');
    expect(r.rows[0]!.title).toHaveLength(24);
    expect(decodeActionRef(encodeActionRef({ alertId: 'a-1', action: 'snooze', version: 3 }))).toEqual({
      alertId: 'a-1',
      action: 'snooze',
      version: 3,
    });
    expect(decodeActionRef('dc|1')).toBeNull();
    expect(decodeActionRef('fa|x|DROP TABLE|1')).toBeNull();
  });
});
