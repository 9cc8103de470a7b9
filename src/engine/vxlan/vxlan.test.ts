/**
 * The vxlan device through the packet path: encapsulation and decapsulation seen in the trace,
 * learning, the default entry's head-end replication, what is dropped and why, and probes that
 * leave learned entries as they were.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { mustRun, twoHosts } from '../../commands/testLab';
import type { Mac } from '../addr/mac';
import { probe } from '../ipv4/probe';
import type { Vxlan } from '../netns/netdev';
import type { World } from '../world';
import { vxlanFdbList } from './fdb';
import { vxlanSrcPort } from './xmit';

/** two hosts on a cable, each with a vxlan (VNI `vni`, port `port`) whose remote is the other */
function overlay(vni = 42, port = 4789, extra = ''): World {
  const w = twoHosts();
  mustRun(w, 'h1', `ip link add vx0 type vxlan id ${vni} remote 10.0.0.2 dev eth0 dstport ${port} ${extra}`);
  mustRun(w, 'h2', `ip link add vx0 type vxlan id ${vni} remote 10.0.0.1 dev eth0 dstport ${port} ${extra}`);
  mustRun(w, 'h1', 'ip addr add 172.30.0.1/24 dev vx0 && ip link set vx0 up');
  mustRun(w, 'h2', 'ip addr add 172.30.0.2/24 dev vx0 && ip link set vx0 up');
  return w;
}

const vx = (w: World, host: string): Vxlan => w.netns(host)!.devByName('vx0') as Vxlan;

describe('vxlan: a unicast overlay', () => {
  it('carries a ping, encapsulated at the sender and decapsulated at the receiver', () => {
    const w = overlay(7, 5555);
    const r = runCommand(w, 'h1', 'ping -c 1 -W 1 172.30.0.2');
    expect(r.exit).toBe(0);
    const encap = r.trace.filter((e) => e.verdict === 'VXLAN_ENCAP');
    const decap = r.trace.filter((e) => e.verdict === 'VXLAN_DECAP');
    expect(encap.map((e) => e.netns)).toEqual(['h1', 'h2', 'h1', 'h2']);
    expect(decap.map((e) => e.netns)).toEqual(['h2', 'h1', 'h2', 'h1']);
    expect(encap[0].packet?.udp?.dport).toBe(5555);
    expect(encap[0].packet?.vxlan?.vni).toBe(7);
    expect(encap[0].packet?.vxlan?.inner.arp?.op).toBe('request');
    expect(encap[2].packet?.vxlan?.inner.icmp?.name).toBe('echo request');
  });

  it('learns the sender behind its VTEP, and not with nolearning', () => {
    const w = overlay();
    mustRun(w, 'h1', 'ping -c 1 -W 1 172.30.0.2');
    expect(vxlanFdbList(vx(w, 'h2')).map((e) => [e.mac, e.remotes[0].ip, e.state])).toEqual([
      [vx(w, 'h1').mac, 0x0a000001, 'reachable'],
      ['00:00:00:00:00:00', 0x0a000001, 'permanent'],
    ]);
    const quiet = overlay(42, 4789, 'nolearning');
    mustRun(quiet, 'h1', 'ping -c 1 -W 1 172.30.0.2');
    expect(vxlanFdbList(vx(quiet, 'h2'))).toHaveLength(1);
  });

  it('ages learned entries out after the ageing time', () => {
    const w = overlay(42, 4789, 'ageing 20');
    mustRun(w, 'h1', 'ping -c 1 -W 1 172.30.0.2');
    expect(vxlanFdbList(vx(w, 'h2'))).toHaveLength(2);
    // past the neighbours' probes (which refresh the entry) and the ageing time
    mustRun(w, 'h2', 'sleep 60');
    expect(vxlanFdbList(vx(w, 'h2'))).toHaveLength(1);
  });

  it('leaves learned entries as they were after a probe', () => {
    const w = overlay();
    expect(probe(w, 'h1', '172.30.0.2').verdict.kind).toBe('reply');
    expect(vxlanFdbList(vx(w, 'h2'))).toHaveLength(1);
  });

  it('drops a datagram for a VNI nobody has, and a frame with no destination', () => {
    const w = twoHosts();
    mustRun(w, 'h1', 'ip link add vx0 type vxlan id 1 remote 10.0.0.2 dstport 4789 && ip addr add 172.30.0.1/24 dev vx0 && ip link set vx0 up');
    mustRun(w, 'h2', 'ip link add vx0 type vxlan id 2 remote 10.0.0.1 dstport 4789 && ip addr add 172.30.0.2/24 dev vx0 && ip link set vx0 up');
    const r = runCommand(w, 'h1', 'ping -c 1 -W 1 172.30.0.2');
    expect(r.trace.some((e) => e.verdict === 'VXLAN_VNI_NOT_FOUND' && e.netns === 'h2')).toBe(true);
    const bare = overlay();
    mustRun(bare, 'h1', 'bridge fdb del 00:00:00:00:00:00 dev vx0');
    const none = runCommand(bare, 'h1', 'ping -c 1 -W 1 172.30.0.2');
    expect(none.trace.some((e) => e.verdict === 'VXLAN_NO_REMOTE' && e.netns === 'h1')).toBe(true);
  });

  it('sends one copy per destination of the default entry, the first one last', () => {
    const w = twoHosts();
    mustRun(w, 'h1', 'ip link add vx0 type vxlan id 9 dstport 4789 && ip addr add 172.30.0.1/24 dev vx0 && ip link set vx0 up');
    mustRun(w, 'h1', 'bridge fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.2 && bridge fdb append 00:00:00:00:00:00 dev vx0 dst 10.0.0.3');
    const r = runCommand(w, 'h1', 'ping -c 1 -W 1 172.30.0.9');
    const firstArp = r.trace.filter((e) => e.verdict === 'VXLAN_ENCAP').slice(0, 2);
    expect(firstArp.map((e) => e.packet?.ip?.dst)).toEqual(['10.0.0.3', '10.0.0.2']);
  });

  it('takes the outer source port from the flow, inside srcport MIN MAX, the same both ways', () => {
    const w = overlay(42, 4789, 'srcport 40000 40010');
    const dev = vx(w, 'h1');
    const r = runCommand(w, 'h1', 'ping -c 1 -W 1 172.30.0.2');
    const ports = r.trace.filter((e) => e.verdict === 'VXLAN_ENCAP').map((e) => e.packet!.udp!.sport);
    for (const p of ports) expect(p >= 40000 && p < 40010).toBe(true);
    // request and reply of one flow
    expect(ports[2]).toBe(ports[3]);
    const frame = { pid: 1, src: dev.mac, dst: 'ff:ff:ff:ff:ff:ff' as Mac, arp: undefined, ip: undefined };
    expect(vxlanSrcPort(dev, frame)).toBe(vxlanSrcPort(dev, frame));
  });

  it('refuses an mtu the lower device cannot carry, and follows no later change of it', () => {
    const w = overlay();
    expect(vx(w, 'h1').mtu).toBe(1450);
    expect(runCommand(w, 'h1', 'ip link set vx0 mtu 1451').stderr).toBe('RTNETLINK answers: Invalid argument\n');
    mustRun(w, 'h1', 'ip link set eth0 mtu 9000 && ip link set vx0 mtu 8950');
  });

  it('closes its UDP socket with the last device on the port, and goes with its lower device', () => {
    const w = overlay();
    expect(runCommand(w, 'h1', 'ss -uan').stdout).toContain('0.0.0.0:4789');
    mustRun(w, 'h1', 'ip link set vx0 down');
    expect(runCommand(w, 'h1', 'ss -uan').stdout).not.toContain('4789');
    mustRun(w, 'h1', 'ip link del eth0');
    expect(w.netns('h1')!.devByName('vx0')).toBeUndefined();
  });
});
