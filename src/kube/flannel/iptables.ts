/**
 * flanneld's iptables rules (flannel-io/flannel pkg/trafficmngr/iptables, `--ip-masq`, as the
 * kube-flannel manifest runs it): pod traffic leaving the cluster network is masqueraded to the
 * node's address, traffic within it is not, a packet kube-proxy marked is left to kube-proxy's own
 * masquerade; and FORWARD accepts what comes from or goes to the pod network.
 */
const MASQ = '-m comment --comment "flanneld masq"';
const FWD = '-m comment --comment "flanneld forward"';

/** The commands flanneld's traffic manager amounts to on a node whose lease is `podCIDR`. */
export function flannelIptablesPlan(clusterCIDR: string, podCIDR: string): string[] {
  const post = (rule: string) => `iptables -t nat -A FLANNEL-POSTRTG ${rule}`;
  return [
    'iptables -t nat -N FLANNEL-POSTRTG',
    `iptables -t nat -A POSTROUTING ${MASQ} -j FLANNEL-POSTRTG`,
    // kube-proxy's mark (0x4000): its own KUBE-POSTROUTING masquerades those
    post(`-m mark --mark 0x4000/0x4000 ${MASQ} -j RETURN`),
    post(`-s ${podCIDR} -d ${clusterCIDR} ${MASQ} -j RETURN`),
    post(`-s ${clusterCIDR} -d ${podCIDR} ${MASQ} -j RETURN`),
    // external traffic that reaches a pod through the node that owns it keeps its source
    post(`! -s ${clusterCIDR} -d ${podCIDR} ${MASQ} -j RETURN`),
    post(`-s ${clusterCIDR} ! -d 224.0.0.0/4 ${MASQ} -j MASQUERADE --random-fully`),
    post(`! -s ${clusterCIDR} -d ${clusterCIDR} ${MASQ} -j MASQUERADE --random-fully`),
    'iptables -t filter -N FLANNEL-FWD',
    `iptables -t filter -A FORWARD ${FWD} -j FLANNEL-FWD`,
    `iptables -t filter -A FLANNEL-FWD -s ${clusterCIDR} ${FWD} -j ACCEPT`,
    `iptables -t filter -A FLANNEL-FWD -d ${clusterCIDR} ${FWD} -j ACCEPT`,
  ];
}
