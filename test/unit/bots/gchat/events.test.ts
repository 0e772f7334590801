import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  BadEventError,
  flatInputs,
  isDirectMessage,
  parseChatEvent,
} from '../../../../src/bots/gchat/events.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/gchat/${name}.json`, import.meta.url), 'utf8'));

describe('Google Chat event parsing', () => {
  it('reads a classic slash command', () => {
    const ev = parseChatEvent(fixture('slash-command'));
    expect(ev).toMatchObject({ format: 'chat', kind: 'message', commandId: '1' });
    expect(ev.message?.argumentText).toBe(' alerts');
    expect(ev.user).toMatchObject({ name: 'users/0', email: 'someone@test.example' });
    expect(isDirectMessage(ev.space)).toBe(true);
  });

  it('reads a classic card click with its function and parameters (map or deprecated list)', () => {
    const raw = fixture('card-clicked');
    raw.action.parameters = [{ key: 'alertId', value: 'a-1' }];
    const ev = parseChatEvent(raw);
    expect(ev).toMatchObject({
      kind: 'card_clicked',
      invokedFunction: 'acknowledge',
      parameters: { alertId: 'a-1' },
    });
    expect(ev.message?.senderType).toBe('BOT');
  });

  it('reads the Workspace add-on format (top-level chat key)', () => {
    const ev = parseChatEvent(fixture('addon-message'));
    expect(ev).toMatchObject({ format: 'addon', kind: 'message', timeZone: 'Europe/London' });
    expect(ev.space?.name).toBe('spaces/DM-0');
    expect(ev.message?.text).toBe('help');
    const click = parseChatEvent({
      commonEventObject: { invokedFunction: 'snooze', parameters: { alertId: 'a-2' } },
      chat: {
        user: { name: 'users/1' },
        buttonClickedPayload: {
          space: { name: 'spaces/S' },
          message: { name: 'spaces/S/messages/m' },
          isDialogEvent: true,
          dialogEventType: 'SUBMIT_DIALOG',
        },
      },
    });
    expect(click).toMatchObject({
      kind: 'card_clicked',
      invokedFunction: 'snooze',
      parameters: { alertId: 'a-2' },
      isDialogEvent: true,
      dialogEventType: 'SUBMIT_DIALOG',
    });
  });

  it('rejects what is not an event object', () => {
    expect(() => parseChatEvent([])).toThrow(BadEventError);
    expect(() => parseChatEvent('x')).toThrow(BadEventError);
  });

  it('flattens form inputs: strings, dates (UTC midnight) and times', () => {
    expect(
      flatInputs({
        outcome: { stringInputs: { value: ['connected'] } },
        date: { dateInput: { msSinceEpoch: String(Date.UTC(2026, 11, 3)) } },
        time: { timeInput: { hours: 9, minutes: 5 } },
      }),
    ).toEqual({ outcome: 'connected', date: '2026-12-03', time: '09:05' });
  });
});
