/**
 * Netfilter in the trace: every rule that matched and what it did (a jump, a goto, a verdict, a
 * target that goes on), every policy taken, every NAT rewrite with the headers before and after,
 * and a drop explained by the rule that dropped it with the command that would undo it.
 *
 *   node01: nat PREROUTING rule 1 "-A PREROUTING -m comment --comment … -j KUBE-SERVICES" → jump KUBE-SERVICES
 */
import { formatIpv4 } from '../addr/ipv4';
import { nsLabel, type Netns } from '../netns/netns';
import type { NfHookState } from '../nf/hooks';
import { PacketEvent } from '../sim/packetEvent';
import { Verdict } from '../sim/trace';
import type { Ipv4Packet } from '../wire/ipv4';
import { describePacket } from '../wire/ipv4';
import { ipView } from '../wire/view';
import { randomChoice, randomChoiceWords, type RandomChoice } from './balance';
import { ruleSave, targetSave } from './save';
import type { Chain, Rule, TableName } from './types';
import type { WalkTracer } from './walk';

/** What decided last in a walk (for the drop explanation). */
interface Decision {
  chain: Chain;
  num: number;
  rule: Rule | undefined;
}

export interface NfTracer extends WalkTracer {
  last: Decision | undefined;
}

const tableWords = (table: TableName) => (table === 'filter' ? '' : `-t ${table} `);

const choiceWords = (_e: PacketEvent, ns: Netns, table: TableName, c: [Chain, RandomChoice]) => `${nsLabel(ns)}: ${table} ${randomChoiceWords(c[0], c[1])}`;

const ruleWords = (_e: PacketEvent, ns: Netns, what: string, verdict: string) => `${nsLabel(ns)}: ${what} → ${verdict}`;

/** "DNAT to 10.244.2.5:8080", "ACCEPT", "jump KUBE-SVC-…": the verdict in words */
function verdictWords(rule: Rule, verdict: string): string {
  const t = rule.target;
  if (t.kind === 'DNAT' || t.kind === 'SNAT' || t.kind === 'MASQUERADE' || t.kind === 'REDIRECT') return `${t.kind}${targetSave(t).replace(/^ -j \S+/, '')}`;
  if (verdict === 'continue') return `${targetSave(t).replace(/^ -j /, '')}, then the next rule`;
  return verdict;
}

export function walkTracer(ns: Netns, table: TableName, pkt: Ipv4Packet): NfTracer {
  const w = ns.world;
  const tr: NfTracer = {
    last: undefined,
    rule(chain, num, rule, verdict) {
      tr.last = { chain, num, rule };
      const what = `${table} ${chain.name} rule ${num} "${ruleSave(chain, rule)}"`;
      w.emitEvent(PacketEvent.ip(ns.name, undefined, Verdict.NF_RULE, pkt, ruleWords, ns, what, verdictWords(rule, verdict)));
      const choice = randomChoice(chain, num);
      if (choice !== undefined) w.emitEvent(PacketEvent.ip(ns.name, undefined, Verdict.NF_RULE, pkt, choiceWords, ns, table, [chain, choice]));
    },
    policy(chain, verdict) {
      tr.last = { chain, num: 0, rule: undefined };
      const what = `${table} ${chain.name}: no rule matched`;
      w.emitEvent(PacketEvent.ip(ns.name, undefined, Verdict.NF_RULE, pkt, ruleWords, ns, what, `policy ${verdict}`));
    },
  };
  return tr;
}

/**
 * A table dropped the packet: one NETFILTER_DROP event naming the rule (or policy) and the fix.
 * Returns false when nothing is known of the decision (the hook's own drop event then tells).
 */
export function traceRuleDrop(state: NfHookState, pkt: Ipv4Packet, table: TableName, tracer: NfTracer | undefined): boolean {
  const ns = state.ns;
  const d = tracer?.last;
  state.reason = d === undefined ? `${table} table` : d.rule === undefined ? `${table} ${d.chain.name} policy ${d.chain.policy}` : `${table} ${d.chain.name} rule ${d.num} "${ruleSave(d.chain, d.rule)}"`;
  if (d === undefined || !ns.world.tracing) return false;
  const dev = (state.in ?? state.out)?.name;
  const fix =
    d.rule === undefined
      ? { text: `set ${d.chain.name}'s policy to ACCEPT on ${ns.name}`, on: ns.name, run: `iptables ${tableWords(table)}-P ${d.chain.name} ACCEPT` }
      : { text: `delete ${table} ${d.chain.name} rule ${d.num} on ${ns.name}`, on: ns.name, run: `iptables ${tableWords(table)}-D ${d.chain.name} ${d.num}` };
  ns.world.emit({ netns: ns.name, dev, verdict: Verdict.NETFILTER_DROP, packetId: pkt.pid, packet: ipView(pkt), text: `${nsLabel(ns)}: ${describePacket(pkt)} dropped by ${state.reason}`, fix });
  return true;
}

const natWords = (_e: PacketEvent, ns: Netns, hook: string, nat: [Ipv4Packet, Ipv4Packet, 'DNAT' | 'SNAT' | undefined]) =>
  `${nsLabel(ns)}: NAT at ${hook}${nat[2] ? ` (a reply: the connection's ${nat[2]} undone)` : ''}: ${describePacket(nat[0])} rewritten to ${formatIpv4(nat[1].src)} → ${formatIpv4(nat[1].dst)} (${describePacket(nat[1])})`;

/** NAT rewrote the packet: the event carries the new headers, its sentence the old ones (and, for a reply, which translation it undid). */
export function traceNat(ns: Netns, dev: string | undefined, hook: string, before: Ipv4Packet, after: Ipv4Packet, undone?: 'DNAT' | 'SNAT'): void {
  if (!ns.world.tracing) return;
  ns.world.emitEvent(PacketEvent.ip(ns.name, dev, Verdict.NF_NAT, after, natWords, ns, hook, [before, after, undone]));
}
