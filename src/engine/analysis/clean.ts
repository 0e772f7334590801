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
  /^(best|kind|warm)?\s*regards,?\s*$/i,
  /^(thanks|thank you|many thanks|cheers|best|sincerely|br),?\s*$/i,
  /^sent from my /i,
];

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
  return kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
