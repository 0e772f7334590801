/**
 * CSV/formula injection: a value starting with `=`, `+`, `-` or `@` (or a tab / carriage return,
 * which some spreadsheets skip before evaluating) is read as a formula when the card text is
 * pasted into a sheet or the error report is opened in Excel. Prefixing a single quote makes it
 * text (OWASP "CSV Injection"). Applied wherever uploaded values are echoed back, never to what
 * is stored.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function neutralise(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

/** One CSV field for a file we write (error report): neutralised, quoted when needed. */
export function csvField(value: string): string {
  const v = neutralise(value);
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
