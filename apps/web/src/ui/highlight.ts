/**
 * A tiny syntax highlighter: comments, strings, numbers and keywords, which is most of what makes
 * code readable, for the languages chat answers use most. Unknown languages get the C-like rules.
 */

export type TokenKind = 'plain' | 'keyword' | 'string' | 'number' | 'comment';
export interface Token {
  kind: TokenKind;
  text: string;
}

interface Grammar {
  lineComment: string[];
  blockComment: [string, string] | null;
  quotes: string;
  keywords: ReadonlySet<string>;
}

const words = (list: string) => new Set(list.split(' '));

const C_LIKE = words(
  'abstract as async await break case catch class const continue default delete do else enum export extends false finally for from function if implements import in instanceof interface let new null private protected public return static super switch this throw true try type typeof undefined var void while yield fn pub mut impl struct use match mod func package go defer chan map range int long double float char bool boolean string',
);
const PYTHON = words(
  'and as assert async await break class continue def del elif else except False finally for from global if import in is lambda None nonlocal not or pass raise return True try while with yield self print',
);
const SHELL = words(
  'if then else elif fi for in do done while case esac function return export local echo cd exit set unset source',
);
const SQL = words(
  'select from where and or not insert into values update set delete create table drop alter join left right inner outer on group by order having limit as distinct null primary key index union all',
);

const GRAMMARS: Record<string, Grammar> = {
  c: { lineComment: ['//'], blockComment: ['/*', '*/'], quotes: '"\'`', keywords: C_LIKE },
  python: { lineComment: ['#'], blockComment: null, quotes: '"\'', keywords: PYTHON },
  shell: { lineComment: ['#'], blockComment: null, quotes: '"\'', keywords: SHELL },
  sql: { lineComment: ['--'], blockComment: ['/*', '*/'], quotes: '\'"', keywords: SQL },
  json: { lineComment: [], blockComment: null, quotes: '"', keywords: words('true false null') },
};

const ALIASES: Record<string, string> = {
  py: 'python',
  python: 'python',
  sh: 'shell',
  bash: 'shell',
  shell: 'shell',
  zsh: 'shell',
  console: 'shell',
  yaml: 'shell',
  yml: 'shell',
  sql: 'sql',
  json: 'json',
  jsonl: 'json',
};

export function grammarFor(lang: string): Grammar {
  return GRAMMARS[ALIASES[lang.toLowerCase()] ?? 'c'] as Grammar;
}

export function highlight(code: string, lang: string): Token[] {
  const grammar = grammarFor(lang);
  const tokens: Token[] = [];
  const push = (kind: TokenKind, text: string) => {
    const last = tokens[tokens.length - 1];
    if (last && last.kind === kind) last.text += text;
    else tokens.push({ kind, text });
  };
  const caseInsensitive = grammar.keywords === SQL;
  let at = 0;
  while (at < code.length) {
    const rest = code.slice(at);
    const line = grammar.lineComment.find((marker) => rest.startsWith(marker));
    if (line) {
      const end = code.indexOf('\n', at);
      const stop = end < 0 ? code.length : end;
      push('comment', code.slice(at, stop));
      at = stop;
      continue;
    }
    if (grammar.blockComment && rest.startsWith(grammar.blockComment[0])) {
      const end = code.indexOf(grammar.blockComment[1], at + grammar.blockComment[0].length);
      const stop = end < 0 ? code.length : end + grammar.blockComment[1].length;
      push('comment', code.slice(at, stop));
      at = stop;
      continue;
    }
    const char = code[at] ?? '';
    if (grammar.quotes.includes(char)) {
      let end = at + 1;
      while (end < code.length && code[end] !== char && !(char !== '`' && code[end] === '\n'))
        end += code[end] === '\\' ? 2 : 1;
      const stop = Math.min(code.length, end + 1);
      push('string', code.slice(at, stop));
      at = stop;
      continue;
    }
    const number = /^(?:0x[\da-f]+|\d+(?:\.\d+)?(?:e[+-]?\d+)?)\b/i.exec(rest);
    if (number && !/[\w$]/.test(code[at - 1] ?? '')) {
      push('number', number[0]);
      at += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(rest);
    if (word) {
      const text = word[0];
      push(grammar.keywords.has(caseInsensitive ? text.toLowerCase() : text) ? 'keyword' : 'plain', text);
      at += text.length;
      continue;
    }
    push('plain', char);
    at++;
  }
  return tokens;
}
