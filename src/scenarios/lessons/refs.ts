/**
 * What a lesson names, resolved on the live lab. A lesson cannot know a cluster's generated names
 * (a pod's `cni-<uuid>` namespace, its address, a Service's ClusterIP), so goals name things as a
 * student does:
 * - a host: a machine or pod of the lab (`node01`, `pod1`), or a Kubernetes pod as `namespace/name`
 *   (`x/a`, `default/client`): the namespace its containers share;
 * - a target (where traffic goes): an IPv4 address, a host (its address), or a Service as
 *   `svc/name` or `svc/namespace/name` (its ClusterIP).
 */
import type { World } from '../../engine/world';
import type { WorldSnapshot } from '../../engine/snapshot';
import { primaryAddress } from '../hostAddress';
import type { Cluster } from '../../kube/cluster';
import type { Service } from '../../kube/api/types';

export const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * How a lab's cluster is found. The cluster code is big and only a Kubernetes lesson needs it, so
 * it is not imported here (the app's first download): kubeGoals.ts, which loads with the lesson
 * parser, plugs `clusterOf` in.
 */
let clusterLookup: (world: World) => Cluster | undefined = () => undefined;
export function setClusterLookup(lookup: (world: World) => Cluster | undefined): void {
  clusterLookup = lookup;
}
export const clusterOf = (world: World): Cluster | undefined => clusterLookup(world);

/** `ns/name` → [ns, name]; a bare name is in `default`, as kubectl reads it. */
export function splitRef(ref: string): [string, string] {
  const i = ref.indexOf('/');
  return i < 0 ? ['default', ref] : [ref.slice(0, i), ref.slice(i + 1)];
}

/** A Service named `svc/name` or `svc/ns/name`; null when the target is not a Service. */
export function serviceRef(target: string): [string, string] | null {
  return target.startsWith('svc/') ? splitRef(target.slice(4)) : null;
}

/** A running pod's sandbox (its netns and address), when the lab is a cluster. */
export function podSandbox(world: World, ref: string) {
  if (!ref.includes('/')) return undefined;
  const [ns, name] = splitRef(ref);
  const s = clusterOf(world)?.runtime.find(ns, name);
  return s && !s.killing ? s : undefined;
}

/** The netns a host reference names, or null when the lab has no such machine or running pod. */
export function hostNetns(world: World, ref: string): string | null {
  if (ref.includes('/')) return podSandbox(world, ref)?.netns ?? null;
  return world.hasNetns(ref) && !ref.startsWith('__') ? ref : null;
}

export function service(world: World, ns: string, name: string): Service | undefined {
  return clusterOf(world)?.store.get<Service>('Service', ns, name);
}

/** The address a target names, or why there is none yet. */
export function targetAddress(world: World, snapshot: WorldSnapshot, target: string): { ip: string } | { missing: string } {
  if (IPV4.test(target)) return { ip: target };
  const svc = serviceRef(target);
  if (svc) {
    const s = service(world, svc[0], svc[1]);
    const ip = s?.spec?.clusterIP;
    if (!s) return { missing: `there is no Service ${svc[0]}/${svc[1]} yet` };
    return ip && ip !== 'None' ? { ip } : { missing: `Service ${svc[0]}/${svc[1]} has no cluster IP` };
  }
  if (target.includes('/')) {
    const pod = podSandbox(world, target);
    return pod?.ip ? { ip: pod.ip } : { missing: `pod ${target} is not running` };
  }
  const ns = snapshot.netns.find((n) => n.name === target);
  const ip = ns && primaryAddress(ns);
  return ip ? { ip } : { missing: ns ? `${target} has no address yet` : `there is no ${target} yet` };
}
