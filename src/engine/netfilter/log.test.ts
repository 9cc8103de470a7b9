import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { mustRun } from '../../commands/testLab';
import { World } from '../world';
import { klog } from './log';

/**
 * Lines a 6.18 kernel wrote for the same rules and traffic (two namespaces on a veth pair,
 * net.netfilter.nf_log_all_netns=1 for the run), less their time stamps.
 */
const KERNEL = `HOPLABX-in: IN=eth0 OUT= MAC=e2:89:8d:5f:2e:5a:2a:4a:9a:bf:30:76:08:00 SRC=10.9.0.1 DST=10.9.0.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=602 DF PROTO=ICMP TYPE=8 CODE=0 ID=24607 SEQ=1 
HOPLABX-out: IN= OUT=eth0 SRC=10.9.0.2 DST=10.9.0.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=29828 PROTO=ICMP TYPE=0 CODE=0 ID=24607 SEQ=1 
HOPLABX-ai: IN=eth0 OUT= MAC=2a:4a:9a:bf:30:76:e2:89:8d:5f:2e:5a:08:00 SRC=10.9.0.2 DST=10.9.0.1 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=29828 PROTO=ICMP TYPE=0 CODE=0 ID=24607 SEQ=1 
HOPLABX-in: IN=eth0 OUT= MAC=e2:89:8d:5f:2e:5a:2a:4a:9a:bf:30:76:08:00 SRC=10.9.0.1 DST=10.9.0.2 LEN=3028 TOS=0x00 PREC=0x00 TTL=64 ID=619 PROTO=ICMP TYPE=8 CODE=0 ID=24608 SEQ=1 
HOPLABX-out: IN= OUT=eth0 SRC=10.9.0.2 DST=10.9.0.1 LEN=3028 TOS=0x00 PREC=0x00 TTL=64 ID=29874 PROTO=ICMP TYPE=0 CODE=0 ID=24608 SEQ=1 
HOPLABX-ai: IN=eth0 OUT= MAC=2a:4a:9a:bf:30:76:e2:89:8d:5f:2e:5a:08:00 SRC=10.9.0.2 DST=10.9.0.1 LEN=3028 TOS=0x00 PREC=0x00 TTL=64 ID=29874 PROTO=ICMP TYPE=0 CODE=0 ID=24608 SEQ=1 
HOPLABX-in: IN=eth0 OUT= MAC=e2:89:8d:5f:2e:5a:2a:4a:9a:bf:30:76:08:00 SRC=10.9.0.1 DST=10.9.0.2 LEN=60 TOS=0x00 PREC=0x00 TTL=64 ID=26774 DF PROTO=TCP SPT=46474 DPT=81 WINDOW=64240 RES=0x00 SYN URGP=0 
HOPLABX-out: IN= OUT=eth0 SRC=10.9.0.2 DST=10.9.0.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=81 DPT=46474 WINDOW=0 RES=0x00 ACK RST URGP=0 
HOPLABX-a: IN=eth0 OUT= MAC=2a:4a:9a:bf:30:76:e2:89:8d:5f:2e:5a:08:00 SRC=10.9.0.2 DST=10.9.0.1 LEN=40 TOS=0x00 PREC=0x00 TTL=64 ID=0 DF PROTO=TCP SPT=81 DPT=46474 SEQ=0 ACK=3962817327 WINDOW=0 RES=0x00 ACK RST URGP=0 
HOPLABX-in: IN=eth0 OUT= MAC=e2:89:8d:5f:2e:5a:2a:4a:9a:bf:30:76:08:00 SRC=10.9.0.1 DST=10.9.0.2 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=497 DF PROTO=UDP SPT=41187 DPT=9 LEN=10 
HOPLABX-out: IN= OUT=eth0 SRC=10.9.0.2 DST=10.9.0.1 LEN=58 TOS=0x00 PREC=0xC0 TTL=64 ID=29931 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.9.0.1 DST=10.9.0.2 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=497 DF PROTO=UDP SPT=41187 DPT=9 LEN=10 ] 
HOPLABX-ai: IN=eth0 OUT= MAC=2a:4a:9a:bf:30:76:e2:89:8d:5f:2e:5a:08:00 SRC=10.9.0.2 DST=10.9.0.1 LEN=58 TOS=0x00 PREC=0xC0 TTL=64 ID=29931 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.9.0.1 DST=10.9.0.2 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=497 DF PROTO=UDP SPT=41187 DPT=9 LEN=10 ] 
HOPLABX-out: IN= OUT=eth0 SRC=10.9.0.2 DST=10.9.0.1 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=4385 DF PROTO=UDP SPT=35366 DPT=9 LEN=10 
HOPLABX-out: IN= OUT=lo SRC=10.9.0.2 DST=10.9.0.2 LEN=58 TOS=0x00 PREC=0xC0 TTL=64 ID=12571 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.9.0.2 DST=10.9.0.1 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=4385 DF PROTO=UDP SPT=35366 DPT=9 LEN=10 ] 
HOPLABX-in: IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 SRC=10.9.0.2 DST=10.9.0.2 LEN=58 TOS=0x00 PREC=0xC0 TTL=64 ID=12571 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.9.0.2 DST=10.9.0.1 LEN=30 TOS=0x00 PREC=0x00 TTL=64 ID=4385 DF PROTO=UDP SPT=35366 DPT=9 LEN=10 ] 
`;

/** What differs from run to run: MACs, IP ids, echo ids, ephemeral ports, TCP sequence numbers. */
const mask = (text: string): string =>
  text
    .replace(/MAC=([0-9a-f]{2}:){13}[0-9a-f]{2}/g, (m) => (m.startsWith('MAC=00:00') ? m : 'MAC=<mac>'))
    .replace(/ ID=\d+ /g, ' ID=<id> ')
    .replace(/(SPT|DPT)=(\d+)/g, (m, k: string, v: string) => (Number(v) >= 32768 ? `${k}=<port>` : m))
    .replace(/SEQ=\d+ ACK=\d+/g, 'SEQ=<seq> ACK=<ack>');

describe('the LOG target', () => {
  it('writes the lines the kernel writes', () => {
    const w = new World();
    w.addHost('a');
    w.addHost('b');
    w.addLink('a:eth0', 'b:eth0');
    for (const [on, line] of [
      ['a', 'ip addr add 10.9.0.1/24 dev eth0'],
      ['b', 'ip addr add 10.9.0.2/24 dev eth0'],
      ['b', 'iptables -A INPUT -j LOG --log-prefix "HOPLABX-in: "'],
      ['b', 'iptables -A OUTPUT -j LOG --log-prefix "HOPLABX-out: " --log-macdecode'],
      ['a', 'iptables -A INPUT -p tcp -j LOG --log-prefix "HOPLABX-a: " --log-tcp-sequence'],
      ['a', 'iptables -A INPUT -p icmp -j LOG --log-prefix "HOPLABX-ai: "'],
      ['a', 'ping -c 1 -W 1 10.9.0.2'],
      ['a', 'ping -c 1 -W 1 -s 3000 10.9.0.2'],
    ]) mustRun(w, on, line);
    runCommand(w, 'a', 'nc -z -w 1 10.9.0.2 81');
    runCommand(w, 'a', 'echo x | nc -u -w 1 10.9.0.2 9');
    mustRun(w, 'b', 'iptables -A OUTPUT -p udp -j REJECT');
    runCommand(w, 'b', 'echo x | nc -u -w 1 10.9.0.1 9');
    const lines = [...klog(w.netns('a')!), ...klog(w.netns('b')!)].sort((x, y) => x.at - y.at).map((l) => `${l.text}\n`);
    expect(mask(lines.join(''))).toBe(mask(KERNEL));
  });

  it('shows a forwarded datagram in fragments (MF, FRAG:, no header on the later piece) and the error quoting it whole', () => {
    const w = new World();
    for (const h of ['a', 'r', 'b']) w.addHost(h);
    w.addLink('a:eth0', 'r:eth0');
    w.addLink('r:eth1', 'b:eth0');
    for (const [on, line] of [
      ['a', 'ip addr add 10.8.1.2/24 dev eth0'],
      ['r', 'ip addr add 10.8.1.1/24 dev eth0'],
      ['r', 'ip addr add 10.8.2.1/24 dev eth1'],
      ['b', 'ip addr add 10.8.2.2/24 dev eth0'],
      ['a', 'ip route add default via 10.8.1.1'],
      ['b', 'ip route add default via 10.8.2.1'],
      ['r', 'sysctl -qw net.ipv4.ip_forward=1'],
      ['r', 'ip link set eth1 mtu 1000'],
      ['r', 'iptables -A FORWARD -j LOG --log-prefix "HOPLABY-fw: "'],
    ]) mustRun(w, on, line);
    runCommand(w, 'a', 'ping -c 1 -W 1 -s 1200 10.8.2.2');
    runCommand(w, 'a', 'ping -c 1 -W 1 -s 1200 -M do 10.8.2.2');
    runCommand(w, 'a', 'head -c 1300 /dev/zero | nc -u -w 1 10.8.2.2 9');
    const lines = klog(w.netns('r')!).map((l) => `${l.text}\n`);
    // the two pieces; the error after them quotes the reassembled datagram, which the kernel shows
    // without DF and Hoplab with it (see hasDf in log.ts: the engine's UDP packets carry no DF)
    expect(lines).toHaveLength(3);
    expect(mask(lines.slice(0, 2).join(''))).toBe(mask(KERNEL_FORWARD.split('\n').slice(0, 2).join('\n') + '\n'));
  });
});

/** The kernel's lines for a router without conntrack (so no defragmentation) and a smaller mtu on its way out. */
const KERNEL_FORWARD = `HOPLABY-fw: IN=eth0 OUT=eth1 MAC=9a:48:bb:db:e4:03:ba:37:c2:e9:64:b2:08:00 SRC=10.8.1.2 DST=10.8.2.2 LEN=996 TOS=0x00 PREC=0x00 TTL=63 ID=37674 MF PROTO=UDP SPT=44531 DPT=9 LEN=1308 
HOPLABY-fw: IN=eth0 OUT=eth1 MAC=9a:48:bb:db:e4:03:ba:37:c2:e9:64:b2:08:00 SRC=10.8.1.2 DST=10.8.2.2 LEN=352 TOS=0x00 PREC=0x00 TTL=63 ID=37674 FRAG:122 PROTO=UDP 
HOPLABY-fw: IN=eth1 OUT=eth0 MAC=56:25:bb:7d:1e:b8:52:93:b9:c2:d6:16:08:00 SRC=10.8.2.2 DST=10.8.1.2 LEN=576 TOS=0x00 PREC=0xC0 TTL=63 ID=10361 PROTO=ICMP TYPE=3 CODE=3 [SRC=10.8.1.2 DST=10.8.2.2 LEN=1328 TOS=0x00 PREC=0x00 TTL=63 ID=37674 PROTO=UDP SPT=44531 DPT=9 LEN=1308 ] 
`;
