/**
 * flanneld with the vxlan backend on every node (RegisterNetwork, then the lease watch's
 * handleSubnetEvents), as a level-triggered agent: on its first sync a node makes flannel.1,
 * writes /run/flannel/subnet.env and configures the device; on every sync it makes sure its own
 * Node carries its lease (the kube subnet manager's annotations) and that exactly the other
 * nodes' leases are programmed, adding what is new and removing what went, with the commands a
 * person would type (vxlan.ts). The MTU it wrote into subnet.env is what the flannel CNI plugin
 * gives cni0 and the pods.
 */
import { filesOf } from '../../engine/fs';
import type { Node } from '../api/types';
import type { Cluster } from '../cluster';
import { nodeAddress } from '../config';
import { WorkQueue, type Controller } from '../controllers/queue';
import { FLANNEL_ENCAP_OVERHEAD, leaseAnnotations, leaseOf, peerAddPlan, peerDelPlan, SUBNET_ENV, subnetEnv, vtepMacFrom, vxlanConfigurePlan, vxlanDevicePlan, type VxlanLease } from './vxlan';

const BY = 'flanneld';
/** the node's interface towards the others (flanneld's --iface default: the default route's, here eth0) */
const EXT_IFACE = 'eth0';

const agents = new WeakMap<Cluster, FlannelVxlan>();

/** FLANNEL_MTU of a node's subnet.env, once its flanneld wrote one (the flannel CNI plugin reads it). */
export const podNetworkMtu = (cluster: Cluster, node: string): number | undefined => agents.get(cluster)?.mtuOf(node);

const sameLease = (a: VxlanLease, b: VxlanLease): boolean => a.subnet === b.subnet && a.publicIp === b.publicIp && a.vtepMac === b.vtepMac;

export class FlannelVxlan implements Controller {
  readonly name = BY;
  readonly queue = new WorkQueue();
  /** each node's device: its VtepMAC, and the MTU its subnet.env says */
  private readonly devices = new Map<string, { mac: string; mtu: number }>();
  /** the other nodes' leases programmed on each node */
  private readonly programmed = new Map<string, Map<string, VxlanLease>>();

  constructor(private readonly cluster: Cluster) {
    agents.set(cluster, this);
    cluster.store.watch('Node', () => {
      for (const n of cluster.nodeNames()) this.queue.add(n);
    });
  }

  mtuOf(node: string): number | undefined {
    return this.devices.get(node)?.mtu;
  }

  reconcile(node: string): void {
    const cluster = this.cluster;
    const spec = cluster.config.nodes.find((n) => n.name === node);
    const own = cluster.store.get<Node>('Node', undefined, node);
    // flanneld holds no lease for a node that is gone: what it wrote stays, as on a real machine
    const subnet = own?.spec.podCIDR;
    if (!spec || !own || !subnet) return;
    const run = (line: string) => cluster.run(node, line, BY);
    const publicIp = nodeAddress(spec);
    let dev = this.devices.get(node);
    if (!dev) {
      const mac = vtepMacFrom(cluster.random.hex(12));
      const ext = cluster.world.netns(node)?.devByName(EXT_IFACE);
      dev = { mac, mtu: (ext?.mtu ?? 1500) - FLANNEL_ENCAP_OVERHEAD };
      this.devices.set(node, dev);
      for (const line of vxlanDevicePlan(publicIp, mac, EXT_IFACE)) run(line);
      run('mkdir -p /run/flannel');
      run(`touch ${SUBNET_ENV}`);
      // the lab's nodes share one file tree: the file is bound over that one (the commands above
      // made the mount point and the node's mount namespace), so only this node's programs see it
      const ns = cluster.world.netns(node);
      if (ns) filesOf(cluster.world).bind(ns, SUBNET_ENV, subnetEnv(cluster.config.clusterCIDR, subnet, dev.mtu));
      for (const line of vxlanConfigurePlan(subnet)) run(line);
    }
    // AcquireLease(): the lease's attributes on our own Node
    const want = leaseAnnotations(publicIp, dev.mac);
    const have = own.metadata.annotations ?? {};
    if (Object.entries(want).some(([k, v]) => have[k] !== v)) cluster.store.patch<Node>('Node', undefined, node, 'merge', { metadata: { annotations: want } });
    // WatchLeases(): every other node's lease, added or removed
    const leases = new Map<string, VxlanLease>();
    for (const n of cluster.store.list<Node>('Node')) {
      const name = n.metadata.name;
      if (name === node) continue;
      const l = leaseOf(name, n.spec.podCIDR, n.metadata.annotations);
      if (l) leases.set(name, l);
    }
    const done = this.programmed.get(node) ?? new Map<string, VxlanLease>();
    this.programmed.set(node, done);
    for (const [name, l] of [...done]) {
      const now = leases.get(name);
      if (now && sameLease(now, l)) continue;
      for (const line of peerDelPlan(l)) run(line);
      done.delete(name);
    }
    for (const [name, l] of leases) {
      if (done.has(name)) continue;
      for (const line of peerAddPlan(l)) run(line);
      done.set(name, l);
    }
  }
}
