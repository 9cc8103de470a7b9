import { describe, expect, it } from 'vitest';
import { shellLine } from './shellQuote';
import { tokenize } from '../../commands/shell/tokenize';

describe('shellLine', () => {
  it('quotes what the shell would split, and the tokenizer gives the words back', () => {
    const argv = ['iptables', '-m', 'comment', '--comment', 'kubernetes service portals', '!', '--ctstate', 'NEW', '-j', 'KUBE-SERVICES', 'a"b$c'];
    const line = shellLine(argv);
    expect(line).toBe('iptables -m comment --comment "kubernetes service portals" ! --ctstate NEW -j KUBE-SERVICES "a\\"b\\$c"');
    const t = tokenize(line);
    expect(t.ok && t.list[0].argv).toEqual(argv);
  });
});
