/**
 * The policy agent's rules for one node, as a kernel: from the PolicyView, the `iptables-restore
 * --noflush` input that gives every pod of the node its NetworkPolicy firewall, in the manner of
 * kube-router's network policy controller (pkg/controllers/netpol): a top chain jumped to from
 * the built-in chains, one chain per pod and direction, one chain per policy and direction, peers
 * expanded to addresses (kube-router keeps them in ipsets; here they are written out).
 *
 *   FORWARD ─► KUBE-ROUTER-FORWARD: replies and established flows ACCEPT (conntrack), then
 *              `-s POD` ─► KUBE-POD-EG-… (egress of a local pod), `-d POD` ─► KUBE-POD-IN-…
 *   INPUT   ─► KUBE-ROUTER-INPUT: the egress chains too (a pod talking to its node)
 *   KUBE-POD-IN-…: each selecting policy's KUBE-NWPLCY-IN-…, RETURN when marked allowed, else DROP
 *   KUBE-NWPLCY-IN-…: one line per (rule, peer address, port), each `-j MARK` allowed
 *
 * Ingress and egress have their own mark bit (0x10000, 0x20000), so one pass through FORWARD
 * judges a same-node pair's egress and ingress independently. Comments name the pod, the policy
 * and the rule (numbered from 1) so `iptables-save` and the trace say who decided. Nothing here
 * runs a command.
 */
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../api/types';
import { base32, sha256 } from '../proxy/digest';
import { cidrMinus } from './cidr';
import { peerMatches, resolvePort, type Direction } from './evaluate';
import { portText, peerText } from './explain';
import { podKey, policyKey, type PodInfo, type PolicyView } from './view';

export const KUBE_ROUTER_FORWARD = 'KUBE-ROUTER-FORWARD';
export const KUBE_ROUTER_INPUT = 'KUBE-ROUTER-INPUT';
const OWNED_PREFIXES = ['KUBE-POD-IN-', 'KUBE-POD-EG-', 'KUBE-NWPLCY-IN-', 'KUBE-NWPLCY-EG-'];

/** Marks of an allowed direction (kube-router's 0x10000 for ingress; egress its own bit). */
export const MARK = { ingress: '0x10000/0x10000', egress: '0x20000/0x20000' } as const;

const hash = (text: string, n: number): string => base32(sha256(text)).slice(0, n);
export const podChain = (pod: PodInfo, d: Direction): string => `KUBE-POD-${d === 'ingress' ? 'IN' : 'EG'}-${hash(podKey(pod), 16)}`;
export const policyChain = (np: NetworkPolicy, d: Direction): string => `KUBE-NWPLCY-${d === 'ingress' ? 'IN' : 'EG'}-${hash(`${policyKey(np)}/${d}`, 13)}`;
export const isPolicyAgentChain = (name: string): boolean => OWNED_PREFIXES.some((p) => name.startsWith(p)) || name === KUBE_ROUTER_FORWARD || name === KUBE_ROUTER_INPUT;

export interface PolicyJump {
  /** the built-in filter chain */
  srcChain: 'FORWARD' | 'INPUT';
  dstChain: string;
  /** `iptables -I` arguments (no shell quoting) */
  args: string[];
}

export const POLICY_JUMPS: PolicyJump[] = (['FORWARD', 'INPUT'] as const).map((c) => {
  const dst = c === 'FORWARD' ? KUBE_ROUTER_FORWARD : KUBE_ROUTER_INPUT;
  return { srcChain: c, dstChain: dst, args: ['-m', 'comment', '--comment', `netpol-agent: pod traffic through the NetworkPolicy chains`, '-j', dst] };
});

export interface PolicyPlan {
  restore: string;
  jumps: PolicyJump[];
  /** the chains the plan writes */
  chains: string[];
}

/** A restore-file word: quoted when it has spaces, as iptables-save writes comments. */
const word = (w: string): string => (/^[^\s"]+$/.test(w) ? w : `"${w.replace(/"/g, "'")}"`);
const comment = (text: string): string[] => ['-m', 'comment', '--comment', text];

const PROTO = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' } as const;

/** The match words of one policy port against one destination (undefined: it matches nothing there). */
function portWords(p: NetworkPolicyPort, dst: PodInfo | undefined): string[] | undefined {
  const proto = PROTO[p.protocol ?? 'TCP'];
  if (p.port === undefined || p.port === null) return ['-p', proto];
  const n = typeof p.port === 'number' ? p.port : dst ? resolvePort(p, { kind: 'pod', pod: dst }) : undefined;
  if (n === undefined) return undefined;
  const dport = typeof p.port === 'number' && p.endPort !== undefined && p.endPort !== p.port ? `${n}:${p.endPort}` : String(n);
  return ['-p', proto, '-m', proto, '--dport', dport];
}

/** The addresses a peer stands for: pod IPs (/32), or the ipBlock minus its excepts. */
function peerAddresses(view: PolicyView, peer: NetworkPolicyPeer, ns: string): { cidrs: string[]; pods: PodInfo[] } {
  return view.memo(peer, () => peerAddressesOf(view, peer, ns));
}

function peerAddressesOf(view: PolicyView, peer: NetworkPolicyPeer, ns: string): { cidrs: string[]; pods: PodInfo[] } {
  if (peer.ipBlock) {
    const cidrs = cidrMinus(peer.ipBlock.cidr, peer.ipBlock.except ?? []);
    return { cidrs, pods: view.pods.filter((p) => peerMatches(view, peer, ns, { kind: 'pod', pod: p })) };
  }
  const pods = view.pods.filter((p) => peerMatches(view, peer, ns, { kind: 'pod', pod: p }));
  return { cidrs: pods.map((p) => `${p.ip}/32`), pods };
}

class Lines {
  readonly out: string[] = [];
  add(...words: string[]): void {
    this.out.push(words.map(word).join(' '));
  }

  raw(line: string): void {
    this.out.push(line);
  }
}

/**
 * One policy's chain for one direction on this node. Ingress rules are checked against the local
 * pods the policy selects (`-d`, needed where a named port resolves differently per pod); egress
 * rules against the destination peers (named ports resolved on each destination pod).
 */
function writePolicyChain(view: PolicyView, np: NetworkPolicy, d: Direction, localTargets: PodInfo[], rules: Lines): void {
  const chain = policyChain(np, d);
  const ns = np.metadata.namespace ?? 'default';
  const list = d === 'ingress' ? (np.spec.ingress ?? []) : (np.spec.egress ?? []);
  list.forEach((r, i) => {
    const peers = d === 'ingress' ? (r as { from?: NetworkPolicyPeer[] }).from : (r as { to?: NetworkPolicyPeer[] }).to;
    const ports = r.ports?.length ? r.ports : [undefined];
    const what = `${policyKey(np)} ${d} rule ${i + 1}`;
    const peerSets = peers?.length ? peers.map((p) => ({ text: peerText(p, ns), ...peerAddresses(view, p, ns) })) : [{ text: 'anywhere', cidrs: [''], pods: view.pods }];
    for (const ps of peerSets)
      for (const port of ports) {
        const text = `${what}: ${port ? portText(port) : 'any port'} ${d === 'ingress' ? 'from' : 'to'} ${ps.text}`;
        // everything after the addresses is the same for every line of this (peer, port): build it once
        const tail = (pw: string[]) => ` ${[...pw, ...comment(text), '-j', 'MARK', '--set-xmark', MARK[d]].map(word).join(' ')}`.replace(/^ $/, '');
        const named = port !== undefined && typeof port.port === 'string';
        if (d === 'ingress') {
          // a named port is resolved on each selected pod of this node
          const targets: (PodInfo | undefined)[] = named ? localTargets : [undefined];
          for (const t of targets) {
            const pw = port ? portWords(port, t) : [];
            if (pw === undefined) continue;
            const rest = `${t ? ` -d ${t.ip}/32` : ''}${tail(pw)}`;
            for (const src of ps.cidrs) rules.raw(`-A ${chain}${src ? ` -s ${src}` : ''}${rest}`);
          }
        } else if (named) {
          // resolved on each destination pod the peer stands for
          for (const dst of ps.pods) {
            const pw = portWords(port!, dst);
            if (pw) rules.raw(`-A ${chain} -d ${dst.ip}/32${tail(pw)}`);
          }
        } else {
          const rest = tail(port ? portWords(port, undefined)! : []);
          for (const dst of ps.cidrs) rules.raw(`-A ${chain}${dst ? ` -d ${dst}` : ''}${rest}`);
        }
      }
  });
}

const policyNames = (ps: NetworkPolicy[]): string => ps.map(policyKey).join(', ');

/** The node's whole policy rule set; `existingChains` are the agent's chains the node holds now (stale ones are deleted). */
export function syncPolicyRules(view: PolicyView, node: string, existingChains: readonly string[] = []): PolicyPlan {
  const chains = new Lines();
  const rules = new Lines();
  const written: string[] = [KUBE_ROUTER_FORWARD, KUBE_ROUTER_INPUT];
  const local = view.pods.filter((p) => p.nodeName === node).sort((a, b) => podKey(a).localeCompare(podKey(b)));
  const stateful = ['-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED'];
  for (const top of [KUBE_ROUTER_FORWARD, KUBE_ROUTER_INPUT]) rules.add('-A', top, ...comment('rule for stateful firewall for pods: replies and established flows'), ...stateful, '-j', 'ACCEPT');

  // which local pods each policy selects, per direction
  const targets = new Map<NetworkPolicy, { ingress: PodInfo[]; egress: PodInfo[] }>();
  for (const pod of local) {
    const sel = view.policiesFor(pod);
    for (const d of ['egress', 'ingress'] as const) {
      if (!sel[d].length) continue;
      const chain = podChain(pod, d);
      written.push(chain);
      const who = `${podKey(pod)} ${d}`;
      const jump = ['-m', 'comment', '--comment', `${who}: isolated by ${policyNames(sel[d])}`, '-j', chain];
      if (d === 'egress') {
        rules.add('-A', KUBE_ROUTER_FORWARD, '-s', `${pod.ip}/32`, ...jump);
        rules.add('-A', KUBE_ROUTER_INPUT, '-s', `${pod.ip}/32`, ...jump);
      } else rules.add('-A', KUBE_ROUTER_FORWARD, '-d', `${pod.ip}/32`, ...jump);
      for (const np of sel[d]) {
        rules.add('-A', chain, ...comment(`${who}: policy ${policyKey(np)}`), '-j', policyChain(np, d));
        const t = targets.get(np) ?? { ingress: [], egress: [] };
        t[d].push(pod);
        targets.set(np, t);
      }
      rules.add('-A', chain, ...comment(`${who}: allowed`), '-m', 'mark', '--mark', MARK[d], '-j', 'RETURN');
      rules.add('-A', chain, ...comment(`${who}: isolated by ${policyNames(sel[d])}; no rule matched`), '-j', 'DROP');
    }
  }
  for (const [np, t] of [...targets].sort((a, b) => policyKey(a[0]).localeCompare(policyKey(b[0]))))
    for (const d of ['egress', 'ingress'] as const) {
      if (!t[d].length) continue;
      written.push(policyChain(np, d));
      writePolicyChain(view, np, d, t[d], rules);
    }
  for (const c of written) chains.add(`:${c}`, '-', '[0:0]');
  const keep = new Set(written);
  const stale = existingChains.filter((c) => isPolicyAgentChain(c) && !keep.has(c));
  // a stale chain is flushed first (declaring it) and deleted after every reference is rewritten
  for (const c of stale) chains.add(`:${c}`, '-', '[0:0]');
  const del = stale.map((c) => `-X ${c}`);
  const restore = ['*filter', ...chains.out, ...rules.out, ...del, 'COMMIT', ''].join('\n');
  return { restore, jumps: POLICY_JUMPS, chains: written };
}
