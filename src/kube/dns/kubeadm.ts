/**
 * The Corefile kubeadm writes into ConfigMap kube-system/coredns (cmd/kubeadm/app/phases/addons/dns),
 * with the cluster domain in the kubernetes plugin's zones.
 */
export const kubeadmCorefile = (domain = 'cluster.local'): string => `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes ${domain} in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;
