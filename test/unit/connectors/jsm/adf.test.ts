import { describe, expect, it } from '@jest/globals';
import { adfToText } from '../../../../src/connectors/jsm/adf.js';

const doc = (...content: unknown[]) => ({ type: 'doc', version: 1, content });
const p = (...content: unknown[]) => ({ type: 'paragraph', content });
const t = (text: string, marks?: unknown[]) => ({ type: 'text', text, ...(marks ? { marks } : {}) });
const li = (...content: unknown[]) => ({ type: 'listItem', content });

describe('ADF → plain text', () => {
  it('separates paragraphs by a blank line and keeps hard breaks', () => {
    expect(adfToText(doc(p(t('Hello,')), p(t('line one'), { type: 'hardBreak' }, t('line two'))))).toBe(
      'Hello,\n\nline one\nline two',
    );
  });

  it('drops formatting marks but keeps the words', () => {
    expect(
      adfToText(
        doc(p(t('very ', [{ type: 'strong' }]), t('urgent', [{ type: 'em' }, { type: 'underline' }]))),
      ),
    ).toBe('very urgent');
  });

  it('renders bullet, ordered (with its start) and nested lists', () => {
    const nested = {
      type: 'bulletList',
      content: [
        li(p(t('first')), {
          type: 'orderedList',
          attrs: { order: 3 },
          content: [li(p(t('three'))), li(p(t('four')))],
        }),
        li(p(t('second'))),
      ],
    };
    expect(adfToText(doc(nested))).toBe('- first\n  3. three\n  4. four\n- second');
  });

  it('writes mentions as @Name, with or without the @ Jira stores', () => {
    const body = doc(
      p(
        t('Ping '),
        { type: 'mention', attrs: { id: '5b10ac8d82e05b22cc7d4ef5', text: '@Ana Silva', accessLevel: '' } },
        t(' and '),
        { type: 'mention', attrs: { id: 'x', text: 'Bo' } },
        t(' and '),
        { type: 'mention', attrs: { id: 'y' } },
      ),
    );
    expect(adfToText(body)).toBe('Ping @Ana Silva and @Bo and @user');
  });

  it('keeps code blocks verbatim, line breaks and indentation included', () => {
    const code = { type: 'codeBlock', attrs: { language: 'json' }, content: [t('{\n  "error": 500\n}')] };
    expect(adfToText(doc(p(t('The API says:')), code, p(t('Help!'))))).toBe(
      'The API says:\n\n{\n  "error": 500\n}\n\nHelp!',
    );
  });

  it('keeps link addresses unless the text already is the address, and smart links as their URL', () => {
    const body = doc(
      p(
        t('see '),
        t('the invoice', [{ type: 'link', attrs: { href: 'https://billing.example/inv/42' } }]),
        t(' or '),
        t('https://status.example', [{ type: 'link', attrs: { href: 'https://status.example' } }]),
        t(' or '),
        { type: 'inlineCard', attrs: { url: 'https://acme.atlassian.net/browse/SUP-1' } },
      ),
    );
    expect(adfToText(body)).toBe(
      'see the invoice (https://billing.example/inv/42) or https://status.example or https://acme.atlassian.net/browse/SUP-1',
    );
  });

  it('handles headings, quotes, rules, panels, tables, emoji, status and dates', () => {
    const body = doc(
      { type: 'heading', attrs: { level: 2 }, content: [t('Summary')] },
      { type: 'blockquote', content: [p(t('quoted'))] },
      { type: 'rule' },
      {
        type: 'panel',
        attrs: { panelType: 'warning' },
        content: [p(t('careful'), { type: 'emoji', attrs: { shortName: ':warning:', text: '⚠️' } })],
      },
      {
        type: 'table',
        content: [
          {
            type: 'tableRow',
            content: [
              { type: 'tableHeader', content: [p(t('Plan'))] },
              { type: 'tableHeader', content: [p(t('Seats'))] },
            ],
          },
          {
            type: 'tableRow',
            content: [
              { type: 'tableCell', content: [p(t('Pro'))] },
              { type: 'tableCell', content: [p(t('40'))] },
            ],
          },
        ],
      },
      p({ type: 'status', attrs: { text: 'BLOCKED', color: 'red' } }, t(' since '), {
        type: 'date',
        attrs: { timestamp: '1767225600000' },
      }),
    );
    expect(adfToText(body)).toBe(
      'Summary\n\n> quoted\n\n---\n\ncareful⚠️\n\nPlan | Seats\nPro | 40\n\n[BLOCKED] since 2026-01-01',
    );
  });

  it('renders task lists and skips media', () => {
    const body = doc(
      {
        type: 'taskList',
        attrs: { localId: 'a' },
        content: [
          { type: 'taskItem', attrs: { localId: 'b', state: 'DONE' }, content: [t('export data')] },
          { type: 'taskItem', attrs: { localId: 'c', state: 'TODO' }, content: [t('cancel plan')] },
        ],
      },
      {
        type: 'mediaSingle',
        content: [{ type: 'media', attrs: { id: 'abc', type: 'file', collection: '' } }],
      },
    );
    expect(adfToText(body)).toBe('[x] export data\n[ ] cancel plan');
  });

  it('keeps the text of node types it does not know', () => {
    expect(adfToText(doc({ type: 'futureBlock', content: [p(t('still here'))] }))).toBe('still here');
  });

  it('passes plain strings (v2 / webhook wiki text) through and turns nothing into an empty string', () => {
    expect(adfToText('  *bold* text ')).toBe('*bold* text');
    expect(adfToText(null)).toBe('');
    expect(adfToText(undefined)).toBe('');
    expect(adfToText(doc())).toBe('');
  });
});
