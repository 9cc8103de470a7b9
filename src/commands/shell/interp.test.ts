import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { World } from '../../engine/world';
import { runCommand, startJob } from '../index';
import { splitFields } from './expand';
import { matchPattern, removeAffix } from './pattern';

function lab() {
  const w = new World();
  w.addHost('h1');
  w.addHost('h2');
  return w;
}

/** A scenario step: a fresh `sh -c` on h1. */
const sh = (line: string, w = lab(), stdin?: string) => runCommand(w, 'h1', line, { shell: 'sh', stdin });

describe('shell: expansions as dash does them', () => {
  it('splits unquoted expansions on IFS and keeps quoted ones whole', () => {
    const seg = (s: string, split = true) => ({ s, q: !split, split });
    const text = (fields: { s: string }[][]) => fields.map((f) => f.map((p) => p.s).join(''));
    expect(text(splitFields([seg('  a  b ')], ' \t\n'))).toEqual(['a', 'b']);
    expect(text(splitFields([seg('1:2::3')], ':'))).toEqual(['1', '2', '', '3']);
    expect(text(splitFields([seg('x', false), seg('1 2')], ' '))).toEqual(['x1', '2']);
    expect(text(splitFields([seg('', false)], ' '))).toEqual(['']);
    expect(text(splitFields([seg('')], ' '))).toEqual([]);
  });

  it('matches patterns with quoted characters literal', () => {
    expect(matchPattern([{ s: 'eth[0-9]*', q: false }], 'eth0')).toBe(true);
    expect(matchPattern([{ s: '*', q: true }], 'eth0')).toBe(false);
    expect(removeAffix('10.0.0.1/24', [{ s: '/*', q: false }], '%')).toBe('10.0.0.1');
    expect(removeAffix('a.b.c', [{ s: '*.', q: false }], '##')).toBe('c');
  });

  it('runs variables, command substitution, arithmetic and parameter operators', () => {
    expect(sh('X=10.244.2.2; echo $X ${X}; echo "${#X} ${X%.*} ${Y:-none}"').stdout).toBe('10.244.2.2 10.244.2.2\n10 10.244.2 none\n');
    expect(sh('n=$(echo 3); echo $((n * (n + 1))) `echo back`').stdout).toBe('12 back\n');
    expect(sh('set -- a "b c"; echo $#; for a in "$@"; do echo "[$a]"; done').stdout).toBe('2\n[a]\n[b c]\n');
    expect(sh('x=$(false); echo $?').stdout).toBe('1\n');
  });
});

describe('shell: control flow and what leaks', () => {
  it('runs loops, conditionals and case', () => {
    expect(sh('for n in 1 2 3; do echo $n; done').stdout).toBe('1\n2\n3\n');
    expect(sh('i=0; while [ $i -lt 2 ]; do i=$((i+1)); done; until false; do break; done; echo $i').stdout).toBe('2\n');
    expect(sh('if false; then echo a; elif true; then echo b; else echo c; fi').stdout).toBe('b\n');
    expect(sh('case eth0 in lo) echo lo;; eth*) echo eth;; esac').stdout).toBe('eth\n');
  });

  it('keeps a subshell’s and a pipeline stage’s changes to themselves, but not a group’s', () => {
    expect(sh('x=1; (x=2; cd /tmp); echo $x; pwd; echo y | read x; echo $x; { x=3; }; echo $x').stdout).toBe('1\n/\n1\n3\n');
  });

  it('ends a non-interactive shell on a fatal error, and goes on after a failed command', () => {
    const r = sh('echo a; echo ${x!}; echo b');
    expect(r).toMatchObject({ stdout: 'a\n', stderr: 'sh: 1: Bad substitution\n', exit: 2 });
    expect(sh('nocmd; echo $?')).toMatchObject({ stdout: '127\n', stderr: 'sh: 1: nocmd: not found\n' });
  });

  it('stops an endless loop at the step budget, with an honest message', () => {
    const r = sh('while true; do :; done');
    expect(r.exit).toBe(130);
    expect(r.stderr).toMatch(/stopped by Hoplab: .*endless loop/);
    const f = sh('f() { f; }; f');
    expect(f.stderr).toMatch(/nested too deeply/);
  }, 60_000);
});

describe('shell: the terminal’s bash keeps its state from line to line', () => {
  it('remembers variables, functions and the directory, and speaks bash', () => {
    const w = lab();
    const t = (line: string) => runCommand(w, 'h1', line);
    t('X=10.0.0.2; f() { echo "f $1"; }; cd /tmp');
    expect(t('echo $X; f z; pwd').stdout).toBe('10.0.0.2\nf z\n/tmp\n');
    expect(t('nocmd').stderr).toBe('bash: nocmd: command not found\n');
    expect(t('done').stderr).toBe("bash: syntax error near unexpected token `done'\n");
    expect(t('cd /nope').stderr).toBe('bash: cd: /nope: No such file or directory\n');
    // a step's sh -c starts fresh
    expect(runCommand(w, 'h1', 'echo "[$X]"; pwd', { shell: 'sh' }).stdout).toBe('[]\n/\n');
  });
});

describe('shell: files and standard input', () => {
  it('writes and reads files by redirection, shared by the namespaces of the machine', () => {
    const w = lab();
    sh('ip route > /tmp/r; echo one >> /tmp/r', w);
    expect(runCommand(w, 'h2', 'cat /tmp/r', { shell: 'sh' }).stdout).toBe('one\n');
    expect(sh('cat > /tmp/c; cat /tmp/c', w, 'typed\n').stdout).toBe('typed\n');
  });

  it('changes forwarding through /proc/sys exactly as sysctl -w does', () => {
    const w = lab();
    expect(sh('echo 1 > /proc/sys/net/ipv4/ip_forward; sysctl net.ipv4.conf.all.forwarding', w).stdout).toBe('net.ipv4.conf.all.forwarding = 1\n');
    expect(w.netns('h1')!.sysctl.forwarding('lo')).toBe(true);
    expect(w.netns('h2')!.sysctl.forwarding('lo')).toBe(false);
    const bad = sh('echo on > /proc/sys/net/ipv4/ip_forward', w);
    expect(bad).toMatchObject({ stderr: 'sh: 1: echo: echo: I/O error\n', exit: 1 });
    expect(w.netns('h1')!.sysctl.get('net.ipv4.ip_forward')).toBe('1');
  });

  it('gives a while-read loop one line per turn and leaves unread input alone', () => {
    expect(sh('while read a b; do echo "$b-$a"; ip -br link show lo >/dev/null; done', lab(), '1 2\n3 4\n').stdout).toBe('2-1\n4-3\n');
  });
});

describe('shell: jobs on the virtual clock', () => {
  it('runs background jobs as tasks: $!, wait, kill and jobs, dash’s way', () => {
    const w = lab();
    const t0 = w.now;
    expect(sh('sleep 2 & echo started; wait; echo "waited $?"', w).stdout).toBe('started\nwaited 0\n');
    expect(w.now - t0).toBeGreaterThanOrEqual(2000);
    expect(sh('sleep 5 & kill $!; wait $!; echo $?', w)).toMatchObject({ stdout: '143\n', stderr: 'Terminated\n' });
    expect(sh('(exit 2) & sleep 1; jobs', w).stdout).toBe(`${'[1] + Done(2)'.padEnd(33)}\n`);
  });

  it('sleep and timeout wait on the virtual clock', () => {
    const w = lab();
    const t0 = w.now;
    expect(sh('timeout 0.5 sleep 3; echo $?; sleep 1.5', w).stdout).toBe('124\n');
    expect(w.now - t0).toBeGreaterThanOrEqual(2000);
    expect(w.now - t0).toBeLessThan(2100);
  });

  it('a terminal announces finished jobs, and Ctrl+C stops an endless loop', () => {
    const w = lab();
    expect(runCommand(w, 'h1', 'sleep 1 &').stderr).toMatch(/^\[1\] \d+\n$/);
    expect(runCommand(w, 'h1', 'sleep 2').stderr).toBe('[1]+  Done                    sleep 1\n');
    const job = startJob(w, 'h1', 'while true; do :; done');
    job.pump(w.now + 10, () => true);
    expect(job.done).toBe(false);
    job.interrupt();
    job.runToEnd();
    expect(job.finish().exit).toBe(130);
    expect(runCommand(w, 'h1', 'echo still here').stdout).toBe('still here\n');
  }, 30_000);
});

describe('shell: hostile input', () => {
  it('never throws out of runCommand and never leaves an internal error, in either shell', () => {
    const unit = fc.constantFrom(...'ab $(){}`\'"\\;&|<>#!*\n=-0'.split(''), 'if ', 'then ', 'fi', ' do ', 'done', 'for x in ', 'while ', 'echo ', 'cat ', '$((', '${', '/proc/sys/', '2>&1', ' >/tmp/f');
    fc.assert(
      fc.property(fc.string({ maxLength: 30, unit }), fc.constantFrom('sh' as const, 'bash' as const), (line, shell) => {
        const r = runCommand(lab(), 'h1', line, { shell });
        expect(r.exit).toBeGreaterThanOrEqual(0);
        expect(r.exit).toBeLessThanOrEqual(255);
        expect(r.stderr).not.toContain('internal simulator error');
      }),
      { seed: 11, numRuns: 300 },
    );
  }, 120_000);
});
