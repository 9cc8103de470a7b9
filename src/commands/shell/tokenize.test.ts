import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize';

const words = (line: string) => {
  const t = tokenize(line);
  if (!t.ok) throw new Error(t.error);
  return t.list.map((p) => [p.join, ...p.argv]);
};

describe('tokenize: words, quotes and lists as sh reads them', () => {
  it('splits words on blanks, keeps quoted blanks, drops comments', () => {
    expect(words('ip  route add\t10.244.2.2 via 192.168.1.12')).toEqual([[';', 'ip', 'route', 'add', '10.244.2.2', 'via', '192.168.1.12']]);
    expect(words(`echo a\\ b "c d" 'e"f' "g\\"h"`)).toEqual([[';', 'echo', 'a b', 'c d', 'e"f', 'g"h']]);
    expect(words("echo ''")).toEqual([[';', 'echo', '']]);
    expect(words('echo a # ; echo b')).toEqual([[';', 'echo', 'a']]);
    expect(words('echo a#b')).toEqual([[';', 'echo', 'a#b']]);
    expect(words('')).toEqual([]);
  });

  it('keeps the separators that decide whether the next command runs', () => {
    expect(words('false || echo x && echo y; echo z')).toEqual([
      [';', 'false'],
      ['||', 'echo', 'x'],
      ['&&', 'echo', 'y'],
      [';', 'echo', 'z'],
    ]);
    expect(words('a;b')).toEqual([[';', 'a'], [';', 'b']]);
    expect(words('a;')).toEqual([[';', 'a']]);
  });

  it.each([
    ["echo 'a", 'Syntax error: Unterminated quoted string', 'Syntax error: Unterminated quoted string'],
    ['echo "a', 'Syntax error: Unterminated quoted string', 'Syntax error: Unterminated quoted string'],
    ['; echo a', "syntax error near unexpected token `;'", 'Syntax error: ";" unexpected'],
    ['echo a;;echo b', "syntax error near unexpected token `;;'", 'Syntax error: ";;" unexpected'],
    ['&& echo b', "syntax error near unexpected token `&&'", 'Syntax error: "&&" unexpected'],
    ['echo a || || echo b', "syntax error near unexpected token `||'", 'Syntax error: "||" unexpected'],
    ['echo a &&', 'syntax error: unexpected end of file', 'Syntax error: end of file unexpected'],
  ])('%j is refused, in bash words and in dash words (recorded: shell-syntax-errors)', (line, bash, dash) => {
    expect(tokenize(line)).toEqual({ ok: false, error: bash, dash });
  });

  it('never throws, and words never contain an unquoted separator', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: fc.constantFrom(...'ab ;&|\'"\\#\t') }), (line) => {
        const t = tokenize(line);
        if (!t.ok) return;
        for (const p of t.list) {
          expect(p.argv.length).toBeGreaterThan(0);
          expect([';', '&&', '||']).toContain(p.join);
        }
        // without quotes or escapes, the words are exactly the blank-separated pieces
        if (!/['"\\#]/.test(line)) {
          const flat = t.list.flatMap((p) => [p.argv, ...(p.pipeTo ?? [])].flat());
          expect(flat).toEqual(line.split(/;|&&|\|\|?/).flatMap((s) => s.split(/[ \t]+/).filter(Boolean)));
          for (const p of t.list) for (const stage of p.pipeTo ?? []) expect(stage.length).toBeGreaterThan(0);
        }
      }),
      { seed: 77, numRuns: 1000 },
    );
  });
});
