import type { AdaptiveCardJson } from '../alert-card.js';

/**
 * Microsoft Teams renders the shared Adaptive Card (schema 1.5) natively; this renderer only adds
 * what Teams-specific clients need on top of the template:
 *
 * - an `Action.Submit` fallback on every `Action.Execute`, because clients without Universal Actions
 *   skip (or break on) `Action.Execute`; Microsoft's advice is "define Action.Execute with an
 *   Action.Submit in the fallback property" (learn.microsoft.com/microsoftteams/platform/
 *   task-modules-and-cards/cards/universal-actions-for-adaptive-cards/work-with-universal-actions-for-adaptive-cards).
 *   The submit arrives as a `message` activity whose `value` is the data plus the inputs, which the
 *   bot handles exactly like the invoke;
 * - a `refresh` (Action.Execute, verb `refresh`) so the listed users' clients fetch the current card
 *   whenever they display it. Teams honours at most 60 `userIds`; without `userIds` the refresh is
 *   automatic only in conversations of up to 60 members (same page, "User Specific Views");
 * - `msteams.width = 'Full'`, so the facts are not squeezed into Teams' narrow default card width.
 */
export interface TeamsCardOptions {
  /** Teams user ids (`29:…`) whose clients refresh the card automatically when they show it. */
  refreshUserIds?: string[];
}

export const REFRESH_VERB = 'refresh';
/** Teams ignores refresh.userIds beyond 60 entries (Universal Actions, "User Specific Views"). */
const MAX_REFRESH_USERS = 60;

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The shared card as Teams should receive it (a new object; the input is not modified). */
export function renderTeamsCard(card: AdaptiveCardJson, opts: TeamsCardOptions = {}): AdaptiveCardJson {
  const out = structuredClone(card) as Json;
  const firstData = addSubmitFallbacks(out);
  if (firstData && typeof firstData.alertId === 'string') {
    const userIds = [...new Set(opts.refreshUserIds ?? [])].slice(0, MAX_REFRESH_USERS);
    out.refresh = {
      action: {
        type: 'Action.Execute',
        verb: REFRESH_VERB,
        data: { alertId: firstData.alertId, action: REFRESH_VERB, version: firstData.version },
      },
      ...(userIds.length ? { userIds } : {}),
    };
  }
  out.msteams = { ...(isObject(out.msteams) ? out.msteams : {}), width: 'Full' };
  return out;
}

/**
 * Gives every Action.Execute (top level and inside Action.ShowCard cards) an Action.Submit fallback
 * carrying the same data plus its verb; returns the data of the first one (the alert reference).
 */
export function addSubmitFallbacks(node: unknown): Json | null {
  let first: Json | null = null;
  const visit = (n: unknown): void => {
    if (Array.isArray(n)) return n.forEach(visit);
    if (!isObject(n)) return;
    if (n.type === 'Action.Execute') {
      const data = isObject(n.data) ? n.data : {};
      first ??= data;
      if (!n.fallback) {
        n.fallback = {
          type: 'Action.Submit',
          title: n.title,
          ...(n.style ? { style: n.style } : {}),
          ...(n.associatedInputs ? { associatedInputs: n.associatedInputs } : {}),
          data: { ...data, verb: n.verb },
        };
      }
    }
    for (const [k, v] of Object.entries(n)) if (k !== 'fallback') visit(v);
  };
  visit(node);
  return first;
}
