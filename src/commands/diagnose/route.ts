import { formatIpv4, formatPrefix, inPrefix, type Ipv4 } from '../../engine/addr/ipv4';
import type { Netns } from '../../engine/netns/netns';
import type { SuggestedFix } from '../../engine/sim/trace';
import type { World } from '../../engine/world';

/**
 * Suggest the route a student most likely forgot: find a namespace that owns the destination's
 * subnet (a connected route) and shares a subnet with `from`; route the subnet via its address there.
 */
export function suggestRouteFix(world: World, from: Netns, dst: Ipv4): SuggestedFix | undefined {
  const mine = [...from.devs.values()].flatMap((d) => (d.adminUp ? d.addrs.filter((a) => !a.secondary) : []));
  for (const ns of world.allNetns()) {
    if (ns === from || ns.role !== 'host') continue;
    const owner = ns.main.dump().find((r) => r.proto === 2 && r.type === 'unicast' && inPrefix(dst, r.dst, r.plen));
    if (!owner) continue;
    for (const d of ns.devs.values()) {
      for (const a of d.addrs) {
        const shared = mine.find((m) => m.plen === a.plen && inPrefix(a.local, m.local, m.plen) && a.local !== m.local);
        if (!shared || inPrefix(dst, a.local, a.plen)) continue;
        const prefix = formatPrefix(owner.dst, owner.plen);
        return {
          text: `add a route to ${prefix} via ${formatIpv4(a.local)} on ${from.name}`,
          on: from.name,
          run: `ip route add ${prefix} via ${formatIpv4(a.local)}`,
        };
      }
    }
  }
  return undefined;
}
