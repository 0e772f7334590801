/**
 * Every card the product sends to Teams parses with the Adaptive Cards SDK (schema 1.5) without a
 * single parse or validation message: the alert card of every type in every state as the Teams
 * renderer sends it, and the settings forms with and without validation messages.
 */
import { describe, expect, it } from '@jest/globals';
import { renderAlertCard } from '../../../src/cards/alert-card.js';
import { buildAlertView } from '../../../src/cards/build-view.js';
import { renderTeamsCard } from '../../../src/cards/render/teams.js';
import { formCard, NONE_VALUE } from '../../../src/bots/teams/form-card.js';
import type { FormModel } from '../../../src/channels/forms.js';
import {
  ALERT_TYPES,
  type Alert,
  type AlertStatus,
  type Customer,
  type Person,
} from '../../../src/engine/types.js';
import { adaptiveCardIssues } from '../../helpers/adaptive-cards.js';

type Json = Record<string, unknown>;
const walk = (node: unknown, out: Json[] = []): Json[] => {
  if (Array.isArray(node)) node.forEach((n) => walk(n, out));
  else if (node && typeof node === 'object') {
    out.push(node as Json);
    Object.values(node).forEach((v) => walk(v, out));
  }
  return out;
};

const person = (id: string, name: string, role: Person['role']): Person => ({
  id,
  workspaceId: 'w',
  externalId: id,
  name,
  email: null,
  role,
  isAdmin: false,
  managerId: null,
  timezone: 'Europe/London',
  preferredChannel: null,
  identities: {},
});
const sam = person('p-sam', 'Sam Rivera', 'csm');
const jo = person('p-jo', 'Jo Park', 'csm');
const customer: Customer = {
  id: 'c',
  workspaceId: 'w',
  externalId: 'c-1',
  name: 'Acme',
  tier: 'platinum',
  csmId: sam.id,
  arr: null,
  domains: [],
};
const FACTS: Record<Alert['type'], Json> = {
  usage_threshold: {
    percent: 86,
    used: 86,
    limit: 100,
    metric: 'seats',
    threshold: 85,
    framing: '🚀 Expansion Opportunity',
  },
  collections: {
    totalOverdue: 1200,
    currency: 'USD',
    maxDaysOverdue: 21,
    invoices: [{ externalId: 'INV-1', amount: 1200, currency: 'USD', daysOverdue: 21 }],
  },
  support_risk: {
    subject: 'We will cancel',
    sentiment: 'hostile',
    category: 'cancellation_request',
    matches: ['cancel'],
  },
  feed_stale: { feed: 'usage', expectedEvery: '1h', lastDataAt: '2026-11-24T08:00:00Z' },
};

function alert(type: Alert['type'], status: AlertStatus): Alert {
  const now = new Date('2026-11-24T09:00:00Z');
  return {
    id: '7d0f1a52-4c1e-4d8e-9a43-2f5b7c9e1a10',
    workspaceId: 'w',
    customerId: 'c',
    type,
    dedupKey: 'k',
    status,
    assigneeId: sam.id,
    facts: FACTS[type],
    escalation: [
      { role: 'csm', afterMs: 0 },
      { role: 'csm_manager', afterMs: 86_400_000 },
    ],
    step: 0,
    token: 1,
    version: 3,
    chainStartedAt: now,
    pausedAt: null,
    pausedTotalMs: 0,
    nextActionAt: status === 'resolved' ? null : new Date('2026-11-25T09:00:00Z'),
    nextActionKind: status === 'resolved' ? null : 'escalate',
    resolvedAt: status === 'resolved' ? now : null,
    createdAt: now,
    updatedAt: now,
  };
}

describe('Teams alert cards', () => {
  const statuses: AlertStatus[] = ['open', 'acknowledged', 'snoozed', 'resolved'];
  const cases = statuses.flatMap((s) => ALERT_TYPES.map((t) => [s, t] as const));

  it.each(cases)(
    'a %s %s alert parses without issues, with Submit fallbacks and a refresh',
    (status, type) => {
      for (const intro of [null, 'Escalated to you: nobody acted for 24 hours.']) {
        const view = buildAlertView({
          alert: alert(type, status),
          customer,
          assignee: sam,
          nextHolders: [],
          csms: [sam, jo],
          timezone: 'UTC',
          intro,
          resolvedBy: 'Sam Rivera',
        });
        const card = renderTeamsCard(renderAlertCard(view), { refreshUserIds: ['29:1sam'] });
        expect(adaptiveCardIssues(card)).toEqual([]);
        expect(card.version).toBe('1.5');
        expect(card.msteams).toEqual({ width: 'Full' });
        const executes = walk(card).filter((o) => o.type === 'Action.Execute' && o.verb !== 'refresh');
        for (const e of executes)
          expect(e.fallback).toEqual({
            type: 'Action.Submit',
            title: e.title,
            ...(e.style ? { style: e.style } : {}),
            data: { ...(e.data as Json), verb: e.verb },
          });
        if (status === 'resolved') expect(card.refresh).toBeUndefined();
        else
          expect(card.refresh).toEqual({
            action: {
              type: 'Action.Execute',
              verb: 'refresh',
              data: { alertId: view.alertId, action: 'refresh', version: 3 },
            },
            userIds: ['29:1sam'],
          });
      }
    },
  );

  it('leaves the shared card untouched and caps refresh.userIds at 60', () => {
    const view = buildAlertView({
      alert: alert('usage_threshold', 'open'),
      customer,
      assignee: sam,
      nextHolders: [],
      csms: [sam, jo],
      timezone: 'UTC',
    });
    const shared = renderAlertCard(view);
    const before = JSON.stringify(shared);
    const card = renderTeamsCard(shared, { refreshUserIds: Array.from({ length: 80 }, (_, i) => `29:${i}`) });
    expect(JSON.stringify(shared)).toBe(before);
    expect((card.refresh as { userIds: string[] }).userIds).toHaveLength(60);
    expect(renderTeamsCard(shared).refresh).not.toHaveProperty('userIds');
  });
});

describe('Teams settings form cards', () => {
  const general: FormModel = {
    form: 'general',
    title: 'Fincelo settings',
    submitLabel: 'Save',
    fields: [
      { id: 'threshold.good', label: 'Good threshold (%)', type: 'number', value: '80' },
      {
        id: 'escalation',
        label: 'Escalation steps',
        type: 'textarea',
        value: 'csm 0s\ncsm_manager 24h',
        hint: 'roles: csm…',
      },
      { id: 'cooldown', label: 'Cooldown', type: 'text', value: '24h', hint: 'e.g. 24h' },
    ],
  };
  const personForm: FormModel = {
    form: 'person',
    title: 'Edit Jo Park',
    submitLabel: 'Save person',
    context: { externalId: 'p-jo' },
    fields: [
      { id: 'name', label: 'Name', type: 'text', value: 'Jo Park' },
      { id: 'email', label: 'Email', type: 'text', value: '', optional: true },
      {
        id: 'role',
        label: 'Role',
        type: 'select',
        value: 'csm',
        options: [
          { value: 'csm', label: 'CSM' },
          { value: 'cfo', label: 'CFO' },
        ],
      },
      {
        id: 'managerExternalId',
        label: 'Manager',
        type: 'select',
        value: '',
        optional: true,
        options: [
          { value: '', label: '— none —' },
          { value: 'mgr-1', label: 'Dana' },
        ],
      },
    ],
  };
  const people = [
    { value: '', label: '— none —' },
    { value: 'csm-1', label: 'Sam (CSM)' },
  ];

  it.each([
    ['general', formCard(general, { people })],
    [
      'general with errors',
      formCard(general, {
        people,
        values: { 'threshold.good': 'abc' },
        errors: {
          'threshold.good': 'Enter a number, e.g. 80.',
          escalation: 'Line 2: unknown role',
          usageThresholds: 'Thresholds must rise',
        },
        notice: { text: 'Some fields need attention', ok: false },
      }),
    ],
    ['person', formCard(personForm)],
    ['person saved', formCard(personForm, { notice: { text: '✅ Saved Jo Park.', ok: true } })],
  ])('%s parses without issues', (_name, card) => {
    expect(adaptiveCardIssues(card)).toEqual([]);
  });

  it('puts each error right under its field and keeps what was typed', () => {
    const card = formCard(general, {
      values: { cooldown: 'soon' },
      errors: { cooldown: 'Use a duration like 24h.' },
    });
    const body = card.body as Json[];
    const at = body.findIndex((e) => e.id === 'cooldown');
    expect(body[at]).toMatchObject({ type: 'Input.Text', value: 'soon' });
    expect(body[at + 1]).toMatchObject({
      type: 'TextBlock',
      text: '⚠️ Use a duration like 24h.',
      color: 'Attention',
    });
  });

  it('sends the empty choice as a placeholder value', () => {
    const manager = (formCard(personForm).body as Json[]).find((e) => e.id === 'managerExternalId')!;
    expect(manager.value).toBe(NONE_VALUE);
    expect((manager.choices as Json[])[0]).toEqual({ title: '— none —', value: NONE_VALUE });
  });
});
