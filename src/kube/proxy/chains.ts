/**
 * kube-proxy's chain names (pkg/proxy/iptables/proxier.go): the fixed chains, and per Service
 * port the first 16 characters of base32(sha256(name + protocol)) after KUBE-SVC-, -SVL-, -EXT-
 * and -FW-; per endpoint the same over name + protocol + `ip:port` after KUBE-SEP-.
 */
import { base32, sha256 } from './digest';

export const KUBE_SERVICES = 'KUBE-SERVICES';
export const KUBE_EXTERNAL_SERVICES = 'KUBE-EXTERNAL-SERVICES';
export const KUBE_NODEPORTS = 'KUBE-NODEPORTS';
export const KUBE_POSTROUTING = 'KUBE-POSTROUTING';
export const KUBE_MARK_MASQ = 'KUBE-MARK-MASQ';
export const KUBE_FORWARD = 'KUBE-FORWARD';
export const KUBE_PROXY_FIREWALL = 'KUBE-PROXY-FIREWALL';
export const KUBE_PROXY_CANARY = 'KUBE-PROXY-CANARY';
/** kubelet's chain, which kube-proxy duplicates */
export const KUBE_FIREWALL = 'KUBE-FIREWALL';

const SERVICE_CHAIN_PREFIXES = ['KUBE-SVC-', 'KUBE-SVL-', 'KUBE-SEP-', 'KUBE-FW-', 'KUBE-EXT-'];

/** Every sync names every chain again: remember the hashes (bounded, so a long session cannot grow it forever). */
const memo = new Map<string, string>();
const MEMO_LIMIT = 200_000;

function hash16(text: string): string {
  let h = memo.get(text);
  if (h === undefined) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(text, (h = base32(sha256(text)).slice(0, 16)));
  }
  return h;
}

/** portProtoHash */
export const portProtoHash = (nameString: string, protocol: string): string => hash16(nameString + protocol.toLowerCase());

export const clusterPolicyChain = (nameString: string, protocol: string): string => `KUBE-SVC-${portProtoHash(nameString, protocol)}`;
export const localPolicyChain = (nameString: string, protocol: string): string => `KUBE-SVL-${portProtoHash(nameString, protocol)}`;
export const externalChain = (nameString: string, protocol: string): string => `KUBE-EXT-${portProtoHash(nameString, protocol)}`;
export const firewallChain = (nameString: string, protocol: string): string => `KUBE-FW-${portProtoHash(nameString, protocol)}`;
export const endpointChain = (nameString: string, protocol: string, endpoint: string): string => `KUBE-SEP-${hash16(nameString + protocol.toLowerCase() + endpoint)}`;

/** isServiceChainName: the chains kube-proxy owns and deletes when stale. */
export const isServiceChainName = (chain: string): boolean => SERVICE_CHAIN_PREFIXES.some((p) => chain.startsWith(p));
