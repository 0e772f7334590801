/**
 * Product text is written once for every channel with Slack-style emphasis (`*bold*`, `` `code` ``)
 * and plain newlines. Teams messages use Markdown, where `*x*` is italics and a single newline is
 * not reliably a line break (learn.microsoft.com/microsoftteams/platform/task-modules-and-cards/
 * cards/cards-format, "Format text in messages"), so emphasis is doubled and lines become paragraphs.
 */
export function teamsText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/(^|[^*\w])\*([^*\n]+?)\*(?![*\w])/g, '$1**$2**'))
    .join('\n\n');
}

/** First line of a text, for notification summaries. */
export function firstLine(text: string, max = 200): string {
  const line = text.split('\n').find((l) => l.trim()) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
