import { describe, expect, it } from 'vitest';
import { World } from '../../engine/world';
import { runCommand } from '../index';
import { AwkArray } from './awk/array';
import { cExp, cFixed, cGeneral } from './cfloat';
import { RegexError, translate } from './regex';

const lab = () => {
  const w = new World();
  w.addHost('h1');
  return w;
};
const sh = (line: string, stdin?: string) => runCommand(lab(), 'h1', line, { shell: 'sh', stdin });
const out = (line: string, stdin?: string) => sh(line, stdin).stdout;

describe('regular expressions: POSIX to JavaScript with the GNU library’s errors', () => {
  it('translates basic and extended syntax', () => {
    expect(new RegExp(translate('a\\{2\\}\\(b\\|c\\)', { extended: false }).source).test('aac')).toBe(true);
    expect(new RegExp(translate('a+(b|c)?', { extended: true }).source).test('aa')).toBe(true);
    expect(new RegExp(translate('[[:digit:]]\\+', { extended: false }).source).exec('ab12')?.[0]).toBe('12');
    expect(new RegExp(translate('*a', { extended: false }).source).test('*a')).toBe(true);
  });
  it.each([
    ['a[b', 'Unmatched [, [^, [:, [., or [='],
    ['a\\(b', 'Unmatched ( or \\('],
    ['[z-a]', 'Invalid range end'],
    ['\\1', 'Invalid back reference'],
    ['a\\', 'Trailing backslash'],
    ['[[:foo:]]', 'Invalid character class name'],
    ['[[:constructor:]]', 'Invalid character class name'], // a name of Object's prototype is no class either
  ])('refuses %j', (p, msg) => {
    expect(() => translate(p, { extended: false })).toThrow(new RegexError(msg));
  });
});

describe('C number formatting', () => {
  it('rounds ties to even on the exact binary value, as glibc does', () => {
    expect(cFixed(2.25, 1)).toBe('2.2');
    expect(cFixed(0.5, 0)).toBe('0');
    expect(cFixed(1.005, 2)).toBe('1.00');
    expect(cExp(12345.678, 6)).toBe('1.234568e+04');
    expect(cGeneral(1234567.5, 6)).toBe('1.23457e+06');
    expect(cGeneral(0.0001234, 6)).toBe('0.0001234');
  });
});

describe('awk arrays iterate in mawk’s order', () => {
  it('hashes keys with FNV-1 into 64 lists, integer keys and split() vectors included', () => {
    const a = new AwkArray();
    for (const k of ['x', 'b', 'zz', 3, 1, 10]) a.set(k, { t: 'num', n: 1 });
    expect(a.keys()).toEqual(['3', '10', 'x', '1', 'b', 'zz']);
    const s = new AwkArray();
    s.load(['c', 'b', 'a', 'd'].map((v) => ({ t: 'str', s: v })));
    expect(s.keys()).toEqual(['3', '2', '1', '4']);
    s.delete(2);
    expect(s.keys()).toEqual(['3', '1', '4']);
  });
});

describe('text tools (outputs checked against GNU coreutils, GNU sed/grep and mawk)', () => {
  it('grep', () => {
    expect(out("grep -c two; echo $?", 'one\ntwo\nthree two\n')).toBe('2\n0\n');
    expect(out("grep -oE '[0-9]+'", 'a1 b22\n')).toBe('1\n22\n');
    expect(out('grep -vn o', 'one\nx\n')).toBe('2:x\n');
    expect(sh('grep -w tw; echo $?', 'two\n').stdout).toBe('1\n');
    expect(sh("grep 'a\\('").stderr).toBe('grep: Unmatched ( or \\(\n');
    expect(sh('grep').stderr).toBe("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n");
  });

  it('sed', () => {
    expect(out("sed 's/\\(a\\) \\(b\\)/\\2 \\1/'", 'a b\n')).toBe('b a\n');
    expect(out("sed -n '/2/,/4/p'", '1\n2\n3\n4\n5\n')).toBe('2\n3\n4\n');
    expect(out("sed -E 's/(l+)/[\\1]/; s/h/\\U&/'", 'hello\n')).toBe('He[ll]o\n');
    expect(out("sed '1!G;h;$!d'", 'a\nb\nc\n')).toBe('c\nb\na\n');
    expect(sh("sed 's/a/b'").stderr).toBe("sed: -e expression #1, char 5: unterminated `s' command\n");
    expect(out("echo hello > /tmp/f; sed -i 's/hello/bye/' /tmp/f; cat /tmp/f")).toBe('bye\n');
  });

  it('awk', () => {
    expect(out("awk '{print $2, NF}'", 'a b c\nd\n')).toBe('b 3\n 1\n');
    expect(out("awk -F: '{s += $2} END {print s, NR}'", 'x:1\ny:2\n')).toBe('3 2\n');
    expect(out("awk '{c[$1]++} END {for (k in c) print k, c[k]}'", 'x\ny\nx\n')).toBe('x 2\ny 1\n');
    expect(out('awk \'BEGIN { printf "%5.1f|%-3s|%d\\n", 2.25, "a", "12abc" }\'')).toBe('  2.2|a  |12\n');
    expect(out("awk 'BEGIN { print substr(\"hello\", 0, 3), length(\"héllo\"), 1/3, 2^31 }'")).toBe('hel 6 0.333333 2.14748e+09\n');
    expect(sh("awk '{print $'").stderr).toBe('awk: line 1: syntax error at or near end of line\nawk: line 2: missing } near end of file\n');
    expect(sh("awk 'BEGIN { while (1) ; }'").stderr).toMatch(/stopped by Hoplab/);
  });

  it('cut, tr, uniq, sort, seq', () => {
    expect(out('cut -d: -f1,3', 'a:b:c\n')).toBe('a:c\n');
    expect(out("tr -s ' ' | tr a-z A-Z", 'a   b\n')).toBe('A B\n');
    expect(out('uniq -c', 'a\na\nb\n')).toBe('      2 a\n      1 b\n');
    // a key with its own flags ignores the global -r; the last-resort comparison does not
    expect(out('sort -k2,2n -r', 'b 2\na 10\nc 1\na 2\n')).toBe('c 1\nb 2\na 2\na 10\n');
    expect(out('sort -k2,2nr', 'b 2\na 10\nc 1\na 2\n')).toBe('a 10\na 2\nb 2\nc 1\n');
    expect(out('seq -s, 1 2 7; seq -w 8 10')).toBe('1,3,5,7\n08\n09\n10\n');
    expect(sh('seq 1 0 2').stderr).toBe("seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n");
  });

  it('head, tail and wc, with wc’s column width from its inputs', () => {
    expect(out('head -n -1; echo', '1\n2\n3\n')).toBe('1\n2\n\n');
    expect(out('tail -n +2', '1\n2\n3\n')).toBe('2\n3\n');
    expect(out('printf "1\\n2\\n" > /tmp/n; wc /tmp/n; wc < /tmp/n; seq 100 > /tmp/m; wc -l /tmp/n /tmp/m')).toBe('2 2 4 /tmp/n\n2 2 4\n  2 /tmp/n\n100 /tmp/m\n102 total\n');
    expect(out('wc', 'ab')).toBe('      0       1       2\n');
  });
});
