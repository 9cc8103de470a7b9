/**
 * The `portmap` CNI plugin (containernetworking/plugins plugins/meta/portmap, iptables backend),
 * which kube-flannel's `cbr0` conflist chains after `bridge`: a pod's hostPorts become DNAT rules
 * in a per-sandbox chain `CNI-DN-<hash>` reached from CNI-HOSTPORT-DNAT for local destinations;
 * hairpin and localhost connections are marked (CNI-HOSTPORT-SETMARK, bit 13) and masqueraded
 * (CNI-HOSTPORT-MASQ). Plans are the iptables commands go-iptables runs for it.
 */
import type { Pod } from '../api/types';
import { hex, sha512 } from '../proxy/digest';
import { shellWord } from '../util/shellQuote';

/** kube-flannel's network name (the conflist `cbr0`). */
export const CNI_NETWORK = 'cbr0';
const MARK = '0x2000/0x2000';
const DNAT = 'CNI-HOSTPORT-DNAT';
const SETMARK = 'CNI-HOSTPORT-SETMARK';
const MASQ = 'CNI-HOSTPORT-MASQ';

export interface PortMapping {
  hostPort: number;
  containerPort: number;
  /** lower case, as the kubelet passes it */
  protocol: string;
  hostIP?: string;
}

/** The portMappings capability the kubelet hands the runtime: every container port with a hostPort. */
export function portMappings(pod: Pod): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of pod.spec.containers ?? [])
    for (const p of c.ports ?? []) if (p.hostPort) out.push({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: (p.protocol ?? 'TCP').toLowerCase(), hostIP: p.hostIP });
  return out;
}

/** utils.MustFormatChainNameWithPrefix: `CNI-DN-` and the SHA-512 of name+id, 28 characters in all. */
export const dnatChainName = (containerId: string, network = CNI_NETWORK): string => `CNI-DN-${hex(sha512(network + containerId))}`.slice(0, 28);

const comment = (containerId: string, network: string) => shellWord(`dnat name: "${network}" id: "${containerId}"`);

/** multiport takes at most 15 ports a rule (splitPortList). */
function portGroups(ports: number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ports.length; i += 15) out.push(ports.slice(i, i + 15).join(','));
  return out;
}

/** The entry rules in CNI-HOSTPORT-DNAT, one per protocol (sorted) and group of ports. */
function entryRules(maps: PortMapping[], containerId: string, network: string): string[] {
  const byProto = new Map<string, number[]>();
  for (const m of maps) byProto.set(m.protocol, [...(byProto.get(m.protocol) ?? []), m.hostPort]);
  const out: string[] = [];
  for (const proto of [...byProto.keys()].sort())
    for (const ports of portGroups(byProto.get(proto)!)) out.push(`-m comment --comment ${comment(containerId, network)} -m multiport -p ${proto} --destination-ports ${ports} -j ${dnatChainName(containerId, network)}`);
  return out;
}

/**
 * ADD for a sandbox with `maps` (nothing without port mappings). The shared chains are made
 * once per node (`first`); the per-sandbox chain's entry is prepended, so the newest pod on a
 * host port wins.
 */
export function portmapAddPlan(maps: PortMapping[], podIp: string, podPrefix: number, containerId: string, first: boolean, network = CNI_NETWORK): string[] {
  if (!maps.length) return [];
  const chain = dnatChainName(containerId, network);
  const lines: string[] = [];
  if (first)
    lines.push(
      `iptables -t nat -N ${SETMARK}`,
      `iptables -t nat -A ${SETMARK} -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark ${MARK}`,
      `iptables -t nat -N ${MASQ}`,
      `iptables -t nat -A ${MASQ} -m mark --mark ${MARK} -j MASQUERADE`,
      `iptables -t nat -I POSTROUTING 1 -m comment --comment "CNI portfwd requiring masquerade" -j ${MASQ}`,
      `iptables -t nat -N ${DNAT}`,
      `iptables -t nat -A PREROUTING -m addrtype --dst-type LOCAL -j ${DNAT}`,
      `iptables -t nat -A OUTPUT -m addrtype --dst-type LOCAL -j ${DNAT}`,
    );
  lines.push(`iptables -t nat -N ${chain}`);
  for (const m of maps) {
    const base = `-p ${m.protocol} --dport ${m.hostPort}${m.hostIP && m.hostIP !== '0.0.0.0' ? ` -d ${m.hostIP}` : ''}`;
    // hairpin (the pod's own network: containerNet keeps the pod's prefix length), then localhost
    lines.push(`iptables -t nat -A ${chain} ${base} -s ${podIp}/${podPrefix} -j ${SETMARK}`);
    lines.push(`iptables -t nat -A ${chain} ${base} -s 127.0.0.1 -j ${SETMARK}`);
    lines.push(`iptables -t nat -A ${chain} ${base} -j DNAT --to-destination ${podIp}:${m.containerPort}`);
  }
  for (const rule of entryRules(maps, containerId, network)) lines.push(`iptables -t nat -I ${DNAT} 1 ${rule}`);
  return lines;
}

/** DEL: the sandbox's chain flushed, its entry rules deleted, then the chain. */
export function portmapDelPlan(maps: PortMapping[], containerId: string, network = CNI_NETWORK): string[] {
  if (!maps.length) return [];
  const chain = dnatChainName(containerId, network);
  return [`iptables -t nat -F ${chain}`, ...entryRules(maps, containerId, network).map((r) => `iptables -t nat -D ${DNAT} ${r}`), `iptables -t nat -X ${chain}`];
}
