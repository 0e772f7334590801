import { describe, expect, it } from '@jest/globals';
import { renderAlertCard } from '../../../src/cards/alert-card.js';
import type { AlertView } from '../../../src/cards/alert-view.js';
import {
  parseSlackActionValue,
  renderSlackBlocks,
  slackBlocksText,
  type SlackBlock,
} from '../../../src/cards/render/slack.js';
import { ACTIONS } from '../../../src/engine/types.js';
import { blockProblems } from '../../fakes/slack-block-rules.js';

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
    actions: final ? [] : [...ACTIONS],
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

const render = (o: Partial<AlertView> = {}) => renderSlackBlocks(renderAlertCard(view(o)));
const buttons = (blocks: SlackBlock[]) =>
  blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements as Record<string, unknown>[]);

describe('Slack Block Kit renderer', () => {
  it('maps the alert card to header, section, fields, context and buttons Slack accepts', () => {
    const blocks = render();
    expect(blockProblems(blocks, 'message')).toEqual([]);
    expect(blocks[0]).toMatchObject({ type: 'context' }); // the intro
    expect(blocks[1]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: '💸 Collections: invoice overdue  ·  🔴 Open', emoji: true },
    });
    const fields = blocks
      .filter((b) => Array.isArray(b.fields))
      .flatMap((b) => b.fields as { text: string }[]);
    expect(fields.map((f) => f.text)).toEqual(
      expect.arrayContaining(['*Overdue*\n$12,400.00', '*Assignee*\nSam Rivera']),
    );
    // mrkdwn control characters are escaped (docs.slack.dev/messaging/formatting-message-text).
    expect(slackBlocksText(blocks)).toContain('Smith &amp; &lt;Sons&gt;');
  });

  it('gives every action a button: action_id = action, value = JSON {alertId, version[, modal]}', () => {
    const b = buttons(render());
    expect(b.map((x) => x.action_id)).toEqual([
      'acknowledge',
      'log_call',
      'schedule_follow_up',
      'reassign',
      'snooze',
      'resolve',
    ]);
    expect(JSON.parse(String(b[0]!.value))).toEqual({
      alertId: '7d0f1a52-4c1e-4d8e-9a43-2f5b7c9e1a10',
      version: 4,
    });
    expect(b[0]!.style).toBe('primary');
    const reassign = parseSlackActionValue(String(b[3]!.value))!;
    expect(reassign.modal!.inputs).toEqual([
      expect.objectContaining({
        id: 'toPersonId',
        kind: 'choice',
        required: true,
        choices: [
          ['a1b2c3d4-0000-4000-8000-000000000001', 'Alex Kim'],
          ['a1b2c3d4-0000-4000-8000-000000000002', 'Jo Park'],
        ],
      }),
    ]);
    const followUp = parseSlackActionValue(String(b[2]!.value))!;
    expect(followUp.modal!.inputs.map((i) => [i.id, i.kind])).toEqual([
      ['date', 'date'],
      ['time', 'time'],
      ['title', 'text'],
    ]);
  });

  it('keeps a long CSM list within Slack’s 2,000-character button value', () => {
    const csmChoices = Array.from({ length: 80 }, (_, i) => ({
      id: `a1b2c3d4-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `Customer Success Manager ${i}`,
    }));
    const blocks = render({ csmChoices });
    expect(blockProblems(blocks, 'message')).toEqual([]);
    const reassign = buttons(blocks).find((x) => x.action_id === 'reassign')!;
    expect(String(reassign.value).length).toBeLessThanOrEqual(2000);
    const input = parseSlackActionValue(String(reassign.value))!.modal!.inputs[0]!;
    expect(input.truncated).toBe(true);
    expect(input.choices!.length).toBeGreaterThan(10);
  });

  it('renders the final state with its closing line and no buttons', () => {
    const blocks = render({ status: 'resolved', statusLabel: '✅ Resolved' });
    expect(blockProblems(blocks, 'message')).toEqual([]);
    expect(buttons(blocks)).toEqual([]);
    expect(slackBlocksText(blocks)).toContain('Resolved by Sam');
    expect(slackBlocksText(blocks)).not.toContain('Next escalation');
  });

  it('splits more than ten facts over several sections', () => {
    const facts = Array.from({ length: 13 }, (_, i) => ({ title: `Invoice ${i}`, value: `$${i}` }));
    const blocks = render({ facts });
    expect(blockProblems(blocks, 'message')).toEqual([]);
    const sections = blocks.filter((b) => Array.isArray(b.fields));
    expect(sections.every((s) => (s.fields as unknown[]).length <= 10)).toBe(true);
  });
});
