import { BR, IFF, operstate, type Bridge, type Netdev } from '../../engine/netns/netdev';
import { vxlanDetails } from './vxlan';

/**
 * What `ip -d link show` adds to a device (print_linkinfo() with show_details): the counters and
 * limits after the link-layer line, the kind's own line (print_linktype(): "veth", "vxlan id …",
 * "bridge …"), a bridge port's "bridge_slave …" line, then addrgenmode (link dumps only, from the
 * IPv6 part of IFLA_AF_SPEC) and the queue and offload sizes.
 *
 * Not modelled: STP (every timer is 0.00, as with STP off), and the bridge's garbage collection
 * timer, which counts down from its ageing time on a bridge that is up.
 */

/** tso_max_size: what a device can segment (lo and veth GSO_MAX_SIZE's 524280; a vxlan inherits its lower device's) */
const TSO_BIG = 524280;
const TSO_LEGACY = 65536;

/** numtxqueues: a veth gets one per CPU of the recording machine, the rest one */
const queues = (dev: Netdev): number => (dev.kind === 'veth' ? 2 : 1);

function tsoMaxSize(dev: Netdev): number {
  if (dev.kind === 'vxlan') {
    const lower = dev.cfg.link ? dev.netns.devByIndex(dev.cfg.link) : undefined;
    return lower ? tsoMaxSize(lower) : TSO_LEGACY;
  }
  if (dev.kind === 'bridge') return dev.ports.length ? Math.min(...dev.ports.map(tsoMaxSize)) : TSO_LEGACY;
  return TSO_BIG;
}

/** A bridge id as br_show prints it: priority, a dot, the address */
const bridgeId = (br: Bridge): string => `8000.${br.mac}`;
const onOff = (on: boolean): string => (on ? 'on' : 'off');
const timer = (): string => '   0.00';

/** print_portinfo() of iplink_bridge_slave.c */
function bridgeSlave(dev: Netdev, br: Bridge): string {
  const p = dev.brport;
  const f = (b: number) => onOff((p.flags & b) !== 0);
  // port numbers are given in enslaving order (the kernel reuses a freed lowest number)
  const portNo = br.ports.indexOf(dev) + 1;
  const portId = ((p.priority << 10) | portNo) >>> 0;
  const oper = operstate(dev);
  const state = dev.adminUp && br.adminUp && (oper === 'UP' || oper === 'UNKNOWN') ? 'forwarding' : 'disabled';
  return (
    `bridge_slave state ${state} priority ${p.priority} cost ${p.cost} hairpin ${f(BR.HAIRPIN_MODE)} guard ${f(BR.BPDU_GUARD)} root_block ${f(BR.ROOT_BLOCK)} fastleave ${f(BR.MULTICAST_FAST_LEAVE)} ` +
    `learning ${f(BR.LEARNING)} flood ${f(BR.FLOOD)} port_id 0x${portId.toString(16)} port_no 0x${portNo.toString(16)} designated_port ${portId} designated_cost 0 ` +
    `designated_bridge ${bridgeId(br)} designated_root ${bridgeId(br)} hold_timer ${timer()} message_age_timer ${timer()} forward_delay_timer ${timer()} ` +
    `topology_change_ack 0 config_pending 0 proxy_arp off proxy_arp_wifi off mcast_router ${p.mcastRouter} mcast_fast_leave ${f(BR.MULTICAST_FAST_LEAVE)} ` +
    `mcast_flood ${f(BR.MCAST_FLOOD)} bcast_flood ${f(BR.BCAST_FLOOD)} mcast_to_unicast ${f(BR.MULTICAST_TO_UNICAST)} neigh_suppress ${f(BR.NEIGH_SUPPRESS)} ` +
    `group_fwd_mask 0 group_fwd_mask_str 0x0 vlan_tunnel ${f(BR.VLAN_TUNNEL)} isolated ${f(BR.ISOLATED)} locked ${f(BR.PORT_LOCKED)} `
  );
}

/** print_opt() of iplink_bridge.c, with STP off */
function bridgeOpts(br: Bridge): string {
  const id = bridgeId(br);
  return (
    `forward_delay 1500 hello_time 200 max_age 2000 ageing_time ${br.ageingTime * 100} stp_state 0 priority 32768 vlan_filtering 0 bridge_id ${id} designated_root ${id} ` +
    `root_port 0 root_path_cost 0 topology_change 0 topology_change_detected 0 hello_timer ${timer()} tcn_timer ${timer()} topology_change_timer ${timer()} gc_timer ${timer()} ` +
    'group_fwd_mask 0 group_address 01:80:c2:00:00:00 mcast_snooping 1 no_linklocal_learn 0 mcast_vlan_snooping 0 mcast_router 1 mcast_query_use_ifaddr 0 mcast_querier 0 ' +
    'mcast_hash_elasticity 16 mcast_hash_max 4096 mcast_last_member_count 2 mcast_startup_query_count 2 mcast_last_member_interval 100 mcast_membership_interval 26000 ' +
    'mcast_querier_interval 25500 mcast_query_interval 12500 mcast_query_response_interval 1000 mcast_startup_query_interval 3124 mcast_stats_enabled 0 ' +
    'mcast_igmp_version 2 mcast_mld_version 1 nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0 '
  );
}

function kindLine(dev: Netdev): string | undefined {
  switch (dev.kind) {
    case 'loopback':
      return undefined;
    case 'veth':
      return 'veth ';
    case 'bridge':
      return `bridge ${bridgeOpts(dev)}`;
    case 'vxlan':
      return `vxlan ${vxlanDetails(dev)}`;
  }
}

/**
 * The text `-d` adds after the link-layer line (up to the end of the record, without its newline).
 * `link`: a link dump (ip link), which carries the IPv6 addrgenmode; an address dump does not.
 */
export function linkDetails(dev: Netdev, link: boolean): string {
  // a bridge port is promiscuous and all-multicast (br_add_if() raises both)
  const portOf = dev.master ? 1 : 0;
  const promisc = portOf + (dev.ifflags & IFF.PROMISC ? 1 : 0);
  const allmulti = portOf + (dev.ifflags & IFF.ALLMULTI ? 1 : 0);
  let s = ` promiscuity ${promisc}  allmulti ${allmulti} minmtu ${dev.ops.minMtu} maxmtu ${dev.ops.maxMtu} `;
  const kind = kindLine(dev);
  if (kind !== undefined) s += `\n    ${kind}`;
  if (dev.master) s += `\n    ${bridgeSlave(dev, dev.master)}`;
  if (link) s += 'addrgenmode eui64 ';
  const q = queues(dev);
  s += `numtxqueues ${q} numrxqueues ${q} gso_max_size 65536 gso_max_segs 65535 tso_max_size ${tsoMaxSize(dev)} tso_max_segs 65535 gro_max_size 65536 `;
  return s;
}
