import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAll, ShellSyntaxError } from './parse';

const dashError = (src: string): string | null => {
  try {
    parseAll(src);
    return null;
  } catch (e) {
    if (!(e instanceof ShellSyntaxError)) throw e;
    return `${e.line}: ${e.dash}`;
  }
};

const bashError = (src: string): string | null => {
  try {
    parseAll(src, 'bash');
    return null;
  } catch (e) {
    if (!(e instanceof ShellSyntaxError)) throw e;
    return e.bash;
  }
};

const PIECES = [...'ab $(){}`\'"\\;&|<>#!*\n=-', 'if', 'then', 'fi', 'do', 'done', 'case', 'esac', 'for', 'in', '))', '${', '$(('];

describe('parser: dash’s grammar and its words for what is wrong (checked against dash -n)', () => {
  it.each([
    ['done', '1: Syntax error: "done" unexpected'],
    ['for i in 1 2; do echo $i', '1: Syntax error: end of file unexpected (expecting "done")'],
    ['if true; then echo x; fi fi', '1: Syntax error: "fi" unexpected'],
    ['if true; echo', '1: Syntax error: end of file unexpected (expecting "then")'],
    ['echo >', '1: Syntax error: end of file unexpected'],
    ['echo > ;', '1: Syntax error: ";" unexpected'],
    ['for 1 in a; do :; done', '1: Syntax error: Bad for loop variable'],
    ['echo $((1+', "1: Syntax error: Missing '))'"],
    ['echo ${x', "1: Syntax error: Missing '}'"],
    ['echo $(echo', '1: Syntax error: end of file unexpected (expecting ")")'],
    ['echo `echo', '1: Syntax error: EOF in backquote substitution'],
    ['(', '1: Syntax error: end of file unexpected (expecting ")")'],
    ['echo a |', '1: Syntax error: end of file unexpected'],
    ['{ echo', '1: Syntax error: end of file unexpected (expecting "}")'],
    ['echo a & & echo', '1: Syntax error: "&" unexpected'],
    ["echo 'a", '1: Syntax error: Unterminated quoted string'],
    ['for in; do done', '1: Syntax error: "done" unexpected'],
    ['if then fi', '1: Syntax error: "then" unexpected'],
    ['! ! true', '1: Syntax error: "!" unexpected'],
    ['echo a;;echo b', '1: Syntax error: ";;" unexpected'],
    ['case x in a) echo;;', '1: Syntax error: end of file unexpected (expecting ")")'],
    ['1f() { :; }', '1: Syntax error: Bad function name'],
    ['exit() { :; }', '1: Syntax error: Bad function name'],
    ['echo a\ndone', '2: Syntax error: "done" unexpected'],
  ])('%j', (src, msg) => {
    expect(dashError(src)).toBe(msg);
  });

  it('accepts what dash accepts', () => {
    for (const src of ['f() echo', 'for i do echo; done', 'case x in esac', 'case x in (a|b) ;; *) echo;; esac', 'echo a # ; echo b', 'a=1 b=2', 'x=$(case a in a) echo;; esac)', 'echo ${x:-a b} "${y#*/}"', 'while :; do break; done > f 2>&1', 'cat <<EOF\n$x\nEOF\n']) {
      expect(dashError(src), src).toBeNull();
    }
  });

  it('says it in bash’s words for a terminal', () => {
    expect(bashError('done')).toBe("syntax error near unexpected token `done'");
    // a terminal line ends in a newline
    expect(bashError('echo >\n')).toBe("syntax error near unexpected token `newline'");
    expect(bashError('for i in 1; do echo')).toBe('syntax error: unexpected end of file');
    expect(bashError('echo a &> f')).toBeNull();
  });

  it('reads redirections with their descriptors, and here-documents after the line', () => {
    const [n] = parseAll('cmd 2>&1 >>log <in 3<>rw\n');
    expect(n).toMatchObject({ t: 'simple', redirs: [{ fd: 2, op: '>&' }, { fd: 1, op: '>>' }, { fd: 0, op: '<' }, { fd: 3, op: '<>' }] });
    const [h] = parseAll("cat <<'EOF' >out\n$x\nEOF\n");
    expect(h).toMatchObject({ t: 'simple', redirs: [{ op: '<<', heredoc: { literal: true, body: [{ k: 'sq', s: '$x\n' }] } }, { op: '>' }] });
    // dash reads &> as a background job and a redirection
    expect(parseAll('echo a &> f')[0]).toMatchObject({ t: 'list', items: [{ bg: true }, { bg: false }] });
  });

  it('never throws anything but a syntax error, whatever the line', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: fc.constantFrom(...PIECES) }), (src) => {
        for (const d of ['sh', 'bash'] as const) {
          try {
            parseAll(src, d);
          } catch (e) {
            expect(e).toBeInstanceOf(ShellSyntaxError);
          }
        }
      }),
      { seed: 9, numRuns: 600 },
    );
  }, 60_000);
});
