/**
 * probe(): a one-packet "what if" for the canvas (can A reach B?) that must leave the lab exactly
 * as it was — no neighbour, fdb, clock, counter or trace change — while answering like ping would.
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../commands';
import { buildWorld } from '../../scenarios/runner';
import type { World } from '../world';
import { probe } from './probe';
import { softState } from '../../../tests/fuzz/invariants';

const lab = (preset: string) => buildWorld({ name: `probe-${preset}`, preset, steps: [] });

/** Everything observable about a world, including what the snapshot leaves out. */
const everything = (w: World): string => JSON.stringify(w.snapshot()) + softState(w);

describe('probe', () => {
  it('answers like ping, and leaves no trace in the lab', () => {
    const w = lab('routed');
    const before = everything(w);
    const r = probe(w, 'pod1', '10.244.2.2');
    expect(r.ok).toBe(true);
    expect(r.summary).toBe('reply');
    expect(r.trace.some((e) => e.verdict === 'LOCAL_DELIVER' && e.netns === 'pod2')).toBe(true);
    expect(everything(w)).toBe(before);
    // the probe's trace is its own: the next command's trace does not include it
    expect(w.drainTrace()).toEqual([]);
  });

  it('gives the same answer every time, because nothing it learned was kept', () => {
    const w = lab('routed');
    const a = probe(w, 'pod1', '10.244.3.2');
    const b = probe(w, 'pod1', '10.244.3.2');
    expect(b.trace.map((e) => [e.netns, e.dev, e.verdict])).toEqual(a.trace.map((e) => [e.netns, e.dev, e.verdict]));
    // a real ping fills the caches: its second run no longer needs ARP
    runCommand(w, 'pod1', 'ping -c 1 10.244.3.2');
    const c = runCommand(w, 'pod1', 'ping -c 1 10.244.3.2');
    expect(c.trace.filter((e) => e.verdict === 'NEIGH_RESOLVE')).toEqual([]);
    expect(a.trace.filter((e) => e.verdict === 'NEIGH_RESOLVE').length).toBeGreaterThan(0);
  });

  it('walks every neighbour state (stale, delay, probe, failed) and still leaves the lab as it was', () => {
    // two identical labs; only the first is probed, at each stage of the neighbour state machine
    const probed = lab('routed');
    const twin = lab('routed');
    const both = (f: (w: World) => void) => [probed, twin].forEach(f);
    both((w) => runCommand(w, 'pod1', 'ping -c 1 10.244.2.2'));
    const stages: [string, (w: World) => void][] = [
      ['reachable', () => {}],
      ['stale after the reachable time', (w) => w.advance(60_000)],
      ['a real ping moves stale entries to delay', (w) => runCommand(w, 'pod1', 'ping -c 1 -W 1 10.244.2.2')],
      ['pod2 gone: probes, then failed', (w) => runCommand(w, 'pod2', 'ip link set veth-pod2 down')],
      ['while the failed ARP is still being retried', (w) => w.advance(1_500)],
      ['long after', (w) => w.advance(120_000)],
    ];
    for (const [stage, step] of stages) {
      both(step);
      const before = everything(probed);
      expect(everything(twin), stage).toBe(before);
      for (const to of ['10.244.2.2', '10.244.3.2', '192.168.1.12', '10.244.1.1']) probe(probed, 'pod1', to, { trace: to !== '10.244.3.2' });
      expect(everything(probed), stage).toBe(before);
    }
    // and the futures agree: timers armed before the probes fire the same way in both
    both((w) => w.advance(5_000));
    const a = runCommand(probed, 'node02', 'ip neigh show');
    const b = runCommand(twin, 'node02', 'ip neigh show');
    expect(a.stdout).toBe(b.stdout);
    expect(everything(probed)).toBe(everything(twin));
  });

  it('before the routes: "Network is unreachable", and the world is untouched', () => {
    const w = lab('before-routes');
    const before = everything(w);
    expect(probe(w, 'node01', '10.244.2.2')).toMatchObject({ ok: false, summary: 'Network is unreachable' });
    expect(everything(w)).toBe(before);
  });

  it('with forwarding off at node02 it names where the packet died', () => {
    const w = lab('before-routes');
    runCommand(w, 'node01', 'ip route add 10.244.2.2 via 192.168.1.12');
    const before = everything(w);
    const r = probe(w, 'node01', '10.244.2.2');
    expect(r).toMatchObject({ ok: false, summary: 'dropped at node02: IP_FORWARDING_DISABLED' });
    expect(everything(w)).toBe(before);
  });

  it('reports an ICMP error as ping would print it', () => {
    const w = lab('routed');
    runCommand(w, 'node01', 'ip route add 10.9.0.0/16 via 192.168.1.12');
    expect(probe(w, 'node01', '10.9.1.1')).toMatchObject({ ok: false, summary: 'Destination Net Unreachable from 192.168.1.12' });
  });

  it('refuses what is not a dotted quad or not a host, without touching anything', () => {
    const w = lab('routed');
    const before = everything(w);
    expect(probe(w, 'pod1', 'pod2')).toMatchObject({ ok: false, summary: 'bad address pod2' });
    expect(probe(w, 'nowhere', '10.244.2.2')).toMatchObject({ ok: false, summary: 'no host nowhere' });
    expect(everything(w)).toBe(before);
  });

  it('keeps tracing off when asked, and restores the tracing flag after', () => {
    const w = lab('routed');
    w.tracing = true;
    expect(probe(w, 'pod1', '10.244.2.2', { trace: false }).trace).toEqual([]);
    expect(w.tracing).toBe(true);
  });
});
