/**
 * `/fincelo escalation test <customer> [usage_threshold|collections|support_risk]` (issue 20 item
 * 7): the escalation dry run as a chat reply — who would be notified when, on which channel, with
 * holds, role channels and fallbacks — for a real customer, sending nothing. Same computation as
 * `POST /api/v1/escalation/dry-run` (src/engine/policy/dry-run.ts).
 */
import type pg from 'pg';
import { ALERT_TYPES, formatWhen, type AlertType, type EngineDeps, type Person } from '../engine/index.js';
import { dryRunSteps } from '../engine/policy/dry-run.js';
import { selectCustomersCPNameByWorkspaceId } from '../store/chat.js';

export const ESCALATION_TEST_USAGE =
  'Try `escalation test Northwind` (optionally followed by usage_threshold, collections or support_risk).';

export async function escalationTestReply(
  deps: { pool: pg.Pool; engine: EngineDeps },
  workspaceId: string,
  person: Person | null,
  arg: string,
): Promise<string> {
  const words = arg.split(/\s+/).filter(Boolean);
  if (words[0]?.toLowerCase() !== 'test') return ESCALATION_TEST_USAGE;
  const last = words[words.length - 1]?.toLowerCase();
  const type: AlertType = (ALERT_TYPES as readonly string[]).includes(last ?? '')
    ? (last as AlertType)
    : 'usage_threshold';
  const name = words.slice(1, type === last ? -1 : undefined).join(' ');
  if (!name) return `Which customer? ${ESCALATION_TEST_USAGE}`;
  if (!person)
    return "I don't know who you are in this workspace yet: ask an admin to add you (with your email) under People.";
  const row = (await selectCustomersCPNameByWorkspaceId(deps.pool, [workspaceId, name])).rows[0];
  if (!row) return `No customer matches "${name}".`;
  const now = deps.engine.clock.now();
  const { customer, steps } = await deps.engine.store.transaction(async (tx) => {
    const c = await tx.customer(workspaceId, String(row.id));
    return { customer: c, steps: c ? await dryRunSteps(deps.engine, tx, c, type, now) : [] };
  });
  if (!customer) return `No customer matches "${name}".`;
  const when = (iso: string) => formatWhen(new Date(iso), person.timezone);
  const lines = [
    `*Escalation dry run* — ${customer.name}, a ${type.replace(/_/g, ' ')} alert raised now. Nothing is sent.`,
  ];
  for (const s of steps) {
    const who = s.channel
      ? s.channel
      : `${s.role}${s.personName ? ` ${s.personName}` : ''}${s.personExternalId ? ` (${s.personExternalId})` : ''}`;
    if (s.skipped) {
      lines.push(`${s.step}. ${who} — skipped: nobody to notify (${when(s.at)})`);
      continue;
    }
    lines.push(
      `${s.step}. ${who} — on ${s.deliverVia} at ${when(s.at)}${s.heldLabel ? ` (${s.heldLabel}, ${s.heldBy?.replace('_', ' ')})` : ''}`,
    );
    if (s.fallback)
      lines.push(`   ↪ if nobody acts: again on ${s.fallback.channel} at ${when(s.fallback.at)}`);
  }
  lines.push('Each step after the first goes out only if nobody has acted on the alert by then.');
  return lines.join('\n');
}
