import { formatIpv4 } from './addr/ipv4';
import { formatRoute } from './fib/format';
import { carrierOk, operstate } from './netns/netdev';
import type { WorldSnapshot } from './snapshot';
import type { World } from './world';
import type { Netdev } from './netns/netdev';

const peerOf = (d: Netdev): { netns: string; dev: string } | undefined => {
  const p = d.ops.peer(d);
  return p && { netns: p.netns.name, dev: p.name };
};

/** a LAN member still has its cable (its veth was not deleted) */
const cabled = (d: Netdev | undefined): boolean => d !== undefined && d.ops.peer(d) !== undefined;

export function takeSnapshot(w: World): WorldSnapshot {
  return {
    version: w.version,
    netns: w.allNetns().map((ns) => ({
      name: ns.name,
      role: ns.role,
      ipForward: ns.sysctl.get('net.ipv4.ip_forward') === '1',
      routes: ns.main.dump().map((r) => formatRoute(r).trimEnd()),
      devs: ns.devList().map((d) => ({
        ifindex: d.ifindex,
        name: d.name,
        kind: d.kind,
        mac: d.mac,
        adminUp: d.adminUp,
        carrier: carrierOk(d),
        operstate: operstate(d),
        master: d.master?.name,
        peer: peerOf(d),
        addrs: d.addrs.map((a) => ({ addr: formatIpv4(a.local), prefixlen: a.plen, secondary: a.secondary })),
      })),
    })),
    // a member whose interface was deleted (ip link del) is no longer plugged in
    lans: w.lans.map((l) => ({ name: l.name, members: l.members.filter((m) => cabled(w.netns(m.netns)?.devByName(m.dev))).map((m) => ({ ...m })) })),
  };
}
