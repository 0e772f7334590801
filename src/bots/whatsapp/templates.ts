import type { Config } from '../../config.js';
import { encodeActionRef, truncate, type WhatsAppCard } from '../../cards/render/whatsapp.js';

/**
 * Approved message templates, the only messages WhatsApp lets a business send outside the
 * 24-hour customer service window (CHAT.md §4). Names, language and the parameter mapping are
 * configuration; manifests/whatsapp/templates.json holds the definitions to submit for approval.
 */
export interface TemplateConfig {
  alert: string;
  notice: string;
  language: string;
  /** headline | summary | fact:<Title>, one per body variable {{1}}, {{2}}, … */
  alertParams: string[];
  /** Quick-reply buttons of the alert template, in order: acknowledge | snooze | resolve | open. */
  alertButtons: string[];
}

export function templateConfig(config: Config): TemplateConfig {
  return {
    alert: config.WHATSAPP_TEMPLATE_ALERT,
    notice: config.WHATSAPP_TEMPLATE_NOTICE,
    language: config.WHATSAPP_TEMPLATE_LANGUAGE,
    alertParams: config.WHATSAPP_TEMPLATE_ALERT_PARAMS.split(',').map((s) => s.trim()),
    alertButtons: config.WHATSAPP_TEMPLATE_ALERT_BUTTONS.split(',').map((s) => s.trim()),
  };
}

/** "Open" on the template asks for the full card: `fo|<alertId>`. */
export const openPayload = (alertId: string) => `fo|${alertId}`;
export const decodeOpenPayload = (p: string | undefined): string | null =>
  /^fo\|([0-9a-f-]{36})$/.exec(p ?? '')?.[1] ?? null;

/**
 * Template variables cannot hold newlines, tabs or more than four consecutive spaces (Graph API
 * error 132018); a long value is cut so the whole body stays within 1,024 characters.
 */
export function templateText(text: string, max = 300): string {
  const flat = text
    .replace(/[\r\n\t]+/g, ' · ')
    .replace(/ {4,}/g, '   ')
    .trim();
  return truncate(flat || '—', max);
}

export function alertTemplate(t: TemplateConfig, card: WhatsAppCard, summary: string) {
  const value = (source: string): string => {
    if (source === 'headline') return card.headline || summary.split('\n')[0] || 'Alert';
    if (source === 'summary') return summary;
    if (source.startsWith('fact:')) return card.facts[source.slice(5)] ?? '—';
    return '—';
  };
  const components: Record<string, unknown>[] = [
    {
      type: 'body',
      parameters: t.alertParams.map((s) => ({ type: 'text', text: templateText(value(s)) })),
    },
  ];
  if (card.alertId) {
    t.alertButtons.forEach((b, index) => {
      const payload =
        b === 'open'
          ? openPayload(card.alertId!)
          : encodeActionRef({ alertId: card.alertId!, action: b, version: card.version ?? 0 });
      components.push({
        type: 'button',
        sub_type: 'quick_reply',
        index: String(index),
        parameters: [{ type: 'payload', payload }],
      });
    });
  }
  return {
    type: 'template',
    template: { name: t.alert, language: { code: t.language }, components },
  };
}

export function noticeTemplate(t: TemplateConfig, text: string) {
  return {
    type: 'template',
    template: {
      name: t.notice,
      language: { code: t.language },
      components: [{ type: 'body', parameters: [{ type: 'text', text: templateText(text, 900) }] }],
    },
  };
}
