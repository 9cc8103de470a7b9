import { describe, expect, it } from 'vitest';
import { asIpv4 } from '../addr/ipv4';
import { randomChoice, randomChoiceWords } from './balance';
import { makeChain } from './tables';
import type { IptIp, Rule } from './types';
import type { XtMatch } from './xt/matches';

const ANY = asIpv4(0);
const ip: IptIp = { src: ANY, smsk: ANY, dst: ANY, dmsk: ANY, iniface: '', iniWild: false, outiface: '', outWild: false, proto: 0, frag: false, inv: 0 };
/** the statistic match as iptables stores --probability p */
const stat = (p: number, invert = false): XtMatch => ({ kind: 'statistic', mode: 'random', probability: Math.round(p * 0x80000000), every: 0, packet: 0, invert, count: { n: 0 } });
const comment = (c: string): XtMatch => ({ kind: 'comment', comment: c });
const to = (chain: string, ...matches: XtMatch[]): Rule => ({ ip, matches, target: { kind: 'jump', chain, goto: false }, pkts: 0, bytes: 0 });

/** kube-proxy's KUBE-SVC chain for k endpoints: a masquerade mark first, then 1/k, 1/(k-1), …, the last unconditional */
function svcChain(k: number) {
  const c = makeChain('KUBE-SVC-TEST', undefined);
  c.rules.push(to('KUBE-MARK-MASQ'));
  for (let i = 0; i < k; i++) {
    const m = [comment(`default/web:http -> 10.244.${i + 1}.2:8080`)];
    if (i < k - 1) m.push(stat(1 / (k - i)));
    c.rules.push(to(`KUBE-SEP-${i}`, ...m));
  }
  return c;
}

describe('randomChoice', () => {
  it('gives every endpoint of a kube-proxy chain the same share, whichever rule the draw chose', () => {
    for (const k of [2, 3, 5]) {
      const c = svcChain(k);
      for (let chosen = 2; chosen <= k + 1; chosen++) {
        const choice = randomChoice(c, chosen)!;
        expect(choice.candidates.map((x) => x.num)).toEqual(Array.from({ length: k }, (_, i) => i + 2));
        expect(choice.candidates[choice.chosen].num).toBe(chosen);
        for (const x of choice.candidates) expect(x.share).toBeCloseTo(1 / k, 8);
      }
    }
  });

  it('is no choice for a rule no draw decided: the mark before the run, a lone endpoint', () => {
    expect(randomChoice(svcChain(3), 1)).toBeUndefined();
    expect(randomChoice(svcChain(1), 2)).toBeUndefined();
  });

  it('shares by the stored probabilities when they are not kube-proxy’s (inverted, uneven)', () => {
    const c = makeChain('LB', undefined);
    c.rules.push(to('A', stat(0.25)), to('B', stat(0.75, true)), to('C'));
    const choice = randomChoice(c, 3)!;
    // A 0.25; B 0.75 × 0.25; C the rest
    expect(choice.candidates.map((x) => x.share)).toEqual([0.25, 0.75 * 0.25, 0.75 * 0.75].map((v) => expect.closeTo(v, 8)));
  });

  it('words the chosen rule first and the others with their shares and probabilities', () => {
    const c = svcChain(3);
    expect(randomChoiceWords(c, randomChoice(c, 3)!)).toBe(
      'KUBE-SVC-TEST: the random draw chose rule 3 → KUBE-SEP-1 "default/web:http -> 10.244.2.2:8080" 33.3% (--probability 0.50000000000) of 3 candidates; ' +
        'the others: rule 2 → KUBE-SEP-0 "default/web:http -> 10.244.1.2:8080" 33.3% (--probability 0.33333333349); rule 4 → KUBE-SEP-2 "default/web:http -> 10.244.3.2:8080" 33.3% (the rest)',
    );
  });
});
