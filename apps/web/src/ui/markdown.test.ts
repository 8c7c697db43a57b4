import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref } from './markdown';

describe('parseMarkdown', () => {
  it('reads headings, paragraphs, lists, quotes and rules', () => {
    const blocks = parseMarkdown(
      '# Title\n\nSome text\nthat wraps.\n\n- one\n- two\n\n3. three\n4. four\n\n> quoted\n\n---',
    );
    expect(blocks.map((block) => block.type)).toEqual(['heading', 'paragraph', 'list', 'list', 'quote', 'rule']);
    expect(blocks[1]).toEqual({ type: 'paragraph', children: [{ type: 'text', text: 'Some text\nthat wraps.' }] });
    expect(blocks[2]).toMatchObject({ ordered: false, items: [[{ text: 'one' }], [{ text: 'two' }]] });
    expect(blocks[3]).toMatchObject({ ordered: true, start: 3 });
  });

  it('keeps code blocks verbatim with their language, and treats an unclosed fence as code', () => {
    expect(parseMarkdown('```TS\nconst a = **b**;\n```\nafter')).toEqual([
      { type: 'code', lang: 'ts', text: 'const a = **b**;' },
      { type: 'paragraph', children: [{ type: 'text', text: 'after' }] },
    ]);
    // While an answer streams, its code block is not closed yet: it must not turn into paragraphs.
    expect(parseMarkdown('```py\nprint(1)\n# not a heading')).toEqual([
      { type: 'code', lang: 'py', text: 'print(1)\n# not a heading' },
    ]);
  });

  it('ends a paragraph where a list or fence starts', () => {
    expect(parseMarkdown('Steps:\n- a\n- b').map((block) => block.type)).toEqual(['paragraph', 'list']);
    expect(parseMarkdown('Run:\n```\nnpm start\n```').map((block) => block.type)).toEqual(['paragraph', 'code']);
  });
});

describe('parseInline', () => {
  it('reads code spans, bold, italic and links', () => {
    expect(parseInline('use `npm **i**`, **bold _and_ it**, *em* and [docs](https://x.dev)')).toEqual([
      { type: 'text', text: 'use ' },
      { type: 'code', text: 'npm **i**' },
      { type: 'text', text: ', ' },
      {
        type: 'strong',
        children: [
          { type: 'text', text: 'bold ' },
          { type: 'em', children: [{ type: 'text', text: 'and' }] },
          { type: 'text', text: ' it' },
        ],
      },
      { type: 'text', text: ', ' },
      { type: 'em', children: [{ type: 'text', text: 'em' }] },
      { type: 'text', text: ' and ' },
      { type: 'link', href: 'https://x.dev', children: [{ type: 'text', text: 'docs' }] },
    ]);
  });

  it('leaves unmatched markers, snake_case and escapes as text', () => {
    expect(parseInline('2 * 3 = 6 and snake_case_name \\*literal\\*')).toEqual([
      { type: 'text', text: '2 * 3 = 6 and snake_case_name *literal*' },
    ]);
  });

  it('never renders script or data links as links', () => {
    expect(parseInline('[click](javascript:alert(1))')).toEqual([
      { type: 'text', text: '[click](javascript:alert(1))' },
    ]);
    expect(safeHref('data:text/html,hi')).toBeNull();
    expect(safeHref('mailto:a@b.c')).toBe('mailto:a@b.c');
  });
});
