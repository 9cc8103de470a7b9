/**
 * The lesson of LAB.md as a checklist a student can follow on the canvas: build the three-node
 * lab, see `Network is unreachable`, add the routes, turn forwarding on, watch a pod-to-pod ping
 * cross. Progress is read from the snapshot and from the traces of the pings the student ran.
 * Pure: snapshot and trace events in, progress out.
 */
import type { TraceEvent } from '../engine/sim/trace';
import type { WorldSnapshot } from '../engine/snapshot';

export const NODES = ['node01', 'node02', 'node03'] as const;
const n = (node: string) => Number(node.slice(-1));
const podAddr = (i: number) => `10.244.${i}.2`;

/** Moments only a trace can show; remembered once seen. */
export type LessonMoment = 'unreachable' | 'crossed';

/** What a traced command showed, if it is one of the lesson's moments. */
export function lessonMoment(on: string, line: string, events: readonly TraceEvent[]): LessonMoment | null {
  if (!/\bping\b/.test(line) || !line.includes('10.244.2.2')) return null;
  if (on === 'node01' && events.some((e) => e.netns === 'node01' && (e.verdict === 'IP_OUTNOROUTES' || e.verdict === 'RTN_UNREACHABLE'))) return 'unreachable';
  const replied = events.some((e) => e.netns === 'pod1' && e.verdict === 'LOCAL_DELIVER' && e.packet?.icmp?.type === 0);
  if (on === 'pod1' && replied && events.some((e) => e.netns === 'pod2')) return 'crossed';
  return null;
}

export interface LessonStep {
  id: 'built' | 'unreachable' | 'routes' | 'forwarding' | 'crossed';
  done: boolean;
  /** for routes and forwarding: the first node still missing them */
  next?: string;
}

/** Does `routes` (as `ip route` prints them) send `addr` somewhere via a gateway? */
function routedVia(routes: string[], addr: string): boolean {
  const ip = addr.split('.').map(Number);
  const asInt = (p: number[]) => ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
  return routes.some((r) => {
    const [dst] = r.split(' ');
    if (!r.includes(' via ') || dst === 'default') return false;
    const [net, len = '32'] = dst.split('/');
    const bits = Number(len);
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (asInt(net.split('.').map(Number)) & mask) >>> 0 === (asInt(ip) & mask) >>> 0;
  });
}

export function lessonProgress(snapshot: WorldSnapshot, seen: Partial<Record<LessonMoment, boolean>>): LessonStep[] {
  const ns = (name: string) => snapshot.netns.find((x) => x.name === name);
  const built = NODES.every((node) => {
    const pod = ns(`pod${n(node)}`);
    return ns(node) && pod?.devs.some((d) => d.addrs.some((a) => a.addr === podAddr(n(node)))) && pod.routes.some((r) => r.startsWith('default'));
  });
  const missingRoutes = built
    ? NODES.find((node) => !NODES.filter((m) => m !== node).every((other) => routedVia(ns(node)!.routes, podAddr(n(other)))))
    : NODES[0];
  const notForwarding = built ? NODES.find((node) => !ns(node)!.ipForward) : NODES[0];
  return [
    { id: 'built', done: !!built },
    { id: 'unreachable', done: !!seen.unreachable },
    { id: 'routes', done: !!built && !missingRoutes, next: missingRoutes },
    { id: 'forwarding', done: !!built && !notForwarding, next: notForwarding },
    { id: 'crossed', done: !!seen.crossed },
  ];
}
