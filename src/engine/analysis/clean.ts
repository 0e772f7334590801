/**
 * Reduces a ticket body to what the customer wrote this time: HTML to text, quoted replies and
 * signatures removed. Quoted vendor replies ("Thanks for reaching out!") would otherwise read as
 * positive, and signatures add names and phone numbers the classifiers should never learn from.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

export function htmlToPlain(html: string): string {
  if (!/<[a-z!/][^>]*>/i.test(html)) return html;
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<blockquote[\s\S]*?<\/blockquote>/gi, '\n')
    .replace(/<div class="gmail_quote"[\s\S]*$/i, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h\d)>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#\d+|[a-z]+);/gi, (m, e: string) =>
      e.startsWith('#') ? String.fromCharCode(Number(e.slice(1))) : (ENTITIES[e.toLowerCase()] ?? m),
    );
}

/** Lines that start a quoted earlier message; everything from there on is dropped. */
const QUOTE_START = [
  /^on .{4,120} wrote:\s*$/i,
  /^-{2,}\s*original message\s*-{2,}/i,
  /^from: .+/i,
  /^_{5,}\s*$/,
];
/** Lines that start a signature block. */
const SIGNATURE_START = [
  /^--\s*$/,
  /^(best|kind|kindest|warm|warmest)?\s*regards,?\s*$/i,
  /^(thanks|thank you|many thanks|thanks again|cheers|best|sincerely|br|warmly|talk soon|yours|all the best|best wishes|respectfully|yours sincerely|yours faithfully),?\s*$/i,
  // "Best, Carla" / "Thanks, Jo": a sign-off and a first name on one line.
  /^(?:[Bb]est|[Rr]egards|[Kk]ind regards|[Tt]hanks|[Tt]hank you|[Cc]heers|[Ww]armly|BR),\s+[A-Z][\w.'-]*(?:\s[A-Z][\w.'-]*)?$/,
  /^sent from my /i,
];

/**
 * A signature without a sign-off line: the last paragraph of a few short, title-cased lines
 * ("Daniel Okafor / Head of Revenue Operations, Kestrel Payments"). Its words are the sender's
 * name, job title and company, which raised flags and categories on their own ("… Legal Services",
 * "Billing Manager", "Payments Ltd").
 */
const MAX_SIGNATURE_LINES = 5;
function isSignatureLine(line: string): boolean {
  if (!line || line.length > 80 || /[.?!:;]$/.test(line)) return false;
  if (/^(\+?[\d ()-]{7,}|[\w.+-]+@[\w.-]+|https?:\/\/\S+|www\.\S+)$/i.test(line)) return true;
  const words = line.split(/\s+/).filter((w) => /[A-Za-z]/.test(w));
  if (!words.length || words.length > 8) return false;
  const capitalised = words.filter(
    (w) => /^[A-Z\u00C0-\u024F]/.test(w) || /^(of|and|&|at|for|the|de|van|von)$/.test(w),
  );
  return capitalised.length === words.length;
}
function dropTrailingSignature(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && !lines[end - 1]) end--;
  let start = end;
  while (
    start > 0 &&
    end - start < MAX_SIGNATURE_LINES &&
    lines[start - 1] &&
    isSignatureLine(lines[start - 1]!)
  )
    start--;
  // Only a separate block of two or more lines after the message (a one-line last paragraph may
  // be the message itself: "Please fix this ASAP").
  if (end - start >= 2 && start > 0 && !lines[start - 1]) return lines.slice(0, start);
  return lines;
}

export function cleanBody(body: string): string {
  const lines = htmlToPlain(body).replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (QUOTE_START.some((r) => r.test(line))) break;
    if (SIGNATURE_START.some((r) => r.test(line))) break;
    if (line.startsWith('>')) continue;
    kept.push(line);
  }
  return dropTrailingSignature(kept)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
