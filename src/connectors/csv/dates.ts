/** How a column writes its dates; `auto` guesses per value where unambiguous. */
export type DayOrder = 'mdy' | 'dmy';

/**
 * Month names and abbreviations as exports print them in English, Spanish, French, German and
 * Portuguese (Jira `10/nov/25`, `22/Sep/25`; Freshdesk/HappyFox `09 Oct 2025`), looked up in lower
 * case without accents or a trailing dot (`févr.` → `fevr`, `März` → `marz`).
 */
const MONTH_NAMES: [number, string[]][] = [
  [1, ['jan', 'january', 'ene', 'enero', 'janv', 'janvier', 'januar', 'jän', 'janeiro']],
  [2, ['feb', 'february', 'febrero', 'fév', 'févr', 'février', 'februar', 'fev', 'fevereiro']],
  [3, ['mar', 'march', 'marzo', 'mars', 'mär', 'märz', 'mrz', 'março']],
  [4, ['apr', 'april', 'abr', 'abril', 'avr', 'avril']],
  [5, ['may', 'mayo', 'mai', 'maio']],
  [6, ['jun', 'june', 'junio', 'juin', 'juni', 'junho']],
  [7, ['jul', 'july', 'julio', 'juil', 'juillet', 'juli', 'julho']],
  [8, ['aug', 'august', 'ago', 'agosto', 'août', 'aout']],
  [9, ['sep', 'sept', 'september', 'septiembre', 'set', 'septembre', 'setembro']],
  [10, ['oct', 'october', 'octubre', 'octobre', 'okt', 'oktober', 'out', 'outubro']],
  [11, ['nov', 'november', 'noviembre', 'novembre', 'novembro']],
  [12, ['dec', 'december', 'dic', 'diciembre', 'déc', 'décembre', 'dez', 'dezember', 'dezembro']],
];
const foldMonth = (m: string) =>
  m
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\.$/, '');
const MONTHS: Record<string, number> = Object.fromEntries(
  MONTH_NAMES.flatMap(([n, names]) => names.map((name) => [foldMonth(name), n])),
);
const MONTH = '(\\p{L}{3,10}\\.?)';

/**
 * Zone offsets with one cached formatter per zone: building an Intl.DateTimeFormat costs far more
 * than formatting (a 10 MB export has ~70,000 dates), so engine/local-time's per-call formatter is
 * not reused here.
 */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function offsetAt(at: number, timeZone: string): number {
  let f = FORMATTERS.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    FORMATTERS.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(at)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return asUtc - Math.floor(at / 1000) * 1000;
}

/** A wall-clock time in `timeZone` as a UTC instant (around DST changes, the earlier match). */
function zonedToUtc(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  timeZone: string,
): Date | null {
  const wallMs = Date.UTC(y, mo - 1, d, h, mi, s);
  if (timeZone === 'UTC') return new Date(wallMs);
  try {
    let guess = wallMs - offsetAt(wallMs, timeZone);
    guess = wallMs - offsetAt(guess, timeZone);
    return new Date(guess);
  } catch {
    return null;
  }
}

function wall(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  timeZone: string,
): Date | null {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const out = zonedToUtc(y, mo, d, h, mi, s, timeZone);
  if (!out) return null;
  // Reject 31 February and friends (Date.UTC rolls them over).
  const check = new Date(Date.UTC(y, mo - 1, d));
  return check.getUTCMonth() === mo - 1 ? out : null;
}

function hour12(h: number, ampm: string | undefined): number {
  if (!ampm) return h;
  const pm = ampm.toLowerCase().replace(/\./g, '') === 'pm';
  if (h === 12) return pm ? 12 : 0;
  return pm ? h + 12 : h;
}

const fullYear = (y: number) => (y < 100 ? 2000 + y : y);

const ISO_ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const ISO_LOCAL =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(?:\s*(?:UTC|GMT|Z))?$/i;
/** Jira: `09/Oct/25 1:42 PM` (also with a 4-digit year, or 24-hour). */
const JIRA = new RegExp(
  `^(\\d{1,2})\\/${MONTH}\\/(\\d{2,4})(?:\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*([AaPp]\\.?[Mm]\\.?)?)?$`,
  'u',
);
/** Freshdesk, HappyFox and report exports: `09 Oct 2025 01:42 PM`, `9-Oct-2025 13:42`, `9 oct. 2025`. */
const DAY_MONTH = new RegExp(
  `^(\\d{1,2})[ -]${MONTH}[ -](\\d{2,4}),?(?:\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*([AaPp]\\.?[Mm]\\.?)?)?$`,
  'u',
);
/** US long form: `Oct 9, 2025 1:42 PM`, `October 09 2025`. */
const MONTH_DAY = new RegExp(
  `^${MONTH} (\\d{1,2}),? (\\d{4}),?(?:\\s+(\\d{1,2}):(\\d{2})(?::(\\d{2}))?\\s*([AaPp]\\.?[Mm]\\.?)?)?$`,
  'u',
);
/** 10/9/2025 1:42 PM, 09.10.2025 13:42, 9-10-2025 — the day order decides. */
const NUMERIC =
  /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$/;
/** ServiceNow display values are `yyyy-MM-dd HH:mm:ss` by default; handled by ISO_LOCAL. */

export interface DateParseOptions {
  timeZone: string;
  /** For all-numeric dates whose day and month are both ≤ 12. */
  dayOrder?: DayOrder;
}

/**
 * Parses one cell as a date: ISO 8601 with a zone as is; zone-less values (Jira, ServiceNow
 * display values, Zendesk, US/EU numeric dates) as wall-clock time in the workspace time zone,
 * which is how those exports print them (in the exporting user's zone — the closest we know).
 */
export function parseDate(raw: string, opts: DateParseOptions): Date | null {
  const v = raw.trim();
  if (!v) return null;
  if (ISO_ZONED.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : new Date(t);
  }
  let m = ISO_LOCAL.exec(v);
  if (m) {
    const date = wall(
      +m[1]!,
      +m[2]!,
      +m[3]!,
      +(m[4] ?? 0),
      +(m[5] ?? 0),
      +(m[6] ?? 0),
      /(UTC|GMT|Z)$/i.test(v) ? 'UTC' : opts.timeZone,
    );
    return date;
  }
  m = JIRA.exec(v) ?? DAY_MONTH.exec(v);
  if (m) {
    const mo = MONTHS[foldMonth(m[2]!)];
    if (!mo) return null;
    return wall(
      fullYear(+m[3]!),
      mo,
      +m[1]!,
      hour12(+(m[4] ?? 0), m[7]),
      +(m[5] ?? 0),
      +(m[6] ?? 0),
      opts.timeZone,
    );
  }
  m = MONTH_DAY.exec(v);
  if (m) {
    const mo = MONTHS[foldMonth(m[1]!)];
    if (!mo) return null;
    return wall(+m[3]!, mo, +m[2]!, hour12(+(m[4] ?? 0), m[7]), +(m[5] ?? 0), +(m[6] ?? 0), opts.timeZone);
  }
  m = NUMERIC.exec(v);
  if (m) {
    const a = +m[1]!;
    const b = +m[2]!;
    let order = opts.dayOrder ?? 'mdy';
    if (a > 12 && b <= 12) order = 'dmy';
    else if (b > 12 && a <= 12) order = 'mdy';
    const [d, mo] = order === 'dmy' ? [a, b] : [b, a];
    return wall(
      fullYear(+m[3]!),
      mo,
      d,
      hour12(+(m[4] ?? 0), m[7]),
      +(m[5] ?? 0),
      +(m[6] ?? 0),
      opts.timeZone,
    );
  }
  return null;
}

/** True when the cell looks like a date (content-based mapping). */
export function looksLikeDate(raw: string): boolean {
  const v = raw.trim();
  return (
    ISO_ZONED.test(v) ||
    ISO_LOCAL.test(v) ||
    NUMERIC.test(v) ||
    [JIRA, DAY_MONTH].some((re) => MONTHS[foldMonth(re.exec(v)?.[2] ?? '')] !== undefined) ||
    MONTHS[foldMonth(MONTH_DAY.exec(v)?.[1] ?? '')] !== undefined
  );
}

/**
 * The day order of a column from its values: any first part > 12 means day-first, any second
 * part > 12 month-first; null when every sample is ambiguous (the vendor default applies).
 */
export function inferDayOrder(values: Iterable<string>): DayOrder | null {
  let dmy = 0;
  let mdy = 0;
  for (const raw of values) {
    const m = NUMERIC.exec(raw.trim());
    if (!m) continue;
    if (+m[1]! > 12) dmy++;
    else if (+m[2]! > 12) mdy++;
  }
  if (dmy && !mdy) return 'dmy';
  if (mdy && !dmy) return 'mdy';
  return null;
}
