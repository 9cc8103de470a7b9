/**
 * Drag-to-connect on the canvas: what dropping a connection from one box onto another means.
 * Machine (or pod) onto a LAN switch: plug a new interface into the switch. Machine onto machine:
 * a point-to-point cable with a new interface at each end. Pure.
 */
import type { WorldSnapshot } from '../../engine/snapshot';
import type { EditStep } from '../../store/lab';
import { nextName } from '../../store/doc';

export function netnsOfId(id: string): string | null {
  const m = /^(host|pod):(.+)$/.exec(id);
  return m ? m[2] : null;
}

export function lanOfId(id: string): string | null {
  const m = /^lan:(.+)$/.exec(id);
  return m ? m[1] : null;
}

/** The next free interface name "ethN" in a namespace. */
export function nextIfName(snapshot: WorldSnapshot, netns: string): string {
  const devs = snapshot.netns.find((n) => n.name === netns)?.devs.map((d) => d.name) ?? [];
  return nextName('eth', devs, 0);
}

export type ConnectStep = Extract<EditStep, { kind: 'lan-member' | 'link' }>;

export function planConnection(snapshot: WorldSnapshot, source: string | null, target: string | null): ConnectStep | null {
  if (!source || !target || source === target) return null;
  const a = netnsOfId(source);
  const b = netnsOfId(target);
  const lanA = lanOfId(source);
  const lanB = lanOfId(target);
  if (a && lanB) return { kind: 'lan-member', lan: lanB, member: `${a}:${nextIfName(snapshot, a)}` };
  if (b && lanA) return { kind: 'lan-member', lan: lanA, member: `${b}:${nextIfName(snapshot, b)}` };
  if (a && b && a !== b) return { kind: 'link', a: `${a}:${nextIfName(snapshot, a)}`, b: `${b}:${nextIfName(snapshot, b)}` };
  return null;
}
