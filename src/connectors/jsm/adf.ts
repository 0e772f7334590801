/**
 * Atlassian Document Format (ADF) → plain text. Jira Cloud's REST API v3 returns `description` and
 * comment bodies as ADF JSON (developer.atlassian.com/cloud/jira/platform/apis/document/structure/):
 * a `doc` whose `content` holds block nodes (paragraph, heading, bulletList, orderedList, codeBlock,
 * blockquote, panel, table, rule, mediaSingle…) and inline nodes (text with marks, hardBreak,
 * mention, emoji, inlineCard, date, status). Unknown nodes fall back to their children's text, so a
 * node type Atlassian adds later still yields its words.
 */

export interface AdfNode {
  type: string;
  text?: string;
  attrs?: Record<string, unknown>;
  marks?: { type: string; attrs?: Record<string, unknown> }[];
  content?: AdfNode[];
}

/** Converts an ADF document (or any ADF node) to plain text; strings pass through unchanged. */
export function adfToText(doc: unknown): string {
  if (doc == null) return '';
  if (typeof doc === 'string') return doc.trim();
  if (typeof doc !== 'object') return '';
  return tidy(block(doc as AdfNode, ''));
}

/** Collapses runs of blank lines the block joins leave behind. */
function tidy(s: string): string {
  return s
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function children(n: AdfNode): AdfNode[] {
  return Array.isArray(n.content) ? n.content : [];
}

/** Renders block-level content: blocks separated by a blank line, each line prefixed by `indent`. */
function blocks(nodes: AdfNode[], indent: string, sep = '\n\n'): string {
  return nodes
    .map((c) => block(c, indent))
    .filter((s) => s.length > 0)
    .join(sep);
}

function block(n: AdfNode, indent: string): string {
  switch (n.type) {
    case 'doc':
    case 'panel':
    case 'expand':
    case 'nestedExpand':
    case 'layoutSection':
    case 'layoutColumn':
    case 'mediaSingle':
    case 'mediaGroup':
      return blocks(children(n), indent);
    case 'paragraph':
    case 'heading':
      return prefix(inline(children(n)), indent);
    case 'bulletList':
      return list(n, indent, () => '- ');
    case 'orderedList': {
      const start = typeof n.attrs?.order === 'number' ? n.attrs.order : 1;
      return list(n, indent, (i) => `${start + i}. `);
    }
    case 'taskList':
      return list(n, indent, (_i, item) => (item.attrs?.state === 'DONE' ? '[x] ' : '[ ] '));
    case 'decisionList':
      return list(n, indent, () => '- ');
    case 'codeBlock':
      // Code keeps its line breaks and spacing; no markdown fences in a plain-text body.
      return prefix(children(n).map(rawText).join(''), indent);
    case 'blockquote':
      return blocks(children(n), indent + '> ');
    case 'rule':
      return prefix('---', indent);
    case 'table':
      return children(n)
        .map((row) =>
          children(row)
            .map((cell) => blocks(children(cell), '').replace(/\n+/g, ' '))
            .join(' | '),
        )
        .map((line) => prefix(line, indent))
        .join('\n');
    case 'media':
      return '';
    default:
      // Inline content at block level, or a node type we do not know: keep its text.
      if (n.text !== undefined || isInline(n)) return prefix(inline([n]), indent);
      return blocks(children(n), indent);
  }
}

function list(n: AdfNode, indent: string, marker: (i: number, item: AdfNode) => string): string {
  return children(n)
    .map((item, i) => {
      const m = marker(i, item);
      // taskItem/decisionItem hold inline content directly.
      if (item.type === 'taskItem' || item.type === 'decisionItem')
        return indent + m + inline(children(item));
      // A listItem holds blocks (its text, a nested list): consecutive lines, indented under the
      // marker; the first line takes the marker's place.
      const pad = indent + ' '.repeat(m.length);
      const body = blocks(children(item), pad, '\n');
      return indent + m + (body.startsWith(pad) ? body.slice(pad.length) : body);
    })
    .join('\n');
}

function prefix(text: string, indent: string): string {
  if (!indent) return text;
  return text
    .split('\n')
    .map((l) => indent + l)
    .join('\n');
}

const INLINE = new Set([
  'text',
  'hardBreak',
  'mention',
  'emoji',
  'inlineCard',
  'date',
  'status',
  'placeholder',
]);

function isInline(n: AdfNode): boolean {
  return INLINE.has(n.type);
}

function rawText(n: AdfNode): string {
  if (typeof n.text === 'string') return n.text;
  if (n.type === 'hardBreak') return '\n';
  return children(n).map(rawText).join('');
}

function inline(nodes: AdfNode[]): string {
  return nodes.map(inlineNode).join('');
}

function inlineNode(n: AdfNode): string {
  const a = n.attrs ?? {};
  switch (n.type) {
    case 'text': {
      const text = n.text ?? '';
      const link = n.marks?.find((m) => m.type === 'link');
      const href = typeof link?.attrs?.href === 'string' ? link.attrs.href : null;
      // A link whose text is not already its address keeps the address, so the reader can follow it.
      return href && href !== text ? `${text} (${href})` : text;
    }
    case 'hardBreak':
      return '\n';
    case 'mention': {
      // attrs.text is "@Display Name" as Jira renders it; the id alone means nothing to a reader.
      const t = typeof a.text === 'string' && a.text ? a.text : null;
      return t ? (t.startsWith('@') ? t : `@${t}`) : '@user';
    }
    case 'emoji':
      return typeof a.text === 'string' && a.text
        ? a.text
        : typeof a.shortName === 'string'
          ? a.shortName
          : '';
    case 'inlineCard':
    case 'blockCard':
      return typeof a.url === 'string' ? a.url : '';
    case 'date': {
      const ts = Number(a.timestamp);
      return Number.isFinite(ts) ? new Date(ts).toISOString().slice(0, 10) : '';
    }
    case 'status':
      return typeof a.text === 'string' ? `[${a.text}]` : '';
    case 'placeholder':
      return '';
    default:
      return typeof n.text === 'string' ? n.text : inline(children(n));
  }
}
