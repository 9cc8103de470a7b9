import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { runCommand } from '../../commands';
import { startJob } from '../../commands/job';
import { asIpv4 } from '../addr/ipv4';
import { World } from '../world';
import { makeSkb } from '../netfilter/skb';
import { IP_CT_DIR, IPS, type Conn } from './conn';
import { ctPacket, invertTuple, tupleOf } from './proto';
import { ctTable } from './table';
import { mustRun, routed } from '../../commands/testLab';

/** h1 — r — h2, r routing between 10.0.1.0/24 and 10.0.2.0/24 */
function routerLab(rules: string[]): World {
  const w = routed({ names: ['h1', 'r', 'h2'], left: '10.0.1', right: '10.0.2' });
  for (const l of rules) mustRun(w, 'r', l);
  return w;
}

describe('conntrack and NAT through a router', () => {
  it('translates every reply of a DNATed and masqueraded flow back, and lists the flow with both tuples', () => {
    const w = routerLab(['iptables -t nat -A PREROUTING -d 10.96.0.10 -j DNAT --to-destination 10.0.2.2', 'iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE']);
    const ping = runCommand(w, 'h1', 'ping -c 3 -i 0.2 -W 1 10.96.0.10');
    expect(ping.stdout).toContain('3 received');
    expect(ping.stdout.match(/from 10\.96\.0\.10/g)).toHaveLength(3);
    const flows = ctTable(w.netns('r')!).list();
    expect(flows).toHaveLength(1);
    const ct = flows[0];
    expect(ct.status & (IPS.SRC_NAT | IPS.DST_NAT | IPS.SEEN_REPLY)).toBe(IPS.SRC_NAT | IPS.DST_NAT | IPS.SEEN_REPLY);
    // the reply tuple: from the real server to the masquerading router
    expect([ct.reply.src, ct.reply.dst]).toEqual([0x0a000202, 0x0a000201]);
    const l = runCommand(w, 'r', 'conntrack -L');
    expect(l.stdout).toMatch(/^icmp {5}1 29 src=10\.0\.1\.2 dst=10\.96\.0\.10 type=8 code=0 id=\d+ src=10\.0\.2\.2 dst=10\.0\.2\.1 type=0 code=0 id=\d+ mark=0 use=1\n$/);
  });

  it('lets no flow outlive its timeout (net.netfilter.nf_conntrack_icmp_timeout)', () => {
    const w = routerLab(['iptables -A FORWARD -m conntrack --ctstate NEW -j ACCEPT', 'sysctl -qw net.netfilter.nf_conntrack_icmp_timeout=5']);
    runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.2.2');
    const r = w.netns('r')!;
    expect(ctTable(r).count).toBe(1);
    w.advance(4_900);
    expect(ctTable(r).count).toBe(1);
    w.advance(200);
    expect(ctTable(r).count).toBe(0);
    expect(runCommand(w, 'r', 'conntrack -C').stdout).toBe('0\n');
  });

  it('leaves nothing behind after a probe (the table is soft state)', () => {
    const w = routerLab(['iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE']);
    const before = ctTable(w.netns('r')!).count;
    w.withRollback(() => runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.2.2'));
    expect(ctTable(w.netns('r')!).count).toBe(before);
    runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.2.2');
    expect(ctTable(w.netns('r')!).count).toBe(before + 1);
  });

  it('lets an ICMP error about a tracked flow through as RELATED, and nothing else back', () => {
    const w = routerLab(['iptables -A FORWARD -m conntrack --ctstate RELATED -j ACCEPT', 'iptables -A FORWARD -i eth0 -m conntrack --ctstate NEW -j ACCEPT', 'iptables -P FORWARD DROP']);
    runCommand(w, 'h2', 'iptables -A INPUT -p icmp -j REJECT --reject-with icmp-host-prohibited');
    const p = runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.2.2');
    expect(p.stdout).toContain('From 10.0.2.2 icmp_seq=1 Destination Host Prohibited');
    expect(runCommand(w, 'r', 'iptables -L FORWARD -v -x -n').stdout).toMatch(/^ +1 +112 ACCEPT .*ctstate RELATED$/m);
    // the echo reply would be ESTABLISHED, which no rule lets back
    runCommand(w, 'h2', 'iptables -F');
    expect(runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.2.2').stdout).toContain('0 received');
  });
});

describe('conntrack -E', () => {
  it('prints NEW, UPDATE and DESTROY as they happen (a flush names the process), then the count on a signal', () => {
    const w = routerLab(['iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE', 'sysctl -qw net.netfilter.nf_conntrack_icmp_timeout=2']);
    const ev = startJob(w, 'r', 'conntrack -E');
    runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.2.2');
    runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.2.9');
    runCommand(w, 'r', 'conntrack -F');
    ev.pump(w.now + 10);
    expect(ev.done).toBe(false);
    ev.interrupt();
    ev.runToEnd();
    const r = ev.finish();
    const id = '(\\d+)';
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^    \\[NEW\\] icmp     1 2 src=10\\.0\\.1\\.2 dst=10\\.0\\.2\\.2 type=8 code=0 id=${id} \\[UNREPLIED\\] src=10\\.0\\.2\\.2 dst=10\\.0\\.2\\.1 type=0 code=0 id=${id}$`));
    expect(lines[1]).toMatch(/^ \[UPDATE\] icmp {5}1 2 src=10\.0\.1\.2 dst=10\.0\.2\.2 type=8 code=0 id=\d+ src=10\.0\.2\.2 dst=10\.0\.2\.1 type=0 code=0 id=\d+$/);
    expect(lines[2]).toMatch(/^ {4}\[NEW\] icmp {5}1 2 src=10\.0\.1\.2 dst=10\.0\.2\.9 .*\[UNREPLIED\]/);
    // the first flow's time ran out during the second ping's wait: its end is reported, without a timeout
    expect(lines[3]).toMatch(/^\[DESTROY\] icmp {5}1 src=10\.0\.1\.2 dst=10\.0\.2\.2 type=8 /);
    expect(lines[4]).toMatch(/^\[DESTROY\] icmp {5}1 (\d )?src=10\.0\.1\.2 dst=10\.0\.2\.9 .* \[USERSPACE\] portid=\d+ progname=conntrack$/);
    expect(lines).toHaveLength(6);
    expect(r.stderr).toBe('conntrack v1.4.7 (conntrack-tools): 5 flow events have been shown.\n');
    expect(r.exit).toBe(0);
  });

  it('filters by event type and by the listing filters, and refuses an unknown event type', () => {
    const w = routerLab(['iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE']);
    const ev = startJob(w, 'r', 'conntrack -E -e new -d 10.0.2.9');
    runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.2.2');
    runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.2.9');
    ev.interrupt();
    ev.runToEnd();
    const r = ev.finish();
    expect(r.stdout).toMatch(/^ {4}\[NEW\] icmp {5}1 30 src=10\.0\.1\.2 dst=10\.0\.2\.9 [^\n]*\n$/);
    expect(r.stderr).toBe('conntrack v1.4.7 (conntrack-tools): 1 flow events have been shown.\n');
    expect(runCommand(w, 'r', 'conntrack -E -e FOO')).toMatchObject({ exit: 2, stdout: '', stderr: "conntrack v1.4.7 (conntrack-tools): Bad parameter `FOO'\nTry `conntrack -h' or 'conntrack --help' for more information.\n" });
  });

  it('tells nothing of a probe', () => {
    const w = routerLab(['iptables -t nat -A POSTROUTING -o eth1 -j MASQUERADE']);
    const ev = startJob(w, 'r', 'conntrack -E');
    w.withRollback(() => runCommand(w, 'h1', 'ping -c 1 -W 1 10.0.2.2'));
    ev.interrupt();
    ev.runToEnd();
    expect(ev.finish().stdout).toBe('');
  });
});

describe('TCP state tracking (tcp_conntracks)', () => {
  const seg = (flags: number) => {
    const s = makeSkb(asIpv4(1), asIpv4(2), 6, 40);
    s.tcpFlags = flags;
    return s;
  };
  const SYN = 0x02;
  const ACK = 0x10;
  const FIN = 0x01;
  const RST = 0x04;

  function conn(): Conn {
    const orig = tupleOf(seg(SYN));
    return { id: 1, orig, reply: invertTuple(orig), status: 0, created: 0, expires: 0, tcp: 'SYN_SENT', tcpLastDir: 0, mark: 0, packets: [0, 0], bytes: [0, 0], confirmed: true };
  }

  it('follows the handshake, the close and a reset', () => {
    const w = new World();
    w.addHost('h');
    const ns = w.netns('h')!;
    const ct = conn();
    const O = IP_CT_DIR.ORIGINAL;
    const R = IP_CT_DIR.REPLY;
    const steps: [0 | 1, number, string][] = [
      [R, SYN | ACK, 'SYN_RECV'],
      [O, ACK, 'ESTABLISHED'],
      [O, FIN | ACK, 'FIN_WAIT'],
      [R, ACK, 'CLOSE_WAIT'],
      [R, FIN | ACK, 'LAST_ACK'],
      [O, ACK, 'TIME_WAIT'],
    ];
    for (const [dir, flags, state] of steps) {
      expect(ctPacket(ns, ct, dir, seg(flags), 0)).toBe(true);
      expect(ct.tcp).toBe(state);
    }
    expect(ct.status & IPS.ASSURED).toBe(IPS.ASSURED);
    expect(ct.expires).toBe(120_000);
    const c2 = conn();
    ctPacket(ns, c2, R, seg(RST), 0);
    expect(c2.tcp).toBe('CLOSE');
    expect(c2.expires).toBe(10_000);
    // a SYN/ACK in the original direction of a SYN_SENT connection is invalid
    expect(ctPacket(ns, conn(), O, seg(SYN | ACK), 0)).toBe(false);
  });

  it('never leaves the state set for any packet sequence', () => {
    const w = new World();
    w.addHost('h');
    const ns = w.netns('h')!;
    const states = new Set(['SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'TIME_WAIT', 'CLOSE', 'SYN_SENT2']);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(0 as const, 1 as const), fc.constantFrom(SYN, SYN | ACK, ACK, FIN | ACK, RST, 0)), { maxLength: 30 }), (pkts) => {
        const ct = conn();
        for (const [dir, flags] of pkts) {
          ctPacket(ns, ct, dir, seg(flags), 0);
          expect(states.has(ct.tcp!)).toBe(true);
        }
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});
