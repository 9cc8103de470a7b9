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
import { ipNumber, podKey, policyKey, type PodInfo, type PolicyView } from './view';

export const KUBE_ROUTER_FORWARD = 'KUBE-ROUTER-FORWARD';
export const KUBE_ROUTER_INPUT = 'KUBE-ROUTER-INPUT';
const OWNED_PREFIXES = ['KUBE-POD-IN-', 'KUBE-POD-EG-', 'KUBE-NWPLCY-IN-', 'KUBE-NWPLCY-EG-', 'KUBE-SRC-', 'KUBE-DST-'];

/** Marks of an allowed direction (kube-router's 0x10000 for ingress; egress its own bit). */
export const MARK = { ingress: '0x10000/0x10000', egress: '0x20000/0x20000' } as const;

const hash = (text: string, n: number): string => base32(sha256(text)).slice(0, n);
/** chain names by object and direction: a sync names each pod's and policy's chains many times */
const names = new WeakMap<object, Partial<Record<Direction, string>>>();
const named = (o: object, d: Direction, make: () => string): string => {
  let n = names.get(o);
  if (!n) names.set(o, (n = {}));
  return (n[d] ??= make());
};
export const podChain = (pod: PodInfo, d: Direction): string => named(pod, d, () => `KUBE-POD-${d === 'ingress' ? 'IN' : 'EG'}-${hash(podKey(pod), 16)}`);
export const policyChain = (np: NetworkPolicy, d: Direction): string => named(np, d, () => `KUBE-NWPLCY-${d === 'ingress' ? 'IN' : 'EG'}-${hash(`${policyKey(np)}/${d}`, 13)}`);
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
const word = (w: string): string => (/^[^\s"]+$/.test(w) || /^"[^"]*"$/.test(w) ? w : `"${w.replace(/"/g, "'")}"`);
/** iptables-save quotes every comment: so does the plan, which the agent compares with what the node holds */
const comment = (text: string): string[] => ['-m', 'comment', '--comment', `"${text.replace(/"/g, "'")}"`];

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

/**
 * The addresses a peer stands for: pod IPs (/32), or the ipBlock minus its excepts. Indexed by
 * the peer's content, so the many policies written from one template share one answer, and by
 * namespace, so a peer looks only at the pods of the namespaces it can name.
 */
function peerAddresses(view: PolicyView, peer: NetworkPolicyPeer, ns: string): PeerSet {
  return view.memo(peer, () => {
    const byContent = view.memo(PEER_INDEX, () => new Map<string, PeerSet>());
    const key = `${peer.ipBlock || peer.namespaceSelector ? '' : ns}|${JSON.stringify(peer)}`;
    let set = byContent.get(key);
    if (!set) byContent.set(key, (set = peerAddressesOf(view, peer, ns)));
    return set;
  });
}

const PEER_INDEX = {};

interface PeerSet {
  cidrs: string[];
  /** the shared chain's name per direction, once asked */
  chain?: Partial<Record<Direction, string>>;
  /** the pods it stands for (an ipBlock's too: named egress ports resolve on them) */
  pods(): PodInfo[];
  /** the comment of each address's line in a shared peer chain (the pod's name) */
  names: (string | undefined)[];
}

function peerAddressesOf(view: PolicyView, peer: NetworkPolicyPeer, ns: string): PeerSet {
  const matching = (candidates: readonly PodInfo[]) => candidates.filter((p) => peerMatches(view, peer, ns, { kind: 'pod', pod: p }));
  if (peer.ipBlock) {
    const cidrs = cidrMinus(peer.ipBlock.cidr, peer.ipBlock.except ?? []);
    let pods: PodInfo[] | undefined;
    return { cidrs, pods: () => (pods ??= matching(view.pods)), names: cidrs.map(() => undefined) };
  }
  const namespaces = peer.namespaceSelector ? view.namespaceNames().filter((n) => view.namespaceMatches(peer.namespaceSelector!, n)) : [ns];
  const pods = namespaces.flatMap((n) => matching(view.podsIn(n)));
  const sorted = [...pods].sort((a, b) => ipNumber(a.ip) - ipNumber(b.ip));
  return { cidrs: sorted.map((p) => `${p.ip}/32`), pods: () => pods, names: sorted.map(podKey) };
}

/**
 * A peer standing for more than one address gets a chain of its own, shared by every rule (of
 * any policy) that names the same addresses: kube-router's ipsets KUBE-SRC-… / KUBE-DST-…, as
 * chains of `-s`/`-d` matches that set the direction's mark. A node then holds each address list
 * once, not once per rule, policy and port, which keeps a big cluster's rule set small.
 */
export const peerChainName = (d: Direction, cidrs: readonly string[]): string => `KUBE-${d === 'ingress' ? 'SRC' : 'DST'}-${hash(`${d}:${cidrs.join(',')}`, 16)}`;

class Lines {
  readonly out: string[] = [];
  add(...words: string[]): void {
    this.out.push(words.map(word).join(' '));
  }

  raw(line: string): void {
    this.out.push(line);
  }
}

const ANYWHERE: PeerSet = { cidrs: [''], pods: () => [], names: [] };

interface NodeRules {
  rules: Lines;
  /** the peer chains the node's policy chains jump to, by name */
  peerChains: Map<string, string[]>;
}

/** A shared peer chain's lines, built once per view and address list. */
function peerChainLines(view: PolicyView, name: string, d: Direction, ps: PeerSet): string[] {
  const byName = view.memo(view, () => new Map<string, string[]>());
  let lines = byName.get(name);
  if (!lines) {
    const flag = d === 'ingress' ? '-s' : '-d';
    const mark = ` -j MARK --set-xmark ${MARK[d]}`;
    lines = ps.cidrs.map((c, i) => `-A ${name} ${flag} ${c}${ps.names[i] ? ` ${comment(ps.names[i]!).map(word).join(' ')}` : ''}${mark}`);
    byName.set(name, lines);
  }
  return lines;
}

/**
 * One policy's chain for one direction on this node. Ingress rules are checked against the local
 * pods the policy selects (`-d`, needed where a named port resolves differently per pod); egress
 * rules against the destination peers (named ports resolved on each destination pod). A peer of
 * one address is matched in the rule itself; a bigger one through its shared peer chain.
 */
function writePolicyChain(view: PolicyView, np: NetworkPolicy, d: Direction, localTargets: PodInfo[], out: NodeRules): void {
  const chain = policyChain(np, d);
  const ns = np.metadata.namespace ?? 'default';
  const list = d === 'ingress' ? (np.spec.ingress ?? []) : (np.spec.egress ?? []);
  const flag = d === 'ingress' ? '-s' : '-d';
  list.forEach((r, i) => {
    const peers = d === 'ingress' ? (r as { from?: NetworkPolicyPeer[] }).from : (r as { to?: NetworkPolicyPeer[] }).to;
    const ports = r.ports?.length ? r.ports : [undefined];
    const what = `${policyKey(np)} ${d} rule ${i + 1}`;
    const peerSets = peers?.length ? peers.map((p) => ({ text: peerText(p, ns), set: peerAddresses(view, p, ns), ...peerAddresses(view, p, ns) })) : [{ text: 'anywhere', set: ANYWHERE, ...ANYWHERE, pods: () => view.pods }];
    for (const ps of peerSets) {
      if (ps.cidrs.length === 0) continue;
      // the peer's match: its one address inline, or a jump to its shared chain
      let match = '';
      let target = `MARK --set-xmark ${MARK[d]}`;
      // 0.0.0.0/0 matches everything: iptables writes no address match for it
      if (ps.cidrs.length === 1 && ps.cidrs[0] && ps.cidrs[0] !== '0.0.0.0/0') match = ` ${flag} ${ps.cidrs[0]}`;
      else if (ps.cidrs.length > 1) {
        target = ((ps.set.chain ??= {})[d] ??= peerChainName(d, ps.cidrs));
        if (!out.peerChains.has(target)) out.peerChains.set(target, peerChainLines(view, target, d, ps));
      }
      for (const port of ports) {
        const text = `${what}: ${port ? portText(port) : 'any port'} ${d === 'ingress' ? 'from' : 'to'} ${ps.text}`;
        const tail = (pw: string[], to = target) => ` ${[...pw, ...comment(text)].map(word).join(' ')} -j ${to}`;
        const named = port !== undefined && typeof port.port === 'string';
        if (d === 'ingress') {
          // a named port is resolved on each selected pod of this node
          const targets: (PodInfo | undefined)[] = named ? localTargets : [undefined];
          for (const t of targets) {
            const pw = port ? portWords(port, t) : [];
            if (pw === undefined) continue;
            out.rules.raw(`-A ${chain}${match}${t ? ` -d ${t.ip}/32` : ''}${tail(pw)}`);
          }
        } else if (named) {
          // resolved on each destination pod the peer stands for (an ipBlock's pods included)
          for (const dst of ps.pods()) {
            const pw = portWords(port!, dst);
            if (pw) out.rules.raw(`-A ${chain} -d ${dst.ip}/32${tail(pw, `MARK --set-xmark ${MARK[d]}`)}`);
          }
        } else out.rules.raw(`-A ${chain}${match}${tail(port ? portWords(port, undefined)! : [])}`);
      }
    }
  });
}

/** Does the chain depend on the node? Only an ingress rule with a named port does (resolved on each local pod). */
const perNode = (np: NetworkPolicy, d: Direction): boolean => d === 'ingress' && (np.spec.ingress ?? []).some((r) => r.ports?.some((p) => typeof p.port === 'string'));

/**
 * A policy's chain on this node: written once per view and shared by every node that needs it
 * (the nodes where it selects a pod), unless it depends on the node's own pods.
 */
function addPolicyChain(view: PolicyView, np: NetworkPolicy, d: Direction, localTargets: PodInfo[], out: NodeRules): void {
  let built: NodeRules;
  if (perNode(np, d)) writePolicyChain(view, np, d, localTargets, (built = { rules: new Lines(), peerChains: new Map() }));
  else {
    const byDir = view.memo(np, () => ({}) as Partial<Record<Direction, NodeRules>>);
    built = byDir[d] ??= (() => {
      const b: NodeRules = { rules: new Lines(), peerChains: new Map() };
      writePolicyChain(view, np, d, localTargets, b);
      return b;
    })();
  }
  for (const l of built.rules.out) out.rules.raw(l);
  for (const [name, lines] of built.peerChains) if (!out.peerChains.has(name)) out.peerChains.set(name, lines);
}

/** "policy x/deny-all", "policies x/allow-c, x/deny-all": as the explanations say it */
function policyNames(ps: NetworkPolicy[]): string {
  // an iptables comment holds 256 bytes: name as many as fit, count the rest
  const names: string[] = [];
  let len = 0;
  for (const [i, np] of ps.entries()) {
    const k = policyKey(np);
    if (len + k.length > 160 && i < ps.length - 1) {
      names.push(`and ${ps.length - i} more`);
      break;
    }
    names.push(k);
    len += k.length + 2;
  }
  return `${ps.length === 1 ? 'policy' : 'policies'} ${names.join(', ')}`;
}

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
  const out: NodeRules = { rules, peerChains: new Map() };
  for (const [np, t] of [...targets].sort((a, b) => policyKey(a[0]).localeCompare(policyKey(b[0]))))
    for (const d of ['egress', 'ingress'] as const) {
      if (!t[d].length) continue;
      written.push(policyChain(np, d));
      addPolicyChain(view, np, d, t[d], out);
    }
  for (const [name, lines] of [...out.peerChains].sort((a, b) => a[0].localeCompare(b[0]))) {
    written.push(name);
    for (const l of lines) rules.raw(l);
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
