/**
 * Random sequences of topology edits (hosts, LANs, cables), commands, waiting and probes, with the
 * engine's invariants checked after every step against brute-force oracles (see invariants.ts).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../src/commands';
import { tokenize } from '../../src/commands/shell/tokenize';
import { probe } from '../../src/engine/ipv4/probe';
import { parseIpv4 } from '../../src/engine/addr/ipv4';
import type { World } from '../../src/engine/world';
import { ADDRS, anyLine, presetName, shellNetns, simpleLine, worldAt } from './arbitraries';
import { gatewayBaseline, gatewayViolations, interestingAddrs, lookupViolations, softState, structuralViolations, tablesOf } from './invariants';

const SLOW = 60_000;

type Op =
  | { kind: 'cmd'; on: string; line: string }
  | { kind: 'host'; name: string }
  | { kind: 'lan'; name: string; members: string[] }
  | { kind: 'member'; lan: string; member: string }
  | { kind: 'link'; a: string; b: string }
  | { kind: 'removeHost'; name: string }
  | { kind: 'removeLan'; name: string }
  | { kind: 'wait'; ms: number }
  | { kind: 'probe'; from: string; dst: string };

const hostName = fc.constantFrom('node01', 'node02', 'pod1', 'h1', 'h2', 'r1', 'bad name', '__lan_x', '');
// mostly hosts that exist and a few interface names, so that clashes and duplicates are common
const endpoint = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('node01', 'pod1', 'h1'), fc.constantFrom('eth1', 'eth2')).map(([h, i]) => `${h}:${i}`) },
  { weight: 1, arbitrary: fc.tuple(hostName, fc.constantFrom('eth0', 'eth1', 'lo', 'averyveryverylongname', 'a:b', '')).map(([h, i]) => `${h}:${i}`) },
  { weight: 1, arbitrary: fc.constantFrom('node01', 'node01:eth1:x', ':') },
);
const lanName = fc.constantFrom('lan0', 'lan1', 'lan2', 'wan', 'bad lan');
const lanMembers = fc.oneof(fc.array(endpoint, { maxLength: 3 }), fc.array(fc.constantFrom('node01:eth1', 'node02:eth1', 'pod1:eth1'), { minLength: 2, maxLength: 3 }));

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('cmd' as const), on: fc.oneof(shellNetns, fc.constantFrom('h1', 'h2', 'r1')), line: anyLine }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('cmd' as const), on: fc.constantFrom('h1', 'h2', 'r1', 'node01', 'pod1'), line: simpleLine }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('host' as const), name: hostName }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('lan' as const), name: lanName, members: lanMembers }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('member' as const), lan: lanName, member: endpoint }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('link' as const), a: endpoint, b: endpoint }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeHost' as const), name: fc.constantFrom('node01', 'node02', 'pod1', 'pod2', 'router', 'h1', 'ghost') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeLan' as const), name: lanName }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(500, 5_000, 40_000, 400_000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('probe' as const), from: shellNetns, dst: fc.constantFrom(...ADDRS) }) },
);

function picture(w: World): string {
  const { version: _v, ...rest } = w.snapshot();
  return JSON.stringify(rest);
}

function apply(w: World, o: Op): string[] {
  const bad: string[] = [];
  switch (o.kind) {
    case 'cmd': {
      const t = tokenize(o.line);
      const single = t.ok && t.list.length === 1;
      const baselines = single ? new Map(w.allNetns().map((ns) => [ns, gatewayBaseline(ns)])) : undefined;
      runCommand(w, o.on, o.line);
      if (baselines) for (const [ns, b] of baselines) if (w.netns(ns.name) === ns) bad.push(...gatewayViolations(ns, b).map((v) => `${o.on}$ ${o.line}: ${v}`));
      break;
    }
    case 'probe': {
      const before = picture(w) + softState(w);
      const r = probe(w, o.from, o.dst);
      expect(typeof r.summary).toBe('string');
      if (picture(w) + softState(w) !== before) bad.push(`probe ${o.from} → ${o.dst} changed the world`);
      break;
    }
    case 'wait':
      w.budgetUsed = 0;
      w.advance(o.ms);
      break;
    default: {
      // topology edits either succeed or refuse with an error, leaving the world as it was
      const before = picture(w);
      try {
        if (o.kind === 'host') w.addHost(o.name);
        else if (o.kind === 'lan') w.addLan(o.name, o.members);
        else if (o.kind === 'member') w.addLanMember(o.lan, o.member);
        else if (o.kind === 'removeHost') w.removeHost(o.name);
        else if (o.kind === 'removeLan') w.removeLan(o.name);
        else w.addLink(o.a, o.b);
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        if (picture(w) !== before) bad.push(`${JSON.stringify(o)} threw "${(e as Error).message}" after changing the world`);
      }
    }
  }
  return bad;
}

function fibViolations(w: World): string[] {
  const fixed = ['10.244.2.2', '10.244.1.1', '192.168.1.12', '8.8.8.8', '0.0.0.0', '255.255.255.255'].map((a) => parseIpv4(a)!);
  return w.allNetns().flatMap((ns) => {
    const addrs = interestingAddrs(ns, fixed);
    return tablesOf(ns).flatMap((t) => lookupViolations(t, addrs, `${ns.name} table ${t.id}`));
  });
}

describe('the invariant checkers', () => {
  it('pass on every preset and catch a corrupted world', () => {
    for (const p of ['empty', 'fresh', 'bridges', 'pods', 'routed', 'single-network']) expect(structuralViolations(worldAt(p)), p).toEqual([]);
    const w = worldAt('routed');
    const node01 = w.netns('node01')!;
    const port = node01.devByName('veth-pod1-br')!;
    const br = node01.devByName('v-net-0')!;
    if (br.kind !== 'bridge') throw new Error('v-net-0 is a bridge');
    br.ports = br.ports.filter((p) => p !== port);
    expect(structuralViolations(w)).toContain('node01: veth-pod1-br says master v-net-0, which does not list it');
  });

  it('gateway check flags a route whose gateway was not on link', () => {
    const w = worldAt('routed');
    const ns = w.netns('node01')!;
    const before = gatewayBaseline(ns);
    const eth0 = ns.devByName('eth0')!;
    ns.main.insert({ table: 254, type: 'unicast', dst: parseIpv4('10.9.0.0')!, plen: 16, metric: 0, proto: 3, scope: 0, nh: { gw: parseIpv4('172.16.0.1')!, dev: eth0, onlink: false, scope: 253 } }, 'add');
    expect(gatewayViolations(ns, before)).toHaveLength(1);
  });
});

describe('engine invariants under random topology edits and commands', () => {
  it('hold after every step', () => {
    fc.assert(
      fc.property(presetName, fc.array(op, { minLength: 1, maxLength: 12 }), (preset, ops) => {
        const w = worldAt(preset);
        expect(structuralViolations(w)).toEqual([]);
        for (const o of ops) {
          const bad = [...apply(w, o), ...structuralViolations(w), ...fibViolations(w)];
          expect(bad, JSON.stringify(o)).toEqual([]);
        }
      }),
      { seed: 0x1a7a01, numRuns: 250 },
    );
  }, SLOW);

  it('the event queue drains: after the last command, timers settle and nothing is left scheduled', () => {
    fc.assert(
      fc.property(presetName, fc.array(fc.tuple(shellNetns, anyLine), { minLength: 1, maxLength: 5 }), (preset, steps) => {
        const w = worldAt(preset);
        for (const [on, line] of steps) runCommand(w, on, line);
        // neighbour timers (reachable → stale, probes → failed) end within minutes of virtual time
        w.budgetUsed = 0;
        w.advance(10 * 60_000);
        expect(w.queue.size, steps.map(([on, l]) => `${on}$ ${l}`).join('\n')).toBe(0);
        // what stays open belongs to a program still running (a daemon, a background job): none is orphaned
        for (const ns of w.allNetns()) {
          const orphans = ns.sockets.all().filter((sk) => !sk.owner || w.tasks.get(sk.owner.pid)?.netns !== ns);
          expect(orphans.map((sk) => `${sk.proto} :${sk.lport}`), ns.name).toEqual([]);
        }
      }),
      { seed: 0x1a7a02, numRuns: 200 },
    );
  }, SLOW);

  it('pinned: a LAN listing one interface twice is refused before anything is built', () => {
    const w = worldAt('routed');
    const before = picture(w);
    expect(() => w.addLan('lan9', ['node01:eth1', 'node01:eth1'])).toThrow('listed twice');
    expect(picture(w)).toBe(before);
    expect(w.lans.map((l) => l.name)).toEqual(['lan0']);
  });

  it('a forwarding loop ends by TTL: pings into a routing loop come back as "Time to live exceeded"', () => {
    const w = worldAt('routed');
    // node01 and node02 each send 10.9.0.0/16 to the other
    for (const [on, line] of [
      ['node01', 'ip route add 10.9.0.0/16 via 192.168.1.12'],
      ['node02', 'ip route add 10.9.0.0/16 via 192.168.1.11'],
    ]) {
      expect(runCommand(w, on, line).exit).toBe(0);
    }
    const r = runCommand(w, 'pod1', 'ping -c 2 -W 1 10.9.1.1');
    expect(r.exit).toBe(1);
    expect(r.stdout).toMatch(/From 192\.168\.1\.1[12] icmp_seq=1 Time to live exceeded/);
    expect(r.trace.some((e) => e.verdict === 'IP_INHDR_TTL')).toBe(true);
    expect(r.stderr).toBe('');
    expect(structuralViolations(w)).toEqual([]);
  });

  it('a bridge loop ends by the event budget with a message, and the lab still works afterwards', () => {
    const w = worldAt('routed');
    // both ends of one veth pair on the same bridge: every broadcast comes back in and is flooded again
    for (const line of ['ip link add l1 type veth peer name l2', 'ip link set l1 master v-net-0 up', 'ip link set l2 master v-net-0 up']) {
      expect(runCommand(w, 'node01', line).exit, line).toBe(0);
    }
    const r = runCommand(w, 'pod1', 'ping -c 1 -W 1 10.244.1.77');
    expect(r.exit).toBe(1);
    expect(r.stderr).toContain('ping: stopped by Hoplab: frames or packets went round in circles (a bridge loop');
    // ping still reports what it sent: the statistics are printed, as on Ctrl+C
    expect(r.stdout).toContain('1 packets transmitted, 0 received');
    expect(w.tasks.size).toBe(0);
    // the kernel's timers were armed again after the cut: the neighbour goes on probing (each probe
    // starts the storm again, cut again) until it fails, then nothing is left to run
    for (let i = 0; i < 20 && w.queue.size > 0; i++) w.advance(1000);
    expect(w.queue.size).toBe(0);
    expect(structuralViolations(w)).toEqual([]);
    // the next command has a fresh budget and the rest of the lab is unharmed
    const after = runCommand(w, 'pod2', 'ping -c 1 10.244.3.2');
    expect(after.exit).toBe(0);
    expect(after.stderr).toBe('');
  });
});
