import { describe, expect, it } from 'vitest';
import { highlight } from './highlight';

const kinds = (code: string, lang: string) => highlight(code, lang).filter((token) => token.kind !== 'plain');

describe('highlight', () => {
  it('marks keywords, strings, numbers and comments in C-like code', () => {
    expect(kinds('const x = "a // b"; // note\nreturn 42;', 'ts')).toEqual([
      { kind: 'keyword', text: 'const' },
      { kind: 'string', text: '"a // b"' },
      { kind: 'comment', text: '// note' },
      { kind: 'keyword', text: 'return' },
      { kind: 'number', text: '42' },
    ]);
  });

  it('uses # comments for Python and shell, and no comments for JSON', () => {
    expect(kinds('def f(): # hi', 'python')).toEqual([
      { kind: 'keyword', text: 'def' },
      { kind: 'comment', text: '# hi' },
    ]);
    expect(kinds('{"a": "#x", "b": true}', 'json').map((token) => token.kind)).toEqual([
      'string',
      'string',
      'string',
      'keyword',
    ]);
  });

  it('reproduces the code exactly, even with an unterminated string or comment', () => {
    for (const [code, lang] of [
      ['let s = "open\nnext line', 'js'],
      ['/* never closed', 'c'],
      ['SELECT id FROM t -- done', 'sql'],
      ['x1 = 0x1F + 2.5e3', 'py'],
    ] as const) {
      expect(
        highlight(code, lang)
          .map((token) => token.text)
          .join(''),
      ).toBe(code);
    }
    expect(kinds('x1 = 2', 'py')).toEqual([{ kind: 'number', text: '2' }]);
  });
});
