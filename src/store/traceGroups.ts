/**
 * Long traces in groups: every event of one packet (a probe, an ARP request, an ICMP error) is one
 * group, so a traceroute's 700 events read as a few dozen lines and play group by group. Pure.
 */
import { isDrop, type TraceEvent } from '../engine/sim/trace';

/** From this many events on, a trace plays from group to group (a cold routed ping has about 90). */
export const GROUPED_MIN = 60;

/** From this many events on, the trace panel lists groups (one line per packet) instead of every event. */
export const GROUPED_LIST_MIN = 150;

export interface TraceGroup {
  packetId: number;
  /** indices of the group's events in the trace, in order */
  indices: number[];
  /** where the group ends: a drop if it has one, else its last event (playback stops here) */
  key: number;
  /** the first drop, if the packet was dropped */
  drop: number | null;
  /** namespaces the packet went through, in order (hidden LAN namespaces left out) */
  path: string[];
}

/** One group per packet, in the order packets first appear. */
export function groupTrace(events: readonly TraceEvent[]): TraceGroup[] {
  const byPacket = new Map<number, TraceGroup>();
  const groups: TraceGroup[] = [];
  events.forEach((e, i) => {
    // events that belong to no packet (a cap, a stopped loop) stand alone
    const id = e.packetId === 0 ? -1 - i : e.packetId;
    let g = byPacket.get(id);
    if (!g) {
      g = { packetId: e.packetId, indices: [], key: i, drop: null, path: [] };
      byPacket.set(id, g);
      groups.push(g);
    }
    g.indices.push(i);
    if (g.drop === null) g.key = i;
    if (g.drop === null && isDrop(e)) g.drop = i;
    if (!e.netns.startsWith('__') && g.path[g.path.length - 1] !== e.netns) g.path.push(e.netns);
  });
  return groups;
}

/** The play head's stops in a grouped trace: the end of each group, in trace order (the last event last). */
export function groupStops(groups: readonly TraceGroup[], total: number): number[] {
  const stops = new Set(groups.map((g) => g.key));
  if (total > 0) stops.add(total - 1);
  return [...stops].sort((a, b) => a - b);
}
