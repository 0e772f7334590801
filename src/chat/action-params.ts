import { localDateTimeToUtc, type ActionName, type ActionParams, type Person } from '../engine/index.js';

/**
 * A card action's inputs (what the person chose or typed on the card, the modal, the dialog or the
 * WhatsApp conversation, plus the scalar data the card's button carried) as the engine's action
 * parameters. One reading for every channel, so a card's Snooze choice, Escalate now note or Log
 * Call outcome means the same wherever it was clicked.
 *
 *  - Schedule Follow-up: `date` + `time` (the actor's time zone) become `dueAt`, unless given.
 *  - Snooze: `until` ("duration" | "next_business_morning" | "customer_reply" | "paid").
 *  - Escalate now / Decline: their note (`escalateNote` / `declineNote` on the card, `note` from
 *    elsewhere; optional); Escalate now's `fromStep` is the step the card
 *    showed, so a click on a card the chain has already moved past is refused.
 */
export function actionParamsFromInputs(
  action: ActionName,
  inputs: Record<string, string | undefined>,
  actor: Pick<Person, 'timezone'>,
): { ok: true; params: ActionParams } | { ok: false; message: string } {
  let dueAt = inputs.dueAt;
  if (action === 'schedule_follow_up' && !dueAt && inputs.date) {
    const utc = localDateTimeToUtc(inputs.date, inputs.time || '09:00', actor.timezone);
    if (!utc) return { ok: false, message: 'That date or time is not valid.' };
    dueAt = utc.toISOString();
  }
  const blank = (v: string | undefined) => (v && v.trim() ? v : undefined);
  const step =
    inputs.fromStep !== undefined && /^-?\d{1,4}$/.test(inputs.fromStep.trim())
      ? Number(inputs.fromStep)
      : undefined;
  return {
    ok: true,
    params: {
      outcome: inputs.outcome,
      notes: inputs.notes,
      title: inputs.title,
      dueAt,
      toPersonId: inputs.toPersonId,
      toPersonExternalId: inputs.toPersonExternalId,
      duration: inputs.duration,
      until: blank(inputs.until),
      // Each note has its own input id on the card (Adaptive Card input ids are unique per card).
      note: blank(
        action === 'escalate_now'
          ? (inputs.escalateNote ?? inputs.note)
          : action === 'decline'
            ? (inputs.declineNote ?? inputs.note)
            : inputs.note,
      ),
      ...(action === 'escalate_now' && step !== undefined ? { fromStep: step } : {}),
    },
  };
}
