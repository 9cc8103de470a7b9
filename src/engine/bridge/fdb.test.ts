/**
 * The bridge forwarding database: learning, ageing and per-port flushes (br_fdb.c), then the same
 * behaviour seen through the packet path on the lab's LAN switch (learn, forward, flood).
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { buildWorld } from '../../scenarios/runner';
import type { Mac } from '../addr/mac';
import { World } from '../world';
import { createBridge, createVeth, setLinkUp, setMaster } from '../netns/link';
import { brFdbDeletePort, brFdbFind, brFdbLearn } from './fdb';

const M1 = '02:00:00:00:00:01' as Mac;
const M2 = '02:00:00:00:00:02' as Mac;

function bridgeWithTwoPorts() {
  const w = new World({ seed: 7 });
  w.addHost('sw');
  const ns = w.netns('sw')!;
  const br = createBridge(ns, 'br0');
  const p1 = createVeth(ns, 'p1', 'p1x');
  const p2 = createVeth(ns, 'p2', 'p2x');
  for (const p of [p1, p2]) {
    setMaster(p, br);
    setLinkUp(p, true);
    setLinkUp(p.peer, true);
  }
  setLinkUp(br, true);
  return { w, br, p1, p2 };
}

describe('fdb: learn, find, age, flush', () => {
  it('learns a source address, refreshes it on the same port and moves it when the station moves', () => {
    const { br, p1, p2 } = bridgeWithTwoPorts();
    expect(brFdbLearn(br, p1, M1, 0)).toBe('learned');
    expect(brFdbLearn(br, p1, M1, 10)).toBe('refreshed');
    expect(br.fdb.get(M1)).toMatchObject({ port: p1, local: false, updated: 10 });
    expect(brFdbLearn(br, p2, M1, 20)).toBe('learned');
    expect(br.fdb.get(M1)?.port).toBe(p2);
  });

  it('never moves a local entry (the bridge\'s and its ports\' own addresses)', () => {
    const { br, p1, p2 } = bridgeWithTwoPorts();
    expect(br.fdb.get(p1.mac)).toMatchObject({ port: p1, local: true });
    expect(brFdbLearn(br, p2, p1.mac, 5)).toBe('local');
    expect(br.fdb.get(p1.mac)?.port).toBe(p1);
  });

  it('a learned entry expires after ageing_time (300 s); local entries never do', () => {
    const { br, p1 } = bridgeWithTwoPorts();
    brFdbLearn(br, p1, M1, 1000);
    expect(brFdbFind(br, M1, 1000 + 300_000)?.port).toBe(p1);
    expect(brFdbFind(br, M1, 1000 + 300_001)).toBeUndefined();
    expect(br.fdb.has(M1)).toBe(false);
    expect(brFdbFind(br, p1.mac, 10 ** 9)?.local).toBe(true);
  });

  it('flushing a port forgets what was learned there, and its own address only when it leaves', () => {
    const { br, p1, p2 } = bridgeWithTwoPorts();
    brFdbLearn(br, p1, M1, 0);
    brFdbLearn(br, p2, M2, 0);
    brFdbDeletePort(br, p1, false);
    expect(br.fdb.has(M1)).toBe(false);
    expect(br.fdb.has(M2)).toBe(true);
    expect(br.fdb.get(p1.mac)?.local).toBe(true);
    brFdbDeletePort(br, p1, true);
    expect(br.fdb.has(p1.mac)).toBe(false);
  });

  it('a port going down (or leaving the bridge) drops what was learned behind it', () => {
    const { br, p1, p2 } = bridgeWithTwoPorts();
    brFdbLearn(br, p1, M1, 0);
    setLinkUp(p1, false);
    expect(br.fdb.has(M1)).toBe(false);
    brFdbLearn(br, p2, M2, 0);
    setMaster(p2, null);
    expect(br.fdb.has(M2)).toBe(false);
    expect(br.fdb.has(p2.mac)).toBe(false);
  });
});

describe('the LAN switch, seen through the packet path', () => {
  const lan = () => {
    const w = buildWorld({ name: 'fdb', preset: 'fresh', steps: [] });
    const sw = w.netns('__lan_lan0')!;
    const br = sw.devByName('br0')!;
    if (br.kind !== 'bridge') throw new Error('br0 is a bridge');
    const mac = (host: string) => w.netns(host)!.devByName('eth0')!.mac;
    // what `bridge fdb show` lists: learned entries that have not aged out
    const learned = () =>
      [...br.fdb.values()]
        .filter((e) => !e.local && w.now - e.updated <= br.ageingTime * 1000)
        .map((e) => `${e.mac === mac('node01') ? 'node01' : e.mac === mac('node02') ? 'node02' : e.mac === mac('node03') ? 'node03' : e.mac} behind ${e.port.name}`)
        .sort();
    return { w, br, learned, mac };
  };

  it('knows every node from the start (their IPv6 announcements when the links came up), floods only the broadcast', () => {
    const { learned, w } = lan();
    expect(learned()).toEqual(['node01 behind p0', 'node02 behind p1', 'node03 behind p2']);
    const r = runCommand(w, 'node01', 'ping -c 1 192.168.1.12');
    const sw = r.trace.filter((e) => e.netns === '__lan_lan0');
    expect(sw.find((e) => e.verdict === 'FLOOD')?.text).toBe('br0: broadcast → flooded to p1, p2');
    // nothing new to learn, nothing else flooded: ARP reply, echo request and echo reply go straight
    expect(sw.filter((e) => e.verdict === 'FDB_LEARN')).toEqual([]);
    expect(sw.filter((e) => e.verdict === 'FLOOD')).toHaveLength(1);
    expect(sw.filter((e) => e.verdict === 'FDB_HIT').map((e) => e.dev)).toEqual(['p0', 'p1', 'p0']);
    // node03 saw the broadcast, and nothing else
    expect(r.trace.filter((e) => e.netns === 'node03').map((e) => e.packet?.arp?.op ?? e.packet?.icmp?.name)).toEqual(['request']);
  });

  it('a station the switch has forgotten is learned again from its next frame', () => {
    const { learned, w } = lan();
    w.advance(301_000);
    expect(learned()).toEqual([]);
    const r = runCommand(w, 'node01', 'ping -c 1 192.168.1.12');
    expect(r.trace.filter((e) => e.netns === '__lan_lan0' && e.verdict === 'FDB_LEARN').map((e) => e.dev)).toEqual(['p0', 'p1']);
    expect(learned()).toEqual(['node01 behind p0', 'node02 behind p1']);
  });

  it('`bridge fdb show` lists what the switch learned, without the aged entries', () => {
    const { w, mac } = lan();
    runCommand(w, 'node01', 'ping -c 1 192.168.1.12');
    const show = () => runCommand(w, '__lan_lan0', 'bridge fdb show br br0').stdout;
    expect(show()).toContain(`${mac('node01')} dev p0 master br0 \n`);
    // the last frame through the switch is node02's unicast ARP probe, 5 s after the ping (DELAY → PROBE)
    w.advance(306_000);
    expect(show()).not.toContain(`${mac('node01')} dev p0 master br0 \n`);
    expect(show()).toContain('master br0 permanent');
  });

  it('after ageing, a unicast frame to a forgotten station is flooded again (unknown unicast)', () => {
    const { w, learned, mac } = lan();
    runCommand(w, 'node01', 'ping -c 1 192.168.1.12');
    w.advance(306_000);
    // node01 still knows node02's MAC (STALE), so it sends unicast; the switch no longer knows where
    const r = runCommand(w, 'node01', 'ping -c 1 192.168.1.12');
    expect(r.exit).toBe(0);
    const flood = r.trace.find((e) => e.netns === '__lan_lan0' && e.verdict === 'FLOOD');
    expect(flood?.text).toBe(`br0: no fdb entry for ${mac('node02')} → flooded to p1, p2`);
    expect(learned()).toEqual(['node01 behind p0', 'node02 behind p1']);
  });
});
