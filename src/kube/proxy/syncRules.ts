/**
 * syncProxyRules as a kernel: from the Service ports and their endpoints, the whole
 * `iptables-restore` input kube-proxy (iptables mode, v1.31) writes, line for line in the order
 * it writes them, and the jump rules it makes sure of first (EnsureChain / EnsureRule Prepend).
 * Nothing here runs a command; the kube-proxy agent applies the plan with `iptables-restore
 * --noflush --counters`, as kube-proxy's RestoreAll does.
 *
 * Services are visited sorted by name (kube-proxy ranges over a Go map, so its order is random;
 * the rules in each chain come out the same either way, only their interleaving in KUBE-SERVICES
 * could differ). The node has no nfacct counters, so the `-m nfacct` variants are not written.
 */
import {
  clusterPolicyChain,
  endpointChain,
  externalChain,
  firewallChain,
  isServiceChainName,
  KUBE_EXTERNAL_SERVICES,
  KUBE_FIREWALL,
  KUBE_FORWARD,
  KUBE_MARK_MASQ,
  KUBE_NODEPORTS,
  KUBE_POSTROUTING,
  KUBE_PROXY_FIREWALL,
  KUBE_SERVICES,
  localPolicyChain,
} from './chains';
import { cidrContains, ipToNum, parseCidr } from '../api/cidr';
import { categorizeEndpoints, externallyAccessible, servicePortKey, type EndpointInfo, type ServicePortInfo } from './servicePorts';

export interface ProxierConfig {
  /** the node's name (EndpointSlice nodeName of local endpoints) */
  hostname: string;
  nodeIP: string;
  /** --cluster-cidr for detect-local-mode ClusterCIDR; undefined: no local detector */
  clusterCIDR?: string;
  /** --masquerade-all */
  masqueradeAll?: boolean;
  /** --iptables-masquerade-bit (14) */
  masqueradeBit?: number;
  /** --iptables-localhost-nodeports (true) */
  localhostNodePorts?: boolean;
  /** iptables ≥ 1.6.2 has MASQUERADE --random-fully */
  randomFully?: boolean;
  /** net.netfilter.nf_conntrack_tcp_be_liberal is set: no INVALID drop */
  conntrackTCPLiberal?: boolean;
}

/** One rule kube-proxy ensures outside the restore (`iptables -t T -I CHAIN args... -j TARGET`). */
export interface JumpRule {
  table: 'filter' | 'nat';
  srcChain: string;
  dstChain: string;
  /** the rule's arguments as kube-proxy passes them to iptables (no shell quoting) */
  args: string[];
}

export interface ProxyPlan {
  /** the text fed to `iptables-restore --noflush --counters` */
  restore: string;
  /** jumps from the built-in chains, in the order kube-proxy ensures (prepends) them */
  jumps: JumpRule[];
  /** nat chains the plan keeps (the stale ones among `existingNatChains` are deleted) */
  activeNatChains: Set<string>;
  /** endpoint chains written */
  totalEndpoints: number;
}

const LARGE_CLUSTER_ENDPOINTS_THRESHOLD = 1000;

/** iptablesJumpChains, then the kubelet's KUBE-FIREWALL jumps (iptablesKubeletJumpChains). */
export const JUMP_CHAINS: JumpRule[] = [
  jump('filter', KUBE_EXTERNAL_SERVICES, 'INPUT', 'kubernetes externally-visible service portals', true),
  jump('filter', KUBE_EXTERNAL_SERVICES, 'FORWARD', 'kubernetes externally-visible service portals', true),
  jump('filter', KUBE_NODEPORTS, 'INPUT', 'kubernetes health check service ports', false),
  jump('filter', KUBE_SERVICES, 'FORWARD', 'kubernetes service portals', true),
  jump('filter', KUBE_SERVICES, 'OUTPUT', 'kubernetes service portals', true),
  jump('filter', KUBE_FORWARD, 'FORWARD', 'kubernetes forwarding rules', false),
  jump('filter', KUBE_PROXY_FIREWALL, 'INPUT', 'kubernetes load balancer firewall', true),
  jump('filter', KUBE_PROXY_FIREWALL, 'OUTPUT', 'kubernetes load balancer firewall', true),
  jump('filter', KUBE_PROXY_FIREWALL, 'FORWARD', 'kubernetes load balancer firewall', true),
  jump('nat', KUBE_SERVICES, 'OUTPUT', 'kubernetes service portals', false),
  jump('nat', KUBE_SERVICES, 'PREROUTING', 'kubernetes service portals', false),
  jump('nat', KUBE_POSTROUTING, 'POSTROUTING', 'kubernetes postrouting rules', false),
  jump('filter', KUBE_FIREWALL, 'INPUT', '', false),
  jump('filter', KUBE_FIREWALL, 'OUTPUT', '', false),
];

function jump(table: 'filter' | 'nat', dstChain: string, srcChain: string, comment: string, ctNew: boolean): JumpRule {
  const args = [...(ctNew ? ['-m', 'conntrack', '--ctstate', 'NEW'] : []), ...(comment ? ['-m', 'comment', '--comment', comment] : []), '-j', dstChain];
  return { table, srcChain, dstChain, args };
}

/** computeProbability: 1/n with ten decimals (%0.10f). */
export const probability = (n: number): string => (1 / n).toFixed(10);

/** fmt.Sprintf("%#08x", 1<<bit): the mark as kube-proxy spells it. */
export const masqueradeMark = (bit = 14): string => `0x${(2 ** bit).toString(16).padStart(8, '0')}`;

/** proxyutil.LineBuffer: words joined by spaces, one rule a line. */
class Lines {
  readonly lines: string[] = [];
  write(...words: (string | string[])[]): void {
    this.lines.push(words.flat().join(' '));
  }
  get text(): string {
    return this.lines.map((l) => `${l}\n`).join('');
  }
}

const chainLine = (chain: string) => `:${chain} - [0:0]`;

export interface SyncInput {
  config: ProxierConfig;
  servicePorts: ServicePortInfo[];
  endpoints: Map<string, EndpointInfo[]>;
  /** the nat chains `iptables-save -t nat` shows now (stale service chains among them are deleted) */
  existingNatChains?: Iterable<string>;
}

export function syncProxyRules(input: SyncInput): ProxyPlan {
  const cfg = input.config;
  const mark = masqueradeMark(cfg.masqueradeBit);
  const localhostNodePorts = cfg.localhostNodePorts ?? true;
  const localDetector = cfg.clusterCIDR !== undefined;
  const ifNotLocal = ['!', '-s', cfg.clusterCIDR ?? ''];
  const ifLocal = ['-s', cfg.clusterCIDR ?? ''];
  const filterChains = new Lines();
  const filterRules = new Lines();
  const natChains = new Lines();
  const natRules = new Lines();

  for (const c of [KUBE_SERVICES, KUBE_EXTERNAL_SERVICES, KUBE_FORWARD, KUBE_NODEPORTS, KUBE_PROXY_FIREWALL]) filterChains.write(chainLine(c));
  for (const c of [KUBE_SERVICES, KUBE_NODEPORTS, KUBE_POSTROUTING, KUBE_MARK_MASQ]) natChains.write(chainLine(c));

  natRules.write('-A', KUBE_POSTROUTING, '-m', 'mark', '!', '--mark', `${mark}/${mark}`, '-j', 'RETURN');
  // clear the mark, so a packet that goes round the stack again is not masqueraded twice
  natRules.write('-A', KUBE_POSTROUTING, '-j', 'MARK', '--xor-mark', mark);
  natRules.write('-A', KUBE_POSTROUTING, '-m', 'comment', '--comment', '"kubernetes service traffic requiring SNAT"', '-j', 'MASQUERADE', ...(cfg.randomFully === false ? [] : ['--random-fully']));
  natRules.write('-A', KUBE_MARK_MASQ, '-j', 'MARK', '--or-mark', mark);

  if (localhostNodePorts) {
    // route_localnet opens 127.0.0.0/8 to the outside; this is the rule that closes it again
    filterChains.write(chainLine(KUBE_FIREWALL));
    filterRules.write('-A', KUBE_FIREWALL, '-m', 'comment', '--comment', '"block incoming localnet connections"', '-d', '127.0.0.0/8', '!', '-s', '127.0.0.0/8', '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT', '-j', 'DROP');
  }

  const activeNatChains = new Set<string>();
  let totalEndpoints = 0;
  for (const sp of input.servicePorts) totalEndpoints += (input.endpoints.get(servicePortKey(sp.nameString, sp.protocol)) ?? []).length;
  const largeClusterMode = totalEndpoints > LARGE_CLUSTER_ENDPOINTS_THRESHOLD;
  const comment = (text: string) => (largeClusterMode ? [] : ['-m', 'comment', '--comment', text]);

  for (const svc of input.servicePorts) {
    const protocol = svc.protocol.toLowerCase();
    const name = svc.nameString;
    const all = input.endpoints.get(servicePortKey(name, svc.protocol)) ?? [];
    const { clusterEndpoints, localEndpoints, allReachable, hasAnyEndpoints: hasEndpoints } = categorizeEndpoints(all, svc);
    const svcChain = clusterPolicyChain(name, svc.protocol);
    const svlChain = localPolicyChain(name, svc.protocol);
    const extChain = externalChain(name, svc.protocol);
    const fwChain = firewallChain(name, svc.protocol);
    const usesClusterPolicyChain = clusterEndpoints.length > 0 && (!svc.internalPolicyLocal || externallyAccessible(svc));
    const usesLocalPolicyChain = localEndpoints.length > 0 && (svc.internalPolicyLocal || (svc.externalPolicyLocal && externallyAccessible(svc)));

    let internalTrafficChain = svcChain;
    let hasInternalEndpoints = hasEndpoints;
    if (svc.internalPolicyLocal) {
      internalTrafficChain = svlChain;
      if (localEndpoints.length === 0) hasInternalEndpoints = false;
    }
    let externalPolicyChain = svcChain;
    let hasExternalEndpoints = hasEndpoints;
    if (svc.externalPolicyLocal) {
      externalPolicyChain = svlChain;
      if (localEndpoints.length === 0) hasExternalEndpoints = false;
    }
    const usesExternalTrafficChain = hasEndpoints && externallyAccessible(svc);
    const usesFWChain = hasEndpoints && svc.loadBalancerVIPs.length > 0 && svc.loadBalancerSourceRanges.length > 0;
    const loadBalancerTrafficChain = usesFWChain ? fwChain : extChain;

    let internalFilterTarget = '';
    let internalFilterComment = '';
    let externalFilterTarget = '';
    let externalFilterComment = '';
    if (!hasEndpoints) {
      internalFilterTarget = externalFilterTarget = 'REJECT';
      internalFilterComment = externalFilterComment = `"${name} has no endpoints"`;
    } else {
      if (!hasInternalEndpoints) {
        internalFilterTarget = 'DROP';
        internalFilterComment = `"${name} has no local endpoints"`;
      }
      if (!hasExternalEndpoints) {
        externalFilterTarget = 'DROP';
        externalFilterComment = `"${name} has no local endpoints"`;
      }
    }
    const dport = String(svc.port);

    // the cluster IP
    if (hasInternalEndpoints)
      natRules.write('-A', KUBE_SERVICES, '-m', 'comment', '--comment', `"${name} cluster IP"`, '-m', protocol, '-p', protocol, '-d', svc.clusterIP, '--dport', dport, '-j', internalTrafficChain);
    else filterRules.write('-A', KUBE_SERVICES, '-m', 'comment', '--comment', internalFilterComment, '-m', protocol, '-p', protocol, '-d', svc.clusterIP, '--dport', dport, '-j', internalFilterTarget);

    for (const ip of svc.externalIPs) {
      if (hasEndpoints) natRules.write('-A', KUBE_SERVICES, '-m', 'comment', '--comment', `"${name} external IP"`, '-m', protocol, '-p', protocol, '-d', ip, '--dport', dport, '-j', extChain);
      if (!hasExternalEndpoints)
        filterRules.write('-A', KUBE_EXTERNAL_SERVICES, '-m', 'comment', '--comment', externalFilterComment, '-m', protocol, '-p', protocol, '-d', ip, '--dport', dport, '-j', externalFilterTarget);
    }

    for (const ip of svc.loadBalancerVIPs) {
      if (hasEndpoints) natRules.write('-A', KUBE_SERVICES, '-m', 'comment', '--comment', `"${name} loadbalancer IP"`, '-m', protocol, '-p', protocol, '-d', ip, '--dport', dport, '-j', loadBalancerTrafficChain);
      if (usesFWChain)
        filterRules.write('-A', KUBE_PROXY_FIREWALL, '-m', 'comment', '--comment', `"${name} traffic not accepted by ${fwChain}"`, '-m', protocol, '-p', protocol, '-d', ip, '--dport', dport, '-j', 'DROP');
    }
    if (!hasExternalEndpoints)
      for (const ip of svc.loadBalancerVIPs)
        filterRules.write('-A', KUBE_EXTERNAL_SERVICES, '-m', 'comment', '--comment', externalFilterComment, '-m', protocol, '-p', protocol, '-d', ip, '--dport', dport, '-j', externalFilterTarget);

    if (svc.nodePort !== 0) {
      const np = String(svc.nodePort);
      if (hasEndpoints) natRules.write('-A', KUBE_NODEPORTS, '-m', 'comment', '--comment', name, '-m', protocol, '-p', protocol, '--dport', np, '-j', extChain);
      if (!hasExternalEndpoints)
        filterRules.write('-A', KUBE_EXTERNAL_SERVICES, '-m', 'comment', '--comment', externalFilterComment, '-m', 'addrtype', '--dst-type', 'LOCAL', '-m', protocol, '-p', protocol, '--dport', np, '-j', externalFilterTarget);
    }

    if (svc.healthCheckNodePort !== 0)
      filterRules.write('-A', KUBE_NODEPORTS, '-m', 'comment', '--comment', `"${name} health check node port"`, '-m', 'tcp', '-p', 'tcp', '--dport', String(svc.healthCheckNodePort), '-j', 'ACCEPT');

    if (hasInternalEndpoints) {
      const args = ['-m', 'comment', '--comment', `"${name} cluster IP"`, '-m', protocol, '-p', protocol, '-d', svc.clusterIP, '--dport', dport];
      if (cfg.masqueradeAll) natRules.write('-A', internalTrafficChain, args, '-j', KUBE_MARK_MASQ);
      // traffic to the cluster IP from outside the pod network may bounce off this node: masquerade it
      else if (localDetector) natRules.write('-A', internalTrafficChain, args, ifNotLocal, '-j', KUBE_MARK_MASQ);
    }

    if (usesExternalTrafficChain) {
      natChains.write(chainLine(extChain));
      activeNatChains.add(extChain);
      if (!svc.externalPolicyLocal) natRules.write('-A', extChain, '-m', 'comment', '--comment', `"masquerade traffic for ${name} external destinations"`, '-j', KUBE_MARK_MASQ);
      else {
        // a pod on this node going to an external address is treated as if it went out and came back
        if (localDetector) natRules.write('-A', extChain, '-m', 'comment', '--comment', `"pod traffic for ${name} external destinations"`, ifLocal, '-j', svcChain);
        natRules.write('-A', extChain, '-m', 'comment', '--comment', `"masquerade LOCAL traffic for ${name} external destinations"`, '-m', 'addrtype', '--src-type', 'LOCAL', '-j', KUBE_MARK_MASQ);
        natRules.write('-A', extChain, '-m', 'comment', '--comment', `"route LOCAL traffic for ${name} external destinations"`, '-m', 'addrtype', '--src-type', 'LOCAL', '-j', svcChain);
      }
      if (hasExternalEndpoints) natRules.write('-A', extChain, '-j', externalPolicyChain);
    }

    if (usesFWChain) {
      natChains.write(chainLine(fwChain));
      activeNatChains.add(fwChain);
      const args = ['-A', fwChain, '-m', 'comment', '--comment', `"${name} loadbalancer IP"`];
      let allowFromNode = false;
      for (const cidr of svc.loadBalancerSourceRanges) {
        natRules.write(args, '-s', cidr, '-j', extChain);
        if (/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(cidr) && cidrContains(parseCidr(cidr), ipToNum(cfg.nodeIP))) allowFromNode = true;
      }
      if (allowFromNode) for (const ip of svc.loadBalancerVIPs) natRules.write(args, '-s', ip, '-j', extChain);
      natRules.write('-A', fwChain, '-m', 'comment', '--comment', `"other traffic to ${name} will be dropped by KUBE-PROXY-FIREWALL"`);
    }

    if (usesClusterPolicyChain) {
      natChains.write(chainLine(svcChain));
      activeNatChains.add(svcChain);
      writeServiceToEndpointRules(natRules, svc, svcChain, clusterEndpoints, comment);
    }
    if (usesLocalPolicyChain) {
      natChains.write(chainLine(svlChain));
      activeNatChains.add(svlChain);
      writeServiceToEndpointRules(natRules, svc, svlChain, localEndpoints, comment);
    }

    for (const ep of allReachable) {
      const sep = endpointChain(name, svc.protocol, ep.text);
      natChains.write(chainLine(sep));
      activeNatChains.add(sep);
      const args = ['-A', sep, ...comment(name)];
      // hairpin: a pod reaching itself through the Service must see the reply come from the Service
      natRules.write(args, '-s', ep.ip, '-j', KUBE_MARK_MASQ);
      const affinity = svc.sessionAffinityClientIP ? ['-m', 'recent', '--name', sep, '--set'] : [];
      natRules.write(args, affinity, '-m', protocol, '-p', protocol, '-j', 'DNAT', '--to-destination', ep.text);
    }
  }

  for (const chain of input.existingNatChains ?? []) {
    if (activeNatChains.has(chain) || !isServiceChainName(chain)) continue;
    // a chain line flushes it; then it can go
    natChains.write(chainLine(chain));
    natRules.write('-X', chain);
  }

  const destinations = ['-m', 'addrtype', '--dst-type', 'LOCAL', ...(localhostNodePorts ? [] : ['!', '-d', '127.0.0.0/8'])];
  natRules.write('-A', KUBE_SERVICES, '-m', 'comment', '--comment', '"kubernetes service nodeports; NOTE: this must be the last rule in this chain"', destinations, '-j', KUBE_NODEPORTS);

  if (!cfg.conntrackTCPLiberal) filterRules.write('-A', KUBE_FORWARD, '-m', 'conntrack', '--ctstate', 'INVALID', '-j', 'DROP');
  filterRules.write('-A', KUBE_FORWARD, '-m', 'comment', '--comment', '"kubernetes forwarding rules"', '-m', 'mark', '--mark', `${mark}/${mark}`, '-j', 'ACCEPT');
  filterRules.write('-A', KUBE_FORWARD, '-m', 'comment', '--comment', '"kubernetes forwarding conntrack rule"', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT');

  const restore = `*filter\n${filterChains.text}${filterRules.text}COMMIT\n*nat\n${natChains.text}${natRules.text}COMMIT\n`;
  return { restore, jumps: JUMP_CHAINS, activeNatChains, totalEndpoints };
}

/** Session affinity checks first, then one rule per endpoint with probability 1/(n-i), the last unconditional. */
function writeServiceToEndpointRules(natRules: Lines, svc: ServicePortInfo, svcChain: string, endpoints: EndpointInfo[], comment: (t: string) => string[]): void {
  const name = svc.nameString;
  if (svc.sessionAffinityClientIP)
    for (const ep of endpoints) {
      const sep = endpointChain(name, svc.protocol, ep.text);
      natRules.write('-A', svcChain, comment(`"${name} -> ${ep.text}"`), '-m', 'recent', '--name', sep, '--rcheck', '--seconds', String(svc.stickyMaxAgeSeconds), '--reap', '-j', sep);
    }
  endpoints.forEach((ep, i) => {
    const sep = endpointChain(name, svc.protocol, ep.text);
    const stat = i < endpoints.length - 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', probability(endpoints.length - i)] : [];
    natRules.write('-A', svcChain, comment(`"${name} -> ${ep.text}"`), stat, '-j', sep);
  });
}
