import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { asIpv4 } from '../addr/ipv4';
import { World } from '../world';
import { chainIndex, iptDoTable, ruleMatches, type WalkParam } from './walk';
import { makeHookState, makeSkb } from './skb';
import { makeChain, type XtTable } from './tables';
import { IPT_INV, NF_INET, type Chain, type IptIp, type Rule } from './types';
import type { XtMatch } from './xt/matches';
import type { XtTarget } from './xt/targets';
import { probabilityText } from './save';

const ANY = asIpv4(0);
const ip = (o: Partial<IptIp> = {}): IptIp => ({ src: ANY, smsk: ANY, dst: ANY, dmsk: ANY, iniface: '', iniWild: false, outiface: '', outWild: false, proto: 0, frag: false, inv: 0, ...o });
const rule = (target: XtTarget, o: Partial<IptIp> = {}, matches: XtMatch[] = []): Rule => ({ ip: ip(o), matches, target, pkts: 0, bytes: 0 });
const jump = (chain: string, goto = false): XtTarget => ({ kind: 'jump', chain, goto });
const verdict = (v: 'ACCEPT' | 'DROP' | 'RETURN'): XtTarget => ({ kind: 'verdict', verdict: v });

function table(...chains: Chain[]): XtTable {
  return { name: 'filter', chains: new Map(chains.map((c) => [c.name, c])) };
}

function world() {
  const w = new World();
  w.addHost('h');
  return w.netns('h')!;
}

const param = (): WalkParam => ({ random: () => 0.5, tracer: undefined, journal: undefined, reject: () => undefined, nat: () => true, log: () => undefined });

function walk(t: XtTable, dst = 0x0a000001, proto = 17, dport = 53) {
  const ns = world();
  const skb = makeSkb(asIpv4(0x0a000002), asIpv4(dst), proto, 60);
  skb.dport = dport;
  return iptDoTable(t, skb, makeHookState(ns, NF_INET.LOCAL_IN, ns.devByName('lo'), undefined), param());
}

describe('ipt_do_table', () => {
  it('takes the first matching rule, counts it, and applies the policy when none matches', () => {
    const input = makeChain('INPUT', NF_INET.LOCAL_IN, 'DROP');
    input.stats = true;
    input.rules.push(rule(verdict('ACCEPT'), { proto: 6 }), rule(verdict('ACCEPT'), { proto: 17 }), rule(verdict('DROP')));
    expect(walk(table(input))).toBe('ACCEPT');
    expect(input.rules.map((r) => r.pkts)).toEqual([0, 1, 0]);
    input.rules.splice(1, 2);
    expect(walk(table(input))).toBe('DROP');
    expect(input.pkts).toBe(1);
  });

  it('returns from a jump to the rule after it, goes nowhere back after a goto', () => {
    const input = makeChain('INPUT', NF_INET.LOCAL_IN, 'ACCEPT');
    const a = makeChain('A', undefined);
    const b = makeChain('B', undefined);
    input.rules.push(rule(jump('A')), rule(verdict('DROP')));
    a.rules.push(rule(jump('B', true)), rule(verdict('ACCEPT')));
    b.rules.push(rule(verdict('RETURN')));
    // B returns past A (A was left by a goto): INPUT's next rule drops
    expect(walk(table(input, a, b))).toBe('DROP');
    a.rules[0] = rule(jump('B'));
    // now B returns into A, which accepts
    expect(walk(table(input, a, b))).toBe('ACCEPT');
  });

  it('falls to the policy when a RETURN leaves a built-in chain, and counts policies only with counters', () => {
    const input = makeChain('INPUT', NF_INET.LOCAL_IN, 'DROP');
    input.rules.push(rule(verdict('RETURN')));
    expect(walk(table(input))).toBe('DROP');
    expect(input.pkts).toBe(0);
  });

  it('inverts addresses and protocols with !', () => {
    const r = rule(verdict('ACCEPT'), { dst: asIpv4(0x0a000001), dmsk: asIpv4(0xffffffff), inv: IPT_INV.DSTIP });
    const ns = world();
    const st = makeHookState(ns, NF_INET.LOCAL_IN, undefined, undefined);
    const skb = makeSkb(ANY, asIpv4(0x0a000001), 1, 84);
    expect(ruleMatches(r, skb, st, param())).toBe(false);
    skb.dst = asIpv4(0x0a000009);
    expect(ruleMatches(r, skb, st, param())).toBe(true);
  });
});

describe('the index of a chain of destination rules', () => {
  const udp = (port: number): XtMatch => ({ kind: 'udp', spts: [0, 65535], dpts: [port, port], inv: 0 });

  it('answers as the linear walk does for any packet (random KUBE-SERVICES-like chains)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 7 }), fc.constantFrom(6, 17, 0), fc.integer({ min: 50, max: 55 })), { minLength: 16, maxLength: 60 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.constantFrom(6, 17, 1), fc.integer({ min: 49, max: 56 })), { minLength: 1, maxLength: 20 }),
        (rules, packets) => {
          const c = makeChain('KUBE-SERVICES', undefined);
          for (const [d, proto, port] of rules) {
            const m: XtMatch[] = proto === 17 ? [udp(port)] : proto === 6 ? [{ kind: 'tcp', spts: [0, 65535], dpts: [port, port], flgMask: 0, flgCmp: 0, option: 0, inv: 0 }] : [];
            c.rules.push(rule(verdict('ACCEPT'), { dst: asIpv4(0x0a600000 + d), dmsk: asIpv4(0xffffffff), proto }, m));
          }
          c.rules.push(rule(verdict('DROP')));
          expect(chainIndex(c)?.runEnd).toBe(rules.length);
          const ns = world();
          const st = makeHookState(ns, NF_INET.PRE_ROUTING, undefined, undefined);
          for (const [d, proto, port] of packets) {
            const skb = makeSkb(ANY, asIpv4(0x0a600000 + d), proto, 60);
            skb.dport = port;
            const linear = c.rules.findIndex((r) => ruleMatches(r, skb, st, param()));
            const before = c.rules.map((r) => r.pkts);
            const input = makeChain('PREROUTING', NF_INET.PRE_ROUTING);
            input.rules.push(rule(jump('KUBE-SERVICES')));
            iptDoTable(table(input, c), skb, st, param());
            const hit = c.rules.findIndex((r, i) => r.pkts !== before[i]);
            expect(hit).toBe(linear);
          }
        },
      ),
      { seed: 7, numRuns: 200 },
    );
  });
});

describe('probability text', () => {
  it('prints lround(2^31·p) with 11 decimals as glibc does, ties to even', () => {
    expect(probabilityText(Math.round(0x80000000 / 3))).toBe('0.33333333349');
    expect(probabilityText(0x40000000)).toBe('0.50000000000');
    expect(probabilityText(2 ** 19)).toBe('0.00024414062');
    expect(probabilityText(0x80000000)).toBe('1.00000000000');
  });
});
