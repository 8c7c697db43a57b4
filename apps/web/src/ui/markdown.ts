/**
 * A small Markdown parser for chat answers: the subset models actually write (headings, paragraphs,
 * fenced code, lists, quotes, rules; code spans, bold, italic, links). It builds a tree that React
 * renders as elements, so model output can never inject HTML. An unclosed fence is still code, which
 * keeps a streaming answer stable while its code block is being written.
 */

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] };

export type Block =
  | { type: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'code'; lang: string; text: string }
  | { type: 'list'; ordered: boolean; start: number; items: Inline[][] }
  | { type: 'quote'; children: Block[] }
  | { type: 'rule' };

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const BULLET = /^ {0,3}[-*+]\s+(.*)$/;
const ORDERED = /^ {0,3}(\d{1,9})[.)]\s+(.*)$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;

/** Only these link targets are rendered as links; anything else (javascript:, data:) stays text. */
export function safeHref(href: string): string | null {
  const trimmed = href.trim();
  return /^(https?:|mailto:)/i.test(trimmed) ? trimmed : null;
}

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let index = 0;
  const startsBlock = (line: string) =>
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    BULLET.test(line) ||
    ORDERED.test(line) ||
    QUOTE.test(line);

  while (index < lines.length) {
    const line = lines[index] ?? '';
    if (!line.trim()) {
      index++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1] ?? '```';
      const body: string[] = [];
      index++;
      while (index < lines.length && !(lines[index] ?? '').trimStart().startsWith(marker))
        body.push(lines[index++] ?? '');
      index++; // the closing fence, if any
      blocks.push({ type: 'code', lang: (fence[2] ?? '').toLowerCase(), text: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = (heading[1] ?? '#').length as 1 | 2 | 3 | 4 | 5 | 6;
      blocks.push({ type: 'heading', level, children: parseInline(heading[2] ?? '') });
      index++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ type: 'rule' });
      index++;
      continue;
    }
    if (QUOTE.test(line)) {
      const quoted: string[] = [];
      while (index < lines.length && QUOTE.test(lines[index] ?? ''))
        quoted.push(QUOTE.exec(lines[index++] ?? '')?.[1] ?? '');
      blocks.push({ type: 'quote', children: parseMarkdown(quoted.join('\n')) });
      continue;
    }
    const ordered = ORDERED.exec(line);
    if (ordered || BULLET.test(line)) {
      const pattern = ordered ? ORDERED : BULLET;
      const items: string[] = [];
      while (index < lines.length) {
        const current = lines[index] ?? '';
        const match = pattern.exec(current);
        if (match) items.push(match[ordered ? 2 : 1] ?? '');
        else if (current.trim() && /^\s{2,}/.test(current) && items.length)
          items[items.length - 1] += ` ${current.trim()}`;
        else break;
        index++;
      }
      blocks.push({
        type: 'list',
        ordered: Boolean(ordered),
        start: ordered ? Number(ordered[1]) : 1,
        items: items.map(parseInline),
      });
      continue;
    }
    const paragraph: string[] = [];
    while (
      index < lines.length &&
      (lines[index] ?? '').trim() &&
      !(paragraph.length && startsBlock(lines[index] ?? ''))
    ) {
      paragraph.push((lines[index++] ?? '').trim());
    }
    blocks.push({ type: 'paragraph', children: parseInline(paragraph.join('\n')) });
  }
  return blocks;
}

/** Finds the closing delimiter of an emphasis run, not counting escaped or code-span characters. */
function closing(text: string, from: number, delimiter: string): number {
  for (let at = from; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === '`') {
      const end = text.indexOf('`', at + 1);
      if (end < 0) return -1;
      at = end;
    } else if (text.startsWith(delimiter, at) && at > from) return at;
  }
  return -1;
}

export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let buffer = '';
  const flush = () => {
    if (buffer) out.push({ type: 'text', text: buffer });
    buffer = '';
  };
  let at = 0;
  while (at < text.length) {
    const char = text[at] ?? '';
    if (char === '\\' && at + 1 < text.length && /[\\`*_[\]()#>-]/.test(text[at + 1] ?? '')) {
      buffer += text[at + 1];
      at += 2;
      continue;
    }
    if (char === '`') {
      const end = text.indexOf('`', at + 1);
      if (end > at) {
        flush();
        out.push({ type: 'code', text: text.slice(at + 1, end) });
        at = end + 1;
        continue;
      }
    }
    if (text.startsWith('**', at) || text.startsWith('__', at)) {
      const delimiter = text.slice(at, at + 2);
      const end = closing(text, at + 2, delimiter);
      if (end > at + 2) {
        flush();
        out.push({ type: 'strong', children: parseInline(text.slice(at + 2, end)) });
        at = end + 2;
        continue;
      }
    }
    if ((char === '*' || char === '_') && text[at + 1] !== ' ' && !(char === '_' && /\w/.test(text[at - 1] ?? ''))) {
      const end = closing(text, at + 1, char);
      if (end > at + 1 && text[end - 1] !== ' ') {
        flush();
        out.push({ type: 'em', children: parseInline(text.slice(at + 1, end)) });
        at = end + 1;
        continue;
      }
    }
    if (char === '[') {
      const link = /^\[([^\]]+)\]\(([^)\s]+)\)/.exec(text.slice(at));
      const href = link ? safeHref(link[2] ?? '') : null;
      if (link && href) {
        flush();
        out.push({ type: 'link', href, children: parseInline(link[1] ?? '') });
        at += link[0].length;
        continue;
      }
    }
    buffer += char;
    at++;
  }
  flush();
  return out;
}
