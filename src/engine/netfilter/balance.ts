/**
 * Load balancing by `-m statistic --mode random`, as the trace explains it.
 *
 * A chain that spreads packets over k targets (kube-proxy's KUBE-SVC-…) holds k rules: the i-th of
 * the first k − 1 matches with probability p_i, the last with none (everything left). A packet
 * reaches rule i only when every rule before it missed, so the share of packets rule i takes is
 * p_i × Π_{j<i} (1 − p_j); with kube-proxy's 1/k, 1/(k−1), …, 1/2 every target gets 1/k.
 * The trace shows the rule the draw chose together with the others and their shares.
 */
import { probabilityText, targetSave } from './save';
import type { Chain, Rule } from './types';
import type { StatisticMatch } from './xt/matches';

/** One rule of a random choice: its number in the chain, its target and comment, its share. */
export interface BalanceCandidate {
  num: number;
  rule: Rule;
  /** the rule's own probability of matching once reached (1 for the last, unconditional rule) */
  probability: number;
  /** the share of the packets reaching the group that this rule takes */
  share: number;
}

export interface RandomChoice {
  candidates: BalanceCandidate[];
  /** index into candidates of the rule that took this packet */
  chosen: number;
}

const randomStatistic = (r: Rule): StatisticMatch | undefined => {
  for (const m of r.matches) if (m.kind === 'statistic' && m.mode === 'random') return m;
  return undefined;
};

/** The probability a random statistic match holds: the kernel compares against lround(2^31 × p). */
const matchProbability = (m: StatisticMatch): number => {
  const p = m.probability / 0x80000000;
  return m.invert ? 1 - p : p;
};

/**
 * The random choice the matched rule `num` (1-based) belongs to: the run of rules with a random
 * statistic match it is part of, plus the first rule after the run (taken when every draw missed).
 * Undefined when the rule was not chosen by a draw.
 */
export function randomChoice(chain: Chain, num: number): RandomChoice | undefined {
  const rules = chain.rules;
  const at = num - 1;
  if (at < 0 || at >= rules.length) return undefined;
  let start = at;
  if (randomStatistic(rules[at]) === undefined) {
    // the fallback rule of a run: only when the rule before it was a draw
    if (at === 0 || randomStatistic(rules[at - 1]) === undefined) return undefined;
    start = at - 1;
  }
  while (start > 0 && randomStatistic(rules[start - 1]) !== undefined) start--;
  let end = start;
  while (end < rules.length && randomStatistic(rules[end]) !== undefined) end++;
  // `end` is the fallback (when there is one): the rule every missed draw falls through to
  const last = Math.min(end, rules.length - 1);
  const candidates: BalanceCandidate[] = [];
  let left = 1;
  for (let i = start; i <= last; i++) {
    const m = randomStatistic(rules[i]);
    const probability = m === undefined ? 1 : matchProbability(m);
    candidates.push({ num: i + 1, rule: rules[i], probability, share: left * probability });
    left *= 1 - probability;
  }
  return { candidates, chosen: at - start };
}

const commentOf = (r: Rule): string | undefined => {
  for (const m of r.matches) if (m.kind === 'comment') return m.comment;
  return undefined;
};

const percent = (share: number): string => `${(Math.round(share * 1000) / 10).toFixed(1)}%`;

/** `rule 2 → KUBE-SEP-ABC "default/web:http -> 10.244.2.3:8080" 33.3% (--probability 0.50000000000)` */
function candidateWords(c: BalanceCandidate): string {
  const comment = commentOf(c.rule);
  const target = targetSave(c.rule.target).replace(/^ -[jg] /, '');
  const m = randomStatistic(c.rule);
  const p = m === undefined ? 'the rest' : `${m.invert ? '! ' : ''}--probability ${probabilityText(m.probability)}`;
  return `rule ${c.num} → ${target}${comment === undefined ? '' : ` "${comment}"`} ${percent(c.share)} (${p})`;
}

/** The sentence of the random choice, the chosen rule first, then the other candidates in chain order. */
export function randomChoiceWords(chain: Chain, choice: RandomChoice): string {
  const chosen = choice.candidates[choice.chosen];
  const others = choice.candidates.filter((_, i) => i !== choice.chosen);
  const head = `${chain.name}: the random draw chose ${candidateWords(chosen)} of ${choice.candidates.length} candidates`;
  return others.length === 0 ? head : `${head}; the others: ${others.map(candidateWords).join('; ')}`;
}
