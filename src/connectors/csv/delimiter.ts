export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export const DELIMITER_NAMES: Record<Delimiter, string> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'pipe',
};

/**
 * Picks the delimiter from the first lines of text: the candidate that splits the header into
 * the most columns and every following sample record into the same number (quotes respected, so
 * a comma inside a quoted description does not count). Ties favour the order of DELIMITERS.
 */
export function detectDelimiter(text: string): Delimiter {
  let best: Delimiter = ',';
  let bestScore = -1;
  for (const d of DELIMITERS) {
    const counts = recordFieldCounts(text, d, 20);
    if (!counts.length || counts[0]! < 2) continue;
    const header = counts[0]!;
    const consistent = counts.filter((c) => c === header).length / counts.length;
    const score = consistent * 1000 + Math.min(header, 999);
    if (score > bestScore) {
      bestScore = score;
      best = d;
    }
  }
  return best;
}

/** Field counts of the first `max` records, honouring double quotes (the last, maybe cut, record is dropped). */
function recordFieldCounts(text: string, d: string, max: number): number[] {
  const out: number[] = [];
  let fields = 1;
  let inQuotes = false;
  let nonEmpty = false;
  for (let i = 0; i < text.length && out.length < max; i++) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      }
    } else if (c === '"') {
      inQuotes = true;
      nonEmpty = true;
    } else if (c === d) {
      fields++;
      nonEmpty = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (nonEmpty) out.push(fields);
      fields = 1;
      nonEmpty = false;
    } else nonEmpty = true;
  }
  return out;
}
