/**
 * The iptables rules the kubelet keeps on its node (pkg/kubelet/kubelet_network_linux.go): the
 * KUBE-IPTABLES-HINT chain that says iptables-nft is in use, KUBE-FIREWALL jumped to from INPUT
 * and OUTPUT with the rule that drops outside packets to 127.0.0.0/8 (route_localnet's hole),
 * and its canary chains (iptables.Monitor).
 */
import { ensureChainLine, ensureRuleLine } from '../proxy/proxier';

export function kubeletIptablesPlan(): string[] {
  return [
    ensureChainLine('mangle', 'KUBE-IPTABLES-HINT'),
    ensureChainLine('filter', 'KUBE-FIREWALL'),
    ensureRuleLine('-I', 'filter', 'OUTPUT', ['-j', 'KUBE-FIREWALL']),
    ensureRuleLine('-I', 'filter', 'INPUT', ['-j', 'KUBE-FIREWALL']),
    ensureRuleLine('-A', 'filter', 'KUBE-FIREWALL', [
      '-m', 'comment', '--comment', 'block incoming localnet connections',
      '--dst', '127.0.0.0/8', '!', '--src', '127.0.0.0/8',
      '-m', 'conntrack', '!', '--ctstate', 'RELATED,ESTABLISHED,DNAT',
      '-j', 'DROP',
    ]),
    ...['mangle', 'nat', 'filter'].map((t) => ensureChainLine(t, 'KUBE-KUBELET-CANARY')),
  ];
}
