import { truncate, WHATSAPP_LIMITS } from '../../cards/render/whatsapp.js';

/**
 * Choices as a WhatsApp list: at most 10 rows per message (CHAT.md §4), so a longer list is paged
 * — 9 choices and a "More…" row. Rows carry the choice's index (`dc|<i>`), which the dialog state
 * maps back to the value; a typed number or label is accepted too.
 */
export type Choice = [value: string, label: string];

const PAGE = WHATSAPP_LIMITS.rows - 1;

export function choiceList(
  body: string,
  choices: Choice[],
  page = 0,
  button = 'Choose',
): Record<string, unknown> {
  const paged = choices.length > WHATSAPP_LIMITS.rows;
  const start = paged ? page * PAGE : 0;
  const slice = paged ? choices.slice(start, start + PAGE) : choices;
  const rows: Record<string, unknown>[] = slice.map(([, label], i) => {
    const row: Record<string, unknown> = {
      id: `dc|${start + i}`,
      title: truncate(label, WHATSAPP_LIMITS.rowTitle),
    };
    if ([...label].length > WHATSAPP_LIMITS.rowTitle)
      row.description = truncate(label, WHATSAPP_LIMITS.rowDescription);
    return row;
  });
  if (paged) {
    const last = start + PAGE >= choices.length;
    rows.push({
      id: `dp|${last ? 0 : page + 1}`,
      title: last ? 'Back to the start' : 'More…',
      description: `${start + 1}–${start + slice.length} of ${choices.length}`,
    });
  }
  return {
    type: 'interactive',
    interactive: {
      type: 'list',
      body: { text: truncate(body, WHATSAPP_LIMITS.body) },
      action: { button: truncate(button, WHATSAPP_LIMITS.button), sections: [{ title: 'Choices', rows }] },
    },
  };
}

export type ChoiceAnswer = { choice: Choice } | { page: number } | null;

/** Reads a list reply or a typed answer ("2", "Alex CSM", "alex") against the choices. */
export function readChoice(
  choices: Choice[],
  replyId: string | undefined,
  text: string | undefined,
): ChoiceAnswer {
  const dc = /^dc\|(\d+)$/.exec(replyId ?? '');
  if (dc) {
    const c = choices[Number(dc[1])];
    return c ? { choice: c } : null;
  }
  const dp = /^dp\|(\d+)$/.exec(replyId ?? '');
  if (dp) return { page: Number(dp[1]) };
  const t = (text ?? '').trim().toLowerCase();
  if (!t) return null;
  if (/^\d+$/.test(t)) {
    const c = choices[Number(t) - 1];
    return c ? { choice: c } : null;
  }
  const exact = choices.find(([v, l]) => l.toLowerCase() === t || v.toLowerCase() === t);
  if (exact) return { choice: exact };
  const partial = choices.filter(([, l]) => l.toLowerCase().includes(t));
  return partial.length === 1 ? { choice: partial[0]! } : null;
}
