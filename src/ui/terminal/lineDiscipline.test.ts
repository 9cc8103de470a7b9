import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  backspace,
  commonPrefix,
  complete,
  completionCandidates,
  deleteForward,
  deleteWordBack,
  emptyLine,
  erase,
  decodeInput,
  formatCandidates,
  historyNext,
  historyPrev,
  historyStart,
  insert,
  isIncomplete,
  killToEnd,
  killToStart,
  moveEnd,
  moveHome,
  moveLeft,
  moveRight,
  redraw,
  redrawDelta,
  reverseSearch,
  searchPrompt,
  wordBoundaries,
  wordLeft,
  wordRight,
  visibleControls,
  type CompletionContext,
  type LineState,
} from './lineDiscipline';

const line = (text: string, cursor = text.length): LineState => ({ text, cursor });

describe('editing', () => {
  it('inserts at the cursor and moves it', () => {
    expect(insert(line('ip ute', 3), 'ro')).toEqual(line('ip route', 5));
  });
  it('backspace and delete act around the cursor and stop at the ends', () => {
    expect(backspace(line('ping', 2))).toEqual(line('png', 1));
    expect(backspace(line('ping', 0))).toEqual(line('ping', 0));
    expect(deleteForward(line('ping', 1))).toEqual(line('png', 1));
    expect(deleteForward(line('ping'))).toEqual(line('ping'));
  });
  it('cursor moves are clamped', () => {
    expect(moveLeft(line('ab', 0)).cursor).toBe(0);
    expect(moveRight(line('ab')).cursor).toBe(2);
    expect(moveHome(line('ab')).cursor).toBe(0);
    expect(moveEnd(line('ab', 0)).cursor).toBe(2);
  });
  it('kills to the start and to the end', () => {
    expect(killToStart(line('ip route show', 9))).toEqual(line('show', 0));
    expect(killToEnd(line('ip route show', 8))).toEqual(line('ip route', 8));
  });
});

describe('words', () => {
  it('finds word starts and ends', () => {
    expect(wordBoundaries('ip  route add')).toEqual([0, 4, 10]);
    expect(wordBoundaries('ip  route add', true)).toEqual([2, 9, 13]);
    expect(wordBoundaries('   ')).toEqual([]);
  });
  it('moves by words like readline', () => {
    expect(wordLeft(line('ip route add', 12)).cursor).toBe(9);
    expect(wordLeft(line('ip route add', 9)).cursor).toBe(3);
    expect(wordLeft(line('ip route add', 1)).cursor).toBe(0);
    expect(wordRight(line('ip route add', 0)).cursor).toBe(2);
    expect(wordRight(line('ip route add', 2)).cursor).toBe(8);
    expect(wordRight(line('ip route add', 12)).cursor).toBe(12);
  });
  it('Ctrl+W deletes the previous word', () => {
    expect(deleteWordBack(line('ip route add '))).toEqual(line('ip route ', 9));
    expect(deleteWordBack(line('ip route add', 8))).toEqual(line('ip  add', 3));
  });
});

describe('reverse search', () => {
  const entries = ['ip route', 'ping 10.244.2.2', 'ip route add 10.244.2.2 via 192.168.1.12', 'sysctl -w net.ipv4.ip_forward=1'];
  it('finds the newest match and where it starts, then older ones', () => {
    expect(reverseSearch(entries, 'route')).toEqual({ index: 2, pos: 3 });
    expect(reverseSearch(entries, 'route', 1)).toEqual({ index: 0, pos: 3 });
    expect(reverseSearch(entries, '10.244.2.2')).toEqual({ index: 2, pos: 13 });
    expect(reverseSearch(entries, 'nothing')).toBeNull();
    expect(reverseSearch([], 'x')).toBeNull();
  });
  it('prints the readline prompt', () => {
    expect(searchPrompt('rou', false)).toBe("(reverse-i-search)`rou': ");
    expect(searchPrompt('zz', true)).toBe("(failed reverse-i-search)`zz': ");
  });
  it('decodes Ctrl+R and Ctrl+G', () => {
    expect(decodeInput('\x12\x07')).toEqual([
      { kind: 'key', key: 'reverseSearch' },
      { kind: 'key', key: 'abort' },
    ]);
  });
});

describe('incomplete input', () => {
  it.each([
    ['echo hi', false],
    ['echo "hi', true],
    ["echo 'a b", true],
    ['echo "a \\" b', true],
    ['echo "a \\" b"', false],
    ['ip route add \\', true],
    ['echo a\\ b', false],
  ])('%s → %s', (text, want) => expect(isIncomplete(text)).toBe(want));
});

describe('history', () => {
  const h0 = historyStart(['ip a', 'ping 10.244.2.2']);
  it('walks back and forth and restores the draft', () => {
    const [h1, l1] = historyPrev(h0, 'ip r')!;
    expect(l1).toEqual(line('ping 10.244.2.2'));
    const [h2, l2] = historyPrev(h1, l1.text)!;
    expect(l2.text).toBe('ip a');
    expect(historyPrev(h2, 'ip a')).toBeNull();
    const [h3, l3] = historyNext(h2)!;
    expect(l3.text).toBe('ping 10.244.2.2');
    const [h4, l4] = historyNext(h3)!;
    expect(l4).toEqual(line('ip r'));
    expect(historyNext(h4)).toBeNull();
  });
  it('does nothing with an empty history', () => {
    expect(historyPrev(historyStart([]), 'x')).toBeNull();
  });
});

const ctx: CompletionContext = {
  commands: ['bridge', 'echo', 'hostname', 'ip', 'ping', 'sysctl', 'tcpdump', 'traceroute'],
  devices: ['eth0', 'lo', 'v-net-0', 'veth-pod1'],
  netns: ['node01', 'pod1'],
  addresses: ['10.244.1.1', '10.244.1.2', '192.168.1.11', '192.168.1.12'],
};

describe('completion candidates', () => {
  const cands = (text: string) => completionCandidates(line(text), ctx).candidates;
  it('completes commands in first position, also after ; and &&', () => {
    expect(cands('p')).toEqual(['ping']);
    expect(cands('ip a; tr')).toEqual(['traceroute']);
    expect(cands('true && h')).toEqual(['hostname']);
  });
  it('completes ip objects and verbs', () => {
    expect(cands('ip ro')).toEqual(['route']);
    expect(cands('ip r a')).toEqual(['add']);
    expect(cands('ip netns ')).toEqual(['add', 'del', 'exec', 'list']);
  });
  it('completes device names after dev, master and -i', () => {
    expect(cands('ip addr add 10.244.1.1/24 dev v')).toEqual(['v-net-0', 'veth-pod1']);
    expect(cands('ip link set veth-pod1 master ')).toEqual(ctx.devices);
    expect(cands('tcpdump -n -i e')).toEqual(['eth0']);
    expect(cands('ip link set ')).toEqual(['dev', 'eth0', 'lo', 'v-net-0', 'veth-pod1']);
  });
  it('completes namespaces for ip netns exec, then the command inside', () => {
    expect(cands('ip netns exec p')).toEqual(['pod1']);
    expect(cands('ip netns exec pod1 pi')).toEqual(['ping']);
    expect(cands('ip netns exec pod1 ip link set dev e')).toEqual(['eth0']);
    expect(cands('ip -n n')).toEqual(['node01']);
    expect(cands('ip link set veth-pod1 netns p')).toEqual(['pod1']);
    expect(cands('ip link set veth-pod1 u')).toEqual(['up']);
  });
  it('completes addresses for ping and via', () => {
    expect(cands('ping 10.244.1')).toEqual(['10.244.1.1', '10.244.1.2']);
    expect(cands('ip route add 10.244.2.2 via 192')).toEqual(['192.168.1.11', '192.168.1.12']);
    expect(cands('ping -c ')).toEqual([]);
  });
  it('completes sysctl keys', () => {
    expect(cands('sysctl -w net.ipv4.ip')).toEqual(['net.ipv4.ip_forward']);
    expect(cands('sysctl -w net.ipv4.ip_forward=')).toEqual([]);
  });
  it('reports where the word starts', () => {
    expect(completionCandidates(line('ip netns exec po'), ctx)).toMatchObject({ start: 14, prefix: 'po' });
  });
});

describe('Tab', () => {
  it('completes a single candidate and adds a space', () => {
    expect(complete(line('pin'), ctx).line).toEqual(line('ping ', 5));
  });
  it('completes in the middle of a line without doubling the space', () => {
    expect(complete(line('pin 10.244.1.2', 3), ctx).line).toEqual(line('ping 10.244.1.2', 5));
  });
  it('extends to the common prefix, then lists', () => {
    expect(complete(line('ping 1'), ctx)).toEqual({ line: line('ping 1'), list: ctx.addresses });
    expect(complete(line('ping 10'), ctx).line).toEqual(line('ping 10.244.1.'));
    expect(complete(line('ping 10.244.1.'), ctx).list).toEqual(['10.244.1.1', '10.244.1.2']);
  });
  it('finds the common prefix', () => {
    expect(commonPrefix(['veth-a', 'veth-b', 'v-net-0'])).toBe('v');
    expect(commonPrefix([])).toBe('');
  });
  it('lists candidates in columns, down first', () => {
    expect(formatCandidates(['a', 'bb', 'c', 'd'], 8)).toBe('a   c\r\nbb  d');
  });
});

// --- a tiny VT100 model, enough to check what redraw() leaves on screen ---------------------------
class Screen {
  rows: string[][] = [[]];
  row = 0;
  col = 0;
  wrapPending = false;
  constructor(readonly cols: number) {}
  private ensure(r: number) {
    while (this.rows.length <= r) this.rows.push([]);
  }
  write(s: string) {
    for (let i = 0; i < s.length; i++) {
      const c = s[i];
      if (c === '\x1b') {
        const m = /^\x1b\[(\d*)([ABCJK])/.exec(s.slice(i))!;
        if (m[2] === 'K') {
          this.ensure(this.row);
          this.rows[this.row].length = Math.min(this.rows[this.row].length, this.col);
        }
        const n = m[1] === '' ? 1 : Number(m[1]);
        if (m[2] === 'A') this.row = Math.max(0, this.row - n);
        if (m[2] === 'B') this.row += n;
        if (m[2] === 'C') this.col = Math.min(this.cols - 1, this.col + n);
        if (m[2] === 'J') {
          this.ensure(this.row);
          this.rows[this.row].length = Math.min(this.rows[this.row].length, this.col);
          this.rows.length = this.row + 1;
        }
        this.wrapPending = false;
        this.ensure(this.row);
        i += m[0].length - 1;
      } else if (c === '\r') {
        this.col = 0;
        this.wrapPending = false;
      } else if (c === '\n') {
        this.row++;
        this.ensure(this.row);
        this.wrapPending = false;
      } else {
        if (this.wrapPending) {
          this.row++;
          this.col = 0;
          this.wrapPending = false;
          this.ensure(this.row);
        }
        const r = this.rows[this.row];
        while (r.length < this.col) r.push(' ');
        r[this.col] = c;
        if (this.col === this.cols - 1) this.wrapPending = true;
        else this.col++;
      }
    }
  }
  text() {
    return this.rows.map((r) => r.join('')).join('');
  }
}

describe('redraw', () => {
  const prompt = 'root@node01:~# ';
  it('draws a fresh line and leaves the cursor at its offset', () => {
    const sc = new Screen(80);
    sc.write(redraw(prompt, null, line('ip a', 2), 80));
    expect(sc.text()).toBe(prompt + 'ip a');
    expect([sc.row, sc.col]).toEqual([0, prompt.length + 2]);
  });

  type Op = { kind: 'ins'; s: string } | { kind: 'bs' } | { kind: 'left' } | { kind: 'right' } | { kind: 'home' } | { kind: 'end' } | { kind: 'kill' };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('ins' as const), s: fc.string({ unit: fc.constantFrom('a', 'b', ' ', '1'), minLength: 1, maxLength: 9 }) }),
    fc.constantFrom<Op>({ kind: 'bs' }, { kind: 'left' }, { kind: 'right' }, { kind: 'home' }, { kind: 'end' }, { kind: 'kill' }),
  );
  const apply = (s: LineState, o: Op): LineState => {
    switch (o.kind) {
      case 'ins':
        return insert(s, o.s);
      case 'bs':
        return backspace(s);
      case 'left':
        return moveLeft(s);
      case 'right':
        return moveRight(s);
      case 'home':
        return moveHome(s);
      case 'end':
        return moveEnd(s);
      case 'kill':
        return killToStart(s);
    }
  };

  it('keeps screen and cursor in step with the line through any edits, across wraps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 30 }), fc.array(op, { maxLength: 40 }), (cols, ops) => {
        const sc = new Screen(cols);
        let s = emptyLine;
        sc.write(redraw(prompt, null, s, cols));
        for (const o of ops) {
          const next = apply(s, o);
          sc.write(redraw(prompt, s, next, cols));
          s = next;
          const off = prompt.length + s.cursor;
          expect(sc.text()).toBe(prompt + s.text);
          expect([sc.row, sc.col]).toEqual([Math.floor(off / cols), off % cols]);
        }
      }),
      { seed: 4242, numRuns: 300 },
    );
  });
});

describe('input decoding', () => {
  it('decodes keys, escape sequences and text', () => {
    expect(decodeInput('ip a\r')).toEqual([
      { kind: 'text', text: 'ip a' },
      { kind: 'key', key: 'enter' },
    ]);
    expect(decodeInput('\x1b[A\x1b[1;5D\x03\x7f\t')).toEqual(
      ['up', 'wordLeft', 'interrupt', 'backspace', 'tab'].map((key) => ({ kind: 'key', key })),
    );
  });
  it('splits a pasted block into lines, CRLF as one Enter', () => {
    expect(decodeInput('a\r\nb\nc')).toEqual([
      { kind: 'text', text: 'a' },
      { kind: 'key', key: 'enter' },
      { kind: 'text', text: 'b' },
      { kind: 'key', key: 'enter' },
      { kind: 'text', text: 'c' },
    ]);
  });
  it('drops unknown sequences and Alt+key', () => {
    expect(decodeInput('\x1b[15~x\x1bzy')).toEqual([{ kind: 'text', text: 'x' }, { kind: 'text', text: 'y' }]);
    expect(decodeInput('\x1b')).toEqual([{ kind: 'key', key: 'escape' }]);
  });
});

describe('erase', () => {
  it('removes a wrapped prompt line and leaves the cursor at its start', () => {
    const prompt = 'root@node01:~# ';
    const cols = 20;
    const sc = new Screen(cols);
    sc.write('before\r\n');
    const l = line('ping -c 1 10.244.2.2', 4);
    sc.write(redraw(prompt, null, l, cols));
    sc.write(erase(prompt, l, cols));
    expect(sc.text()).toBe('before');
    expect([sc.row, sc.col]).toEqual([1, 0]);
  });
});

describe('control characters from commands and lab files', () => {
  it('are shown in caret notation, as cat -v does, never passed to the terminal', () => {
    // a device name from a lab file carrying an OSC 8 hyperlink, a screen clear and a bell
    expect(visibleControls('3: a\x1b]8;;http://evil\x07b@p1: <BROADCAST>\n')).toBe('3: a^[]8;;http://evil^Gb@p1: <BROADCAST>\n');
    expect(visibleControls('x\x1b[2J\x1b[3Jy\r\x00\x7f\x9b31m\n')).toBe('x^[[2J^[[3Jy^M^@^?M-^[31m\n');
    expect(visibleControls('eth0\tUP\nlo\n')).toBe('eth0\tUP\nlo\n');
  });

  it('any text shown this way holds no control character but newline and tab', () => {
    const latin1 = fc.array(fc.integer({ min: 0, max: 0xff }), { maxLength: 40 }).map((codes) => String.fromCharCode(...codes));
    fc.assert(
      fc.property(latin1, (s) => !/[\x00-\x08\x0b-\x1f\x7f-\x9f]/.test(visibleControls(s))),
      { numRuns: 300 },
    );
  });

  it('a paste keeps no C1 control in the line', () => {
    expect(decodeInput('ip\x9b2J link')).toEqual([{ kind: 'text', text: 'ip2J link' }]);
  });
});

describe('redrawDelta', () => {
  const prompt = 'root@node01:~# ';
  const cols = 60;
  /** The screen after drawing `a` whole and then changing it to `b` with redrawDelta. */
  const after = (a: LineState, b: LineState) => {
    const sc = new Screen(cols);
    sc.write(redraw(prompt, null, a, cols));
    const delta = redrawDelta(prompt, a, b, cols);
    sc.write(delta);
    return { sc, delta };
  };

  it('writes only the key typed at the end of the line, never the prompt again', () => {
    const { sc, delta } = after(line('ip ro'), line('ip rou'));
    expect(delta).toBe('u');
    expect(sc.text()).toBe(`${prompt}ip rou`);
  });

  it('rewrites from the first change on, and moves the cursor without printing', () => {
    expect(after(line('ip ro'), line('ip ro', 2)).delta).toBe(`\r\x1b[${prompt.length + 2}C`);
    const mid = after(line('ip ro', 2), line('ipx ro', 3));
    expect(mid.delta).toBe('x ro' + `\r\x1b[${prompt.length + 3}C`);
    expect(mid.sc.text()).toBe(`${prompt}ipx ro`);
    expect([mid.sc.row, mid.sc.col]).toEqual([0, prompt.length + 3]);
  });

  it('erases what a shorter line leaves behind', () => {
    const { sc, delta } = after(line('ping'), line('pin'));
    expect(delta).not.toContain(prompt);
    expect(sc.text()).toBe(`${prompt}pin`);
    expect(after(line('ping -c 1'), line('')).sc.text()).toBe(prompt);
  });

  it('draws a line that wraps whole, as redraw does', () => {
    const long = 'x'.repeat(cols);
    expect(redrawDelta(prompt, line(long.slice(1)), line(long), cols)).toBe(redraw(prompt, line(long.slice(1)), line(long), cols));
  });

  it('leaves any edit looking as the whole redraw would', () => {
    const state = fc.record({ text: fc.string({ maxLength: 30 }).map((t) => t.replace(/[^ -~]/g, 'a')), cursor: fc.nat() }).map((l) => line(l.text, Math.min(l.cursor, l.text.length)));
    fc.assert(
      fc.property(state, state, (a, b) => {
        const { sc } = after(a, b);
        const whole = new Screen(cols);
        whole.write(redraw(prompt, null, b, cols));
        return sc.text() === whole.text() && sc.col === whole.col && sc.row === whole.row;
      }),
      { numRuns: 300 },
    );
  });
});
