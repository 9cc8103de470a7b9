import { describe, expect, it } from 'vitest';
import { buildWorld } from '../scenarios/runner';
import { runCommand, startJob } from './job';
import { PING_UNBOUNDED_CAP } from './ping';

const lab = (preset: string) => buildWorld({ name: 't', preset, steps: [] });

describe('runCommand never throws (issue 9 item 8)', () => {
  it('a fault in an event is the job’s, reported with status 70; the next line runs clean', () => {
    const w = lab('routed');
    expect(runCommand(w, 'node01', 'ip link set lo name loop0').exit).toBe(0);
    const t = runCommand(w, 'node01', 'traceroute -n -q 1 -m 2 10.244.1.1');
    expect(t.stdout).toMatch(/^traceroute to 10\.244\.1\.1/);
    if (t.fault) {
      // the engine met a bug: said, and flagged so the store rebuilds the lab
      expect(t.exit).toBe(70);
      expect(t.stderr).toContain('internal simulator error');
    }
    let r: ReturnType<typeof runCommand> | undefined;
    expect(() => (r = runCommand(w, 'node01', 'true'))).not.toThrow();
    expect(r).toMatchObject({ stdout: '', stderr: '', exit: 0, fault: false });
  });

  it('a line whose namespace is gone, or that does not parse, answers as the shell does', () => {
    const w = lab('fresh');
    expect(runCommand(w, 'ghost', 'true')).toMatchObject({ exit: 1, stderr: 'bash: cannot enter namespace "ghost"\n' });
    expect(runCommand(w, 'node01', 'true &&', { shell: 'sh' })).toMatchObject({ exit: 2, stderr: 'sh: 1: Syntax error: end of file unexpected\n' });
  });
});

describe('each line’s trace holds its own packets only (issue 9 item 0)', () => {
  it('before-routes: a ping after a traceroute shows only its "Network is unreachable"', () => {
    const w = lab('before-routes');
    const t = runCommand(w, 'node01', 'traceroute -n 192.168.1.12');
    expect(t.stdout).toContain(' 1  192.168.1.12');
    const p = runCommand(w, 'node01', 'ping -c 1 10.244.3.2');
    expect(p.stderr).toBe('ping: connect: Network is unreachable\n');
    expect(p.trace.map((e) => e.verdict)).toEqual(['IP_OUTNOROUTES']);
  });

  it('routed: a ping after a traceroute from pod1 does not show the traceroute’s path', () => {
    const w = lab('routed');
    runCommand(w, 'pod1', 'traceroute -n 10.244.3.2');
    const p = runCommand(w, 'pod1', 'ping -c 1 10.244.2.2');
    expect(p.exit).toBe(0);
    expect(p.trace.some((e) => e.packet?.udp || e.packet?.icmp?.inner?.udp)).toBe(false);
    // (node03 may hear node01's ARP broadcast for node02: that frame is the ping's own)
    expect(p.trace.some((e) => e.netns === 'pod3' || e.packet?.ip?.dst === '10.244.3.2' || e.packet?.ip?.src === '10.244.3.2')).toBe(false);
    expect(p.trace.filter((e) => e.packet?.icmp?.type === 8).every((e) => e.packet?.ip?.dst === '10.244.2.2')).toBe(true);
  });
});

describe('jobs on the virtual clock', () => {
  it('a ping streams its replies as they come, and Ctrl+C prints its statistics (exit 0 after replies)', () => {
    const w = lab('routed');
    const job = startJob(w, 'pod1', 'ping 10.244.2.2');
    const t0 = w.now;
    job.pump(t0 + 2500);
    expect(job.done).toBe(false);
    const early = job.takeOutput();
    expect(early.match(/icmp_seq=\d/g)).toEqual(['icmp_seq=1', 'icmp_seq=2', 'icmp_seq=3']);
    job.interrupt();
    expect(job.done).toBe(true);
    const rest = job.takeOutput();
    expect(rest).toMatch(/^\n--- 10\.244\.2\.2 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 2000ms\nrtt /);
    const r = job.finish();
    expect(r.exit).toBe(0);
    expect(r.interruptedAt).toBe(w.now);
    expect(w.tasks.size).toBe(0);
  });

  it('ping interrupted before any reply exits 1; a command that does not catch SIGINT dies with 130', () => {
    const w = lab('before-routes');
    const job = startJob(w, 'node01', 'ping 192.168.1.99');
    job.pump(w.now + 500);
    job.interrupt();
    expect(job.finish().exit).toBe(1);
    const tr = startJob(w, 'node01', 'traceroute -n 192.168.1.99; echo after');
    tr.pump(w.now + 100);
    tr.interrupt();
    const r = tr.finish();
    expect(r.exit).toBe(130);
    expect(r.stdout).not.toContain('after');
  });

  it('a caught SIGINT lets the list go on, as bash does', () => {
    const w = lab('routed');
    const job = startJob(w, 'pod1', 'ping 10.244.2.2; echo after');
    job.pump(w.now + 1500);
    job.interrupt();
    job.runToEnd();
    expect(job.finish().stdout).toMatch(/ping statistics ---\n[^]*\nafter\n$/);
  });

  it('a replayed Ctrl+C at the same virtual time prints the same', () => {
    const a = lab('routed');
    const job = startJob(a, 'pod1', 'ping -i 0.5 10.244.2.2');
    job.pump(a.now + 1700);
    job.interrupt();
    const live = job.finish();
    const b = lab('routed');
    const again = runCommand(b, 'pod1', 'ping -i 0.5 10.244.2.2', { interruptAt: live.interruptedAt });
    expect(again.stdout).toBe(live.stdout);
    expect(again.exit).toBe(live.exit);
    expect(b.now).toBe(a.now);
  });

  it('headless, a ping without -c runs to its stated cap and reports what it really sent (issue 9 item 2)', () => {
    const w = lab('routed');
    w.tracing = false;
    const r = runCommand(w, 'pod1', 'ping -q 10.244.2.2');
    expect(r.stderr).toBe(`ping: Hoplab stops a ping without -c after ${PING_UNBOUNDED_CAP} requests (Linux would go on until interrupted)\n`);
    expect(r.stdout).toContain(`${PING_UNBOUNDED_CAP} packets transmitted, ${PING_UNBOUNDED_CAP} received, 0% packet loss`);
    expect(r.stdout).not.toContain('forwarding loop');
    expect(r.exit).toBe(0);
  }, 60_000);

  it('a flood ping (-i 0) sends each request once the last is answered, as iputils does: no storm, and the lab goes on working (issue 9 items 1–2)', () => {
    const w = lab('routed');
    w.tracing = false;
    const r = runCommand(w, 'pod1', 'ping -c 5000 -i 0 -q 10.244.2.2');
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('5000 packets transmitted, 5000 received, 0% packet loss');
    // one request in flight at a time: no "pipe N"
    expect(r.stdout).not.toContain('pipe');
    expect(runCommand(w, 'pod1', 'ping -c 1 -W 1 10.244.2.2').stdout).toContain('1 packets transmitted, 1 received');
  }, 60_000);

  it('a flood ping into silence sends at most 100 requests a second (MININTERVAL)', () => {
    const w = lab('routed');
    w.tracing = false;
    const r = runCommand(w, 'pod1', 'ping -c 50 -i 0 -q -W 1 10.244.2.9');
    // 49 gaps of 10 ms, fewer where an ICMP error answered a request sooner
    expect(r.stdout).toMatch(/50 packets transmitted, 0 received, \+\d+ errors, 100% packet loss, time 4\d\dms/);
  });

  it('deleting a namespace kills the programs running in it', () => {
    const w = lab('routed');
    const job = startJob(w, 'pod1', 'ping 10.244.2.2');
    job.pump(w.now + 100);
    runCommand(w, 'node01', 'ip netns del pod1');
    expect(job.done).toBe(true);
    expect(job.finish().exit).toBe(137);
    expect(w.tasks.size).toBe(0);
  });
});
