import { describe, expect, it } from '@jest/globals';
import { DEFAULT_SETTINGS, mergeSettings, SettingsValidationError } from '../../../../src/engine/settings.js';
import { supportRiskReasons } from '../../../../src/engine/support-risk.js';
import {
  parsePlaybooksForm,
  parseSupportRiskForm,
  playbooksFormValue,
  supportRiskFormValue,
} from '../../../../src/intelligence/service.js';
import type { Analysis } from '../../../../src/engine/analysis/types.js';

const fieldErrors = (patch: unknown) => {
  try {
    mergeSettings(DEFAULT_SETTINGS, patch);
    return {};
  } catch (err) {
    if (err instanceof SettingsValidationError) return err.fields;
    throw err;
  }
};

const analysis = (
  label: Analysis['sentiment']['label'],
  primary: Analysis['category']['primary'],
): Analysis => ({
  sentiment: { label, score: 10 },
  category: { primary, confidence: 0.9, secondary: [] },
  flags: [],
});

describe('support-risk settings', () => {
  it('defaults: hostile/distressed and legal, cancellation, security categories alert', () => {
    expect(supportRiskReasons(analysis('hostile', 'none'), DEFAULT_SETTINGS)).toEqual([
      'hostile sentiment (10/100)',
    ]);
    expect(supportRiskReasons(analysis('neutral', 'legal_threat'), DEFAULT_SETTINGS)).toEqual([
      'legal threat',
    ]);
    expect(supportRiskReasons(analysis('positive', 'product_bug'), DEFAULT_SETTINGS)).toEqual([]);
  });

  it('are editable and validated field by field', () => {
    const next = mergeSettings(DEFAULT_SETTINGS, {
      supportRisk: { sentiments: ['hostile'], categories: ['refund_request'] },
      playbooks: { refund_request: ['Call Finance'] },
    });
    expect(supportRiskReasons(analysis('distressed', 'refund_request'), next)).toEqual(['refund request']);
    expect(next.playbooks.refund_request).toEqual(['Call Finance']);
    expect(next.playbooks.legal_threat).toEqual(DEFAULT_SETTINGS.playbooks.legal_threat);
    expect(
      fieldErrors({ supportRisk: { sentiments: ['angry'], categories: ['none'] }, playbooks: { nope: [] } }),
    ).toEqual({
      'supportRisk.sentiments': expect.stringContaining('hostile, distressed'),
      'supportRisk.categories': expect.stringContaining('legal_threat'),
      'playbooks.nope': expect.stringContaining('unknown category'),
    });
    expect(fieldErrors({ playbooks: { legal_threat: 'call' } })).toEqual({
      'playbooks.legal_threat': expect.stringContaining('list of up to 10 steps'),
    });
  });

  it('round-trips through the chat settings form fields', () => {
    const next = mergeSettings(DEFAULT_SETTINGS, {
      supportRisk: parseSupportRiskForm(
        supportRiskFormValue(DEFAULT_SETTINGS).replace('hostile, distressed', 'hostile'),
      ),
      playbooks: parsePlaybooksForm('downgrade: Ask why | Show usage'),
    });
    expect(next.supportRisk.sentiments).toEqual(['hostile']);
    expect(next.playbooks.downgrade).toEqual(['Ask why', 'Show usage']);
    expect(playbooksFormValue(next)).toContain('downgrade: Ask why | Show usage');
    expect(fieldErrors({ supportRisk: parseSupportRiskForm('whatever') })).toHaveProperty('supportRisk');
  });
});
