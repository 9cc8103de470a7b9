/**
 * A packet the policy agent's chains dropped, diagnosed as a NetworkPolicy question: which pod
 * and direction were isolated, by which policies, and the smallest policy change that would let
 * the connection through (suggest.ts), offered as the fix. Deleting the agent's DROP rule is never
 * the remedy: the agent would write it back on its next sync, and it is not what the student
 * meant to change.
 */
import type { SuggestedFix, TraceEvent } from '../../engine/sim/trace';
import type { Protocol } from '../api/types';
import { endpointOf, evaluate, type Connection, type Direction } from './evaluate';
import { directionText } from './explain';
import { isPolicyAgentChain } from './rules';
import { suggest, type Suggestion } from './suggest';
import type { PolicyView } from './view';

export interface PolicyDrop {
  /** the direction whose chain dropped it, when the chain says so */
  direction?: Direction;
  /** the verdict in words ("y/b ingress: isolated by policies …; no rule matched → DROP") */
  explanation?: string;
  fix?: SuggestedFix;
}

/** The agent's chain a drop event names ("dropped by filter KUBE-POD-IN-… rule 4"). */
const droppingChain = (e: TraceEvent): string | undefined => /dropped by filter (\S+) /.exec(e.text)?.[1];

/** The connection a dropped packet opens (after any DNAT: the backend pod, the real client). */
export function connectionOf(view: PolicyView, e: TraceEvent): Connection | undefined {
  const ip = e.packet?.ip;
  if (!ip) return undefined;
  const l4 = ip.proto === 'TCP' ? e.packet?.tcp : ip.proto === 'UDP' ? e.packet?.udp : undefined;
  if (!l4) return undefined;
  return { src: endpointOf(view, ip.src), dst: endpointOf(view, ip.dst), port: l4.dport, protocol: ip.proto as Protocol };
}

/** A suggestion as one shell line: a patch, or the new policy's JSON piped to `kubectl apply -f -`. */
export function suggestionLine(s: Suggestion): string {
  if (s.manifest === undefined) return s.command;
  const json = JSON.stringify(JSON.parse(s.manifest));
  return `echo '${json.replace(/'/g, `'\\''`)}' | ${s.command}`;
}

/**
 * The NetworkPolicy reading of a drop event, or undefined when the agent's chains did not drop
 * it. `fix` is missing when no policy change applies (the connection is allowed as the policies
 * stand now: the node's rules are about to be rewritten).
 */
export function diagnosePolicyDrop(view: PolicyView, e: TraceEvent): PolicyDrop | undefined {
  const chain = droppingChain(e);
  if (chain === undefined || !isPolicyAgentChain(chain)) return undefined;
  const direction: Direction | undefined = chain.startsWith('KUBE-POD-IN-') ? 'ingress' : chain.startsWith('KUBE-POD-EG-') ? 'egress' : undefined;
  const c = connectionOf(view, e);
  if (!c) return { direction };
  const v = evaluate(view, c);
  const denied = direction ? v[direction] : [v.egress, v.ingress].find((d) => !d.allowed);
  const explanation = denied && !denied.allowed ? directionText(denied) : undefined;
  const s = suggest(view, c).find((x) => direction === undefined || x.direction === direction);
  const fix = s ? { text: s.text, on: e.netns, run: suggestionLine(s) } : undefined;
  return { direction, explanation, fix };
}
