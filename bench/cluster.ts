/**
 * A Kubernetes-sized lab for the scale figures: N nodes on one LAN, P pods per node.
 *
 * Each node is built the way the lesson builds node01 (and the way a "host-gw" CNI such as
 * flannel's host-gw or kube-router wires a real cluster):
 *   - eth0 on the LAN 172.16.0.0/16 (node i is 172.16.0.0 + i), net.ipv4.ip_forward = 1;
 *   - a bridge v-net-0, up, with the node's pod /24 (10.<i/256>.<i%256>.1/24);
 *   - per pod a namespace with a veth pair: eth0 inside the pod (.2, .3, …, default via .1),
 *     vethK on the node, a port of v-net-0;
 *   - automatic routes: a route to every other node's pod /24 via that node's LAN address.
 * Everything goes through the engine's own configuration entry points (the same functions `ip`
 * calls), so the FIB, kernel routes, FDB local entries and sysctls are exactly what commands
 * would have produced; only the command-line parsing is skipped.
 */
import { asIpv4, formatIpv4, type Ipv4 } from '../src/engine/addr/ipv4';
import { routeAdd } from '../src/engine/fib/frontend';
import { RT_TABLE } from '../src/engine/fib/route';
import { addAddress } from '../src/engine/netns/devinet';
import { createBridge, createVeth, setLinkUp, setMaster } from '../src/engine/netns/link';
import { World } from '../src/engine/world';

export interface ClusterSpec {
  nodes: number;
  podsPerNode: number;
}

export interface Cluster {
  world: World;
  nodes: { name: string; addr: string }[];
  /** pods[i][j]: pod j of node i */
  pods: { name: string; addr: string }[][];
}

const LAN_BASE = (172 << 24) | (16 << 16);
export const nodeName = (i: number): string => `node${String(i + 1).padStart(3, '0')}`;
export const podName = (i: number, j: number): string => `${nodeName(i)}-pod${String(j + 1).padStart(2, '0')}`;
const nodeAddr = (i: number): Ipv4 => asIpv4(LAN_BASE + i + 1);
/** the node's pod /24: 10.x.y.0 with x.y = i + 1 */
const podNet = (i: number): Ipv4 => asIpv4((10 << 24) | ((i + 1) << 8));

export function buildCluster(spec: ClusterSpec): Cluster {
  if (spec.nodes > 65000 || spec.podsPerNode > 250) throw new Error('cluster too large for its address plan');
  const world = new World();
  const nodes: Cluster['nodes'] = [];
  const pods: Cluster['pods'] = [];
  for (let i = 0; i < spec.nodes; i++) {
    world.addHost(nodeName(i));
    nodes.push({ name: nodeName(i), addr: formatIpv4(nodeAddr(i)) });
  }
  world.addLan(
    'lan0',
    nodes.map((n) => `${n.name}:eth0`),
  );
  for (let i = 0; i < spec.nodes; i++) {
    const ns = world.netns(nodeName(i))!;
    addAddress(ns, ns.devByName('eth0')!, nodeAddr(i), 16);
    ns.sysctl.set('net.ipv4.ip_forward', '1');
    const br = createBridge(ns, 'v-net-0');
    setLinkUp(br, true);
    addAddress(ns, br, asIpv4(podNet(i) + 1), 24);
    const row: Cluster['pods'][number] = [];
    for (let j = 0; j < spec.podsPerNode; j++) {
      const name = podName(i, j);
      world.addHost(name);
      const pod = world.netns(name)!;
      const inPod = createVeth(pod, 'eth0', `veth${j + 1}`, ns);
      setMaster(inPod.peer, br);
      setLinkUp(inPod.peer, true);
      const addr = asIpv4(podNet(i) + 2 + j);
      addAddress(pod, inPod, addr, 24);
      setLinkUp(inPod, true);
      routeAdd(pod, { table: RT_TABLE.main, type: 'unicast', dst: asIpv4(0), plen: 0, gw: asIpv4(podNet(i) + 1) }, 'add');
      row.push({ name, addr: formatIpv4(addr) });
    }
    pods.push(row);
  }
  for (let i = 0; i < spec.nodes; i++) {
    const ns = world.netns(nodeName(i))!;
    for (let k = 0; k < spec.nodes; k++) {
      if (k !== i) routeAdd(ns, { table: RT_TABLE.main, type: 'unicast', dst: podNet(k), plen: 24, gw: nodeAddr(k) }, 'add');
    }
  }
  return { world, nodes, pods };
}
