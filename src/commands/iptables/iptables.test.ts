import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { World } from '../../engine/world';
import { runCommand } from '..';
import { splitRestoreLine } from './restore';
import { Getopt, shortOpts } from './getopt';

function host(): World {
  const w = new World();
  w.addHost('h');
  return w;
}
const run = (w: World, line: string, stdin?: string) => runCommand(w, 'h', line, { shell: 'sh', stdin });
const undated = (s: string) => s.replace(/ on .*$/gm, '');

/** rule specifications people write, to combine at random */
const SPECS = [
  '-s 10.0.0.0/8',
  '! -d 192.168.1.1',
  '-i eth+',
  '-p tcp --dport 80',
  '-p udp -m udp --sport 1000:2000',
  '-p icmp --icmp-type echo-request',
  '-p tcp -m multiport --dports 22,80,8000:8080',
  '-m comment --comment "a comment"',
  '-m mark --mark 0x4000/0x4000',
  '-m conntrack --ctstate RELATED,ESTABLISHED',
  '-m state ! --state INVALID',
  '-m addrtype --dst-type LOCAL',
  '-m statistic --mode random --probability 0.3333333333',
  '-m statistic --mode nth --every 3 --packet 1',
  '',
];
const TARGETS = ['-j ACCEPT', '-j DROP', '-j RETURN', '-j LOG --log-prefix "x: "', '-j MARK --set-mark 7', '-j REJECT', '-j USER', '-g USER', ''];

describe('iptables-save | iptables-restore', () => {
  it('restores what it saved, byte for byte (random rules)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('INPUT', 'FORWARD', 'OUTPUT', 'USER'), fc.constantFrom(...SPECS), fc.constantFrom(...TARGETS)), { minLength: 1, maxLength: 12 }), (rules) => {
        const a = host();
        run(a, 'iptables -N USER');
        for (const [chain, spec, target] of rules) {
          if (chain === 'USER' && target.endsWith('USER')) continue;
          // a combination iptables refuses (-i in OUTPUT, …) just is not added
          run(a, `iptables -A ${chain} ${spec} ${target}`);
        }
        const saved = run(a, 'iptables-save').stdout;
        const b = host();
        expect(run(b, 'iptables-restore', saved).exit).toBe(0);
        expect(undated(run(b, 'iptables-save').stdout)).toBe(undated(saved));
        // and every -S line reads back as the same rule
        for (const line of run(a, 'iptables -S').stdout.split('\n').filter((l) => l.startsWith('-A '))) {
          expect(run(a, `iptables -C ${line.slice(3)}`).exit).toBe(0);
        }
      }),
      { seed: 11, numRuns: 40 },
    );
  });

  it('changes nothing when a restore file has a bad line (atomic per table)', () => {
    const w = host();
    run(w, 'iptables -A INPUT -j ACCEPT');
    const before = undated(run(w, 'iptables-save').stdout);
    const r = run(w, 'iptables-restore', '*filter\n-A INPUT -j DROP\n-A INPUT -s 1.2.3.999 -j ACCEPT\nCOMMIT\n');
    expect(r.exit).toBe(2);
    expect(undated(run(w, 'iptables-save').stdout)).toBe(before);
    const r2 = run(w, 'iptables-restore', '*filter\n-A INPUT -j DROP\n-A NOPE -j ACCEPT\nCOMMIT\n');
    expect(r2.stderr).toBe('iptables-restore: line 3 failed: No chain/target/match by that name.\n');
    expect(undated(run(w, 'iptables-save').stdout)).toBe(before);
  });

  it('never throws and never reports an internal error, whatever the words', () => {
    const words = ['-A', '-I', '-D', '-N', '-X', '-L', '-S', '-F', '-P', '-t', 'nat', 'INPUT', 'FOO', '-p', 'tcp', '--dport', '80', '-j', 'DNAT', '--to', '1.2.3.4:80', '!', '-s', '-m', 'comment', '--comment', 'x', '-v', '-n', 'ACCEPT', '--syn', '-c', '1', '2'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...words), { maxLength: 10 }), (argv) => {
        const w = host();
        const r = run(w, `iptables ${argv.join(' ')}`);
        expect(r.stderr).not.toContain('internal simulator error');
        expect([0, 1, 2, 3, 4]).toContain(r.exit);
      }),
      { seed: 5, numRuns: 300 },
    );
  });
});

describe('restore lines and getopt', () => {
  it('splits a restore line on blanks, keeping double-quoted words whole (single quotes are plain)', () => {
    expect(splitRestoreLine('-A INPUT  -m comment --comment "a \\"b\\" c" -j ACCEPT')).toEqual(['-A', 'INPUT', '-m', 'comment', '--comment', 'a "b" c', '-j', 'ACCEPT']);
    expect(splitRestoreLine("--comment 'x y'")).toEqual(['--comment', "'x", "y'"]);
  });

  it('takes unique prefixes of long options and refuses ambiguous ones', () => {
    const g = new Getopt(['x', '--dest', 'a', '--de'], shortOpts('-:'), [
      { name: 'destination', hasArg: 1, val: 'd' },
      { name: 'delete', hasArg: 1, val: 'D' },
    ]);
    expect(g.next()).toMatchObject({ c: 'd', optarg: 'a' });
    expect(g.next()).toMatchObject({ c: '?', why: 'ambiguous' });
  });
});
