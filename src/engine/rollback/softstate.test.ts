/**
 * The soft-state registry: one list that rollbacks and the fuzz oracle share, so a kind of state
 * registered once is saved, restored and compared everywhere.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { parseIpv4 } from '../addr/ipv4';
import type { Netns } from '../netns/netns';
import { registerSoftState, softStateDigest, softStateNames } from './softstate';
import { twoHosts } from '../../commands/testLab';


describe('soft-state registry', () => {
  it('holds what packets change: neighbours, FDBs, peers, redirects, sockets, and the world’s clock, counters and generator', () => {
    expect(softStateNames()).toEqual(expect.arrayContaining(['neighbours', 'fdb', 'inet peers', 'redirects', 'sockets', 'clock, trace and counters', 'rng']));
  });

  it('a new kind of state is one registration: rollbacks save and restore it per namespace', () => {
    const marks = new WeakMap<Netns, number>();
    registerSoftState<never, number>({
      name: 'test marks',
      netns: { save: (ns) => marks.get(ns) ?? 0, restore: (ns, n) => void marks.set(ns, n) },
      netnsDigest: (ns) => marks.get(ns) ?? 0,
    });
    const w = twoHosts('a', 'b');
    const a = w.netns('a')!;
    marks.set(a, 1);
    const before = softStateDigest(w);
    w.withRollback(() => {
      w.willChange(a);
      marks.set(a, 2);
      w.withRollback(() => {
        w.willChange(a);
        marks.set(a, 3);
      });
      expect(marks.get(a)).toBe(2);
    });
    expect(marks.get(a)).toBe(1);
    expect(softStateDigest(w)).toBe(before);
  });

  it('the digest sees what the old hand list missed: a neighbour’s router flag, a redirect’s expiry, the generator', () => {
    const w = twoHosts('a', 'b');
    const a = w.netns('a')!;
    runCommand(w, 'a', 'ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev eth0');
    let d = softStateDigest(w);
    runCommand(w, 'a', 'ip neigh replace 10.0.0.9 lladdr 02:00:00:00:00:09 dev eth0 router');
    expect(softStateDigest(w)).not.toBe(d);
    a.redirects.set(parseIpv4('10.9.0.1')!, parseIpv4('10.0.0.2')!);
    a.redirectExpiry.set(parseIpv4('10.9.0.1')!, 1000);
    d = softStateDigest(w);
    a.redirectExpiry.set(parseIpv4('10.9.0.1')!, 2000);
    expect(softStateDigest(w)).not.toBe(d);
    d = softStateDigest(w);
    w.random();
    expect(softStateDigest(w)).not.toBe(d);
  });

  it('a probe’s ping identifiers and ports go back with it: the next ping is the one an unprobed lab sends', () => {
    const probed = twoHosts('a', 'b');
    const twin = twoHosts('a', 'b');
    probed.withRollback(() => runCommand(probed, 'a', 'ping -c 1 -W 1 10.0.0.2; traceroute -n -q 1 -m 1 10.0.0.2'));
    expect(softStateDigest(probed)).toBe(softStateDigest(twin));
  });
});
