/**
 * The neighbour (ARP) state machine on virtual time, as `ip neigh` shows it on node01 of the lab:
 * INCOMPLETE → REACHABLE → STALE → DELAY → PROBE → REACHABLE, and INCOMPLETE → FAILED.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { buildWorld } from '../../scenarios/runner';
import { parseIpv4 } from '../addr/ipv4';
import { ARP_PARMS } from './table';

function lan() {
  const world = buildWorld({ name: 'nud', preset: 'fresh', steps: [] });
  const node01 = world.netns('node01')!;
  const eth0 = node01.devByName('eth0')!;
  const state = (ip: string) => node01.neigh.get(eth0, parseIpv4(ip)!)?.state ?? 'none';
  const run = (line: string, on = 'node01') => runCommand(world, on, line);
  return { world, node01, state, run };
}

describe('neighbour states on virtual time', () => {
  it('a first ping resolves the gateway: INCOMPLETE while the ARP request is out, then REACHABLE', () => {
    const { state, run } = lan();
    expect(state('192.168.1.12')).toBe('none');
    const r = run('ping -c 1 192.168.1.12');
    expect(r.trace.map((e) => e.verdict)).toContain('NEIGH_RESOLVE');
    expect(state('192.168.1.12')).toBe('REACHABLE');
    expect(run('ip neigh').stdout).toMatch(/^192\.168\.1\.12 dev eth0 lladdr ([0-9a-f]{2}:){5}[0-9a-f]{2} REACHABLE \n$/);
    // node02 learned node01 from the request, then confirmed it by its own ARP exchange or kept it
    expect(run('ip neigh', 'node02').stdout).toContain('192.168.1.11 dev eth0 lladdr');
  });

  it('REACHABLE lasts base_reachable_time/2 … 3/2 (15–45 s), then turns STALE and stays so without traffic', () => {
    const { world, state, run } = lan();
    run('ping -c 1 192.168.1.12');
    world.advance(ARP_PARMS.baseReachableTime / 2 - 100);
    expect(state('192.168.1.12')).toBe('REACHABLE');
    world.advance(ARP_PARMS.baseReachableTime + 200);
    expect(state('192.168.1.12')).toBe('STALE');
    world.advance(10 * 60_000);
    expect(state('192.168.1.12')).toBe('STALE');
    expect(world.queue.size).toBe(0);
  });

  it('sending through a STALE entry: DELAY at once, after delay_probe_time (5 s) a unicast probe, then REACHABLE again', () => {
    const { world, state, run } = lan();
    run('ping -c 1 192.168.1.12');
    world.advance(60_000);
    expect(state('192.168.1.12')).toBe('STALE');
    const r = run('ping -c 1 192.168.1.12');
    expect(r.exit).toBe(0);
    expect(r.trace.some((e) => e.verdict === 'NEIGH_HIT' && e.netns === 'node01')).toBe(true);
    expect(state('192.168.1.12')).toBe('DELAY');
    world.drainTrace();
    world.advance(ARP_PARMS.delayProbeTime - 100);
    expect(state('192.168.1.12')).toBe('DELAY');
    world.advance(200);
    expect(state('192.168.1.12')).toBe('REACHABLE');
    // the probe went to the known address, not to everybody
    const probe = world.drainTrace().find((e) => e.verdict === 'XMIT' && e.netns === 'node01' && e.packet?.arp?.op === 'request');
    expect(probe?.packet?.eth?.dst).not.toBe('ff:ff:ff:ff:ff:ff');
  });

  it('nobody answers: three broadcast probes one second apart, then FAILED and "Destination Host Unreachable" from ourselves', () => {
    const { world, state, run } = lan();
    const t0 = world.now;
    const r = run('ping -c 1 -W 5 192.168.1.99');
    expect(r.exit).toBe(1);
    expect(r.stdout).toContain('From 192.168.1.11 icmp_seq=1 Destination Host Unreachable');
    const asks = r.trace.filter((e) => e.netns === 'node01' && e.verdict === 'XMIT' && e.packet?.arp?.op === 'request');
    expect(asks).toHaveLength(ARP_PARMS.ucastProbes);
    expect(asks.map((e) => Math.round(e.time - asks[0].time))).toEqual([0, 1000, 2000]);
    expect(r.trace.some((e) => e.verdict === 'NEIGH_FAILED' && e.netns === 'node01')).toBe(true);
    expect(state('192.168.1.99')).toBe('FAILED');
    expect(run('ip neigh show 192.168.1.99').stdout).toBe('192.168.1.99 dev eth0 FAILED \n');
    // the error came after the third probe's second, not at the ping's own timeout
    expect(world.now - t0).toBeLessThan(5000);
  });

  it('INCOMPLETE is what `ip neigh` shows while the answer is still out', () => {
    const { state, run } = lan();
    run('ping -c 1 -W 0.5 192.168.1.99');
    expect(state('192.168.1.99')).toBe('INCOMPLETE');
    expect(run('ip neigh show dev eth0').stdout).toBe('192.168.1.99 INCOMPLETE \n');
  });

  it('a permanent entry set by hand is used without ARP and survives time', () => {
    const { world, state, run } = lan();
    const mac = world.netns('node02')!.devByName('eth0')!.mac;
    expect(run(`ip neigh add 192.168.1.12 lladdr ${mac} dev eth0`).exit).toBe(0);
    const r = run('ping -c 1 192.168.1.12');
    expect(r.exit).toBe(0);
    // node01 asks nobody (node02 still asks for node01, to answer)
    expect(r.trace.filter((e) => e.verdict === 'XMIT' && e.packet?.arp?.senderIp === '192.168.1.11' && e.packet.arp.op === 'request')).toEqual([]);
    world.advance(10 * 60_000);
    expect(state('192.168.1.12')).toBe('PERMANENT');
  });

  it('a device going down forgets its neighbours', () => {
    const { state, run } = lan();
    run('ping -c 1 192.168.1.12');
    run('ip link set eth0 down');
    expect(state('192.168.1.12')).toBe('none');
    expect(run('ip neigh').stdout).toBe('');
  });
});
