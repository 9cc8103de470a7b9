import { describe, expect, it } from 'vitest';
import type { PacketView, TraceEvent } from '../engine/sim/trace';
import {
  compileFilter,
  formatCaptured,
  formatFrame,
  formatPacket,
  formatTimestamp,
  framesOnDev,
  parseTcpdumpArgs,
  tcpdumpBanner,
  tcpdumpNoSuchDevice,
  tcpdumpSummary,
} from './tcpdump';

const echo = (type: 8 | 0, src: string, dst: string, ttl = 64): PacketView => ({
  eth: { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02', type: 'IPv4' },
  ip: { src, dst, ttl, proto: 'ICMP' },
  icmp: { type, code: 0, name: type === 8 ? 'echo request' : 'echo reply', id: 1, seq: 1 },
});
const arpReq: PacketView = {
  eth: { src: '02:00:00:00:00:02', dst: 'ff:ff:ff:ff:ff:ff', type: 'ARP' },
  arp: { op: 'request', senderIp: '10.244.2.2', senderMac: '02:00:00:00:00:02', targetIp: '10.244.2.1', targetMac: '00:00:00:00:00:00' },
};
const arpRep: PacketView = {
  eth: { src: '02:00:00:00:00:03', dst: '02:00:00:00:00:02', type: 'ARP' },
  arp: { op: 'reply', senderIp: '10.244.2.1', senderMac: '02:00:00:00:00:03', targetIp: '10.244.2.2', targetMac: '02:00:00:00:00:02' },
};

let seq = 0;
const ev = (over: Partial<TraceEvent>): TraceEvent => ({
  seq: ++seq,
  time: 1000,
  netns: 'node01',
  dev: 'eth0',
  verdict: 'XMIT',
  text: '',
  packetId: 1,
  ...over,
});

describe('timestamps', () => {
  it('prints virtual time as time of day with microseconds', () => {
    expect(formatTimestamp(0)).toBe('00:00:00.000000');
    expect(formatTimestamp(1000)).toBe('00:00:01.000000');
    expect(formatTimestamp(1.5)).toBe('00:00:00.001500');
    expect(formatTimestamp(3_723_004.25)).toBe('01:02:03.004250');
    expect(formatTimestamp(25 * 3600 * 1000)).toBe('01:00:00.000000');
  });
});

describe('frame lines (tcpdump -n)', () => {
  it('ICMP echo request and reply', () => {
    expect(formatFrame(ev({ packet: echo(8, '10.244.1.2', '10.244.2.2') }))).toBe(
      '00:00:01.000000 IP 10.244.1.2 > 10.244.2.2: ICMP echo request, id 1, seq 1, length 64',
    );
    expect(formatPacket(echo(0, '10.244.2.2', '10.244.1.2'))).toBe('IP 10.244.2.2 > 10.244.1.2: ICMP echo reply, id 1, seq 1, length 64');
  });
  it('ARP request and reply', () => {
    expect(formatPacket(arpReq)).toBe('ARP, Request who-has 10.244.2.1 tell 10.244.2.2, length 28');
    expect(formatPacket(arpRep)).toBe('ARP, Reply 10.244.2.1 is-at 02:00:00:00:00:03, length 28');
  });
  it('ICMP errors and UDP probes', () => {
    const unreach: PacketView = { ip: { src: '192.168.1.11', dst: '10.244.1.2', ttl: 64, proto: 'ICMP' }, icmp: { type: 3, code: 1, name: 'host unreachable' } };
    expect(formatPacket(unreach)).toBe('IP 192.168.1.11 > 10.244.1.2: ICMP host unreachable, length 92');
    // with the quoted datagram, tcpdump names the target
    const inner = { src: '10.244.1.2', dst: '10.244.2.2', proto: 'ICMP' };
    const withInner = { ...unreach, icmp: { type: 3, code: 1, name: 'host unreachable', inner } } as PacketView;
    expect(formatPacket(withInner)).toBe('IP 192.168.1.11 > 10.244.1.2: ICMP host 10.244.2.2 unreachable, length 92');
    const net = { ...unreach, icmp: { type: 3, code: 0, name: 'net unreachable', inner } } as PacketView;
    expect(formatPacket(net)).toBe('IP 192.168.1.11 > 10.244.1.2: ICMP net 10.244.2.2 unreachable, length 92');
    const port = { ip: { src: '10.244.2.2', dst: '10.244.1.2', ttl: 64, proto: 'ICMP' }, icmp: { type: 3, code: 3, name: 'port unreachable', inner: { src: '10.244.1.2', dst: '10.244.2.2', proto: 'UDP', udp: { sport: 40000, dport: 33436 } } } } as PacketView;
    expect(formatPacket(port)).toBe('IP 10.244.2.2 > 10.244.1.2: ICMP 10.244.2.2 udp port 33436 unreachable, length 68');
    // the view's own IP length wins over the defaults
    const big = { ip: { src: '10.244.1.2', dst: '10.244.2.2', ttl: 64, proto: 'ICMP', len: 1028 }, icmp: { type: 8, code: 0, name: 'echo request', id: 3, seq: 2 } } as PacketView;
    expect(formatPacket(big)).toBe('IP 10.244.1.2 > 10.244.2.2: ICMP echo request, id 3, seq 2, length 1008');
    const te: PacketView = { ip: { src: '192.168.1.12', dst: '10.244.1.2', ttl: 64, proto: 'ICMP' }, icmp: { type: 11, code: 0, name: 'time exceeded in-transit' } };
    expect(formatPacket(te)).toBe('IP 192.168.1.12 > 10.244.1.2: ICMP time exceeded in-transit, length 92');
    const udp: PacketView = { ip: { src: '10.244.1.2', dst: '10.244.2.2', ttl: 1, proto: 'UDP' }, udp: { sport: 43210, dport: 33434 } };
    expect(formatPacket(udp)).toBe('IP 10.244.1.2.43210 > 10.244.2.2.33434: UDP, length 32');
  });
  it('-e prints the link-level header instead of the protocol word', () => {
    expect(formatPacket(arpReq, { link: true })).toBe(
      '02:00:00:00:00:02 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 10.244.2.1 tell 10.244.2.2, length 28',
    );
    expect(formatPacket(echo(8, '10.244.1.2', '10.244.2.2'), { link: true })).toBe(
      '02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length 98: 10.244.1.2 > 10.244.2.2: ICMP echo request, id 1, seq 1, length 64',
    );
  });
  it('-v shows the TTL', () => {
    expect(formatPacket(echo(8, '10.244.1.2', '10.244.2.2', 63), { verbose: true }, 7)).toBe(
      'IP (tos 0x0, ttl 63, id 7, offset 0, flags [DF], proto ICMP (1), length 84)\n    10.244.1.2 > 10.244.2.2: ICMP echo request, id 1, seq 1, length 64',
    );
  });
  it('a view without IP or ARP prints nothing', () => {
    expect(formatPacket(undefined)).toBeNull();
    expect(formatPacket({ eth: { src: 'a', dst: 'b', type: 'IPv4' } })).toBeNull();
  });
});

describe('frames on an interface', () => {
  it('takes frames sent and received on the device, once per direction', () => {
    const req = echo(8, '10.244.1.2', '10.244.2.2');
    const events = [
      ev({ verdict: 'FIB_MATCH', packet: req }),
      ev({ verdict: 'XMIT', packet: req, packetId: 1 }),
      ev({ verdict: 'XMIT', packet: req, packetId: 1 }), // same frame reported twice: one line
      ev({ verdict: 'RCV', netns: 'node02', packet: req, packetId: 1 }),
      ev({ verdict: 'RCV', packet: echo(0, '10.244.2.2', '10.244.1.2'), packetId: 2 }),
      ev({ verdict: 'XMIT', dev: 'v-net-0', packet: req, packetId: 3 }),
    ];
    const got = framesOnDev(events, 'node01', 'eth0');
    expect(got.map((f) => [f.event.seq, f.dir])).toEqual([
      [events[1].seq, 'out'],
      [events[4].seq, 'in'],
    ]);
  });
  it('counts a veth crossing on both ends', () => {
    const req = echo(8, '10.244.1.2', '10.244.2.2');
    const e = ev({ verdict: 'VETH_XMIT', netns: 'pod1', dev: 'eth0', to: { netns: 'node01', dev: 'veth-pod1' }, packet: req });
    expect(framesOnDev([e], 'pod1', 'eth0').map((f) => f.dir)).toEqual(['out']);
    expect(framesOnDev([e], 'node01', 'veth-pod1').map((f) => f.dir)).toEqual(['in']);
    expect(framesOnDev([e], 'node01', 'eth0')).toEqual([]);
  });
});

describe('filters', () => {
  const req = echo(8, '10.244.1.2', '10.244.2.2');
  const f = (expr: string) => compileFilter(expr.split(' ').filter(Boolean));
  it('matches protocols, hosts and combinations', () => {
    expect(f('')(arpReq)).toBe(true);
    expect(f('icmp')(req)).toBe(true);
    expect(f('icmp')(arpReq)).toBe(false);
    expect(f('arp')(arpReq)).toBe(true);
    expect(f('host 10.244.2.2')(req)).toBe(true);
    expect(f('host 10.244.2.2')(arpReq)).toBe(true); // ARP sender/target count as hosts
    expect(f('src 10.244.2.2')(req)).toBe(false);
    expect(f('dst host 10.244.2.2 and icmp')(req)).toBe(true);
    expect(f('not arp')(arpReq)).toBe(false);
    expect(f('arp or icmp')(req)).toBe(true);
    expect(f('!(icmp && host 10.9.9.9)')(req)).toBe(true);
  });
  it('rejects what pcap would not compile', () => {
    for (const bad of ['icmp arp', 'host', 'host foo', 'and', '(icmp', 'port x', 'bogus']) expect(() => f(bad)).toThrow('syntax error');
  });
});

describe('argv', () => {
  it('parses getopt-style flags', () => {
    const r = parseTcpdumpArgs(['-ni', 'eth0', '-c2', 'icmp']);
    expect(r.ok && [r.opts.iface, r.opts.count, r.opts.expression]).toEqual(['eth0', 2, 'icmp']);
    const e = parseTcpdumpArgs(['-e', '-v', '-i', 'v-net-0']);
    expect(e.ok && [e.opts.link, e.opts.verbose, e.opts.iface, e.opts.count]).toEqual([true, true, 'v-net-0', null]);
  });
  it('reports errors like tcpdump', () => {
    expect(parseTcpdumpArgs(['-c', 'x'])).toEqual({ ok: false, stderr: 'tcpdump: invalid packet count x\n', exit: 1 });
    // as tcpdump 4.99.3 prints them: the complaint, then its version and usage
    const usage = (parseTcpdumpArgs(['--help']) as { stdout: string }).stdout;
    expect(usage).toMatch(/^tcpdump version 4\.99\.3\n[^]*Usage: tcpdump \[-AbdDefhHIJKlLnNOpqStuUvxX#\][^]*\[ -z postrotate-command \] \[ -Z user \] \[ expression \]\n$/);
    expect(parseTcpdumpArgs(['-h'])).toEqual({ ok: false, stdout: usage, stderr: '', exit: 0 });
    expect(parseTcpdumpArgs(['-i'])).toEqual({ ok: false, stderr: `tcpdump: option requires an argument -- 'i'\n${usage}`, exit: 1 });
    expect(parseTcpdumpArgs(['-k'])).toEqual({ ok: false, stderr: `tcpdump: invalid option -- 'k'\n${usage}`, exit: 1 });
    expect(parseTcpdumpArgs(['--bogus'])).toEqual({ ok: false, stderr: `tcpdump: unrecognized option '--bogus'\n${usage}`, exit: 1 });
    expect(parseTcpdumpArgs(['-i', 'eth0', 'icmp', 'arp'])).toMatchObject({ ok: false, stderr: "tcpdump: can't parse filter expression: syntax error\n" });
  });
  it('prints the banner, the summary and the missing-device error', () => {
    expect(tcpdumpBanner('eth0')).toBe(
      'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\nlistening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n',
    );
    expect(tcpdumpBanner('eth0', true)).toBe('listening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n');
    expect(tcpdumpSummary(1)).toBe('1 packet captured\n1 packet received by filter\n0 packets dropped by kernel\n');
    expect(tcpdumpSummary(4)).toBe('4 packets captured\n4 packets received by filter\n0 packets dropped by kernel\n');
    expect(tcpdumpNoSuchDevice('eth9')).toBe('tcpdump: eth9: No such device exists\n(SIOCGIFHWADDR: No such device)\n');
  });
});

describe('-i any', () => {
  it('captures every device of the namespace, naming device and direction', () => {
    const req = echo(8, '10.244.1.2', '10.244.2.2');
    const events = [
      ev({ verdict: 'RCV', netns: 'node01', dev: 'veth-pod1-br', packet: req, packetId: 4 }),
      ev({ verdict: 'XMIT', netns: 'node01', dev: 'eth0', packet: req, packetId: 4 }),
      ev({ verdict: 'RCV', netns: 'node01', dev: 'eth0', packet: { ...arpReq, eth: { ...arpReq.eth!, dst: 'ff:ff:ff:ff:ff:ff' } }, packetId: 5 }),
      ev({ verdict: 'XMIT', netns: 'node02', dev: 'eth0', packet: req, packetId: 4 }),
    ];
    const lines = framesOnDev(events, 'node01', 'any').map((f) => formatCaptured(f, { any: true })!.slice(16));
    expect(lines).toEqual([
      'veth-pod1-br In  IP 10.244.1.2 > 10.244.2.2: ICMP echo request, id 1, seq 1, length 64',
      'eth0  Out IP 10.244.1.2 > 10.244.2.2: ICMP echo request, id 1, seq 1, length 64',
      'eth0  B   ARP, Request who-has 10.244.2.1 tell 10.244.2.2, length 28',
    ]);
    expect(tcpdumpBanner('any')).toContain('listening on any, link-type LINUX_SLL2 (Linux cooked v2), snapshot length 262144 bytes');
  });
});
