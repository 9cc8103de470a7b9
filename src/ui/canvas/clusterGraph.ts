/**
 * A cluster on the canvas. Pure: WorldSnapshot + ClusterPicture in, xyflow nodes and edges out.
 *
 * The machines, LANs and cables are drawn as for any lab (graph.ts); what kubelet and the CNI
 * plugin made is drawn as Kubernetes shows it: each node box holds its pods as cards in a grid
 * (name, IP, labels, readiness, the veth into the bridge), above the node's CNI bridge, itself
 * above the node's own interfaces. Services sit above the nodes, each linked to the pods (or
 * node addresses) its EndpointSlices list: solid when ready, dashed when not, faded while
 * terminating. Pod cards are small and laid out in a near-square grid, so 3 nodes × 30 pods still
 * read as three boxes of tiles, and elk places only the top-level boxes.
 */
import type { Edge, Node } from '@xyflow/react';
import type { WorldSnapshot } from '../../engine/snapshot';
import type { ClusterPicture, PodPicture, ServicePicture } from '../../store';
import type { XY } from '../../store/doc';
import { buildGraph, devKey, hostId, PORT_H, PORT_W, PORT_GAP, type HostNodeData, type LabGraph, type LabNode, type LinkEdge, type PortView } from './graph';

export const KPOD_W = 220;
export const KPOD_H = 80;
const KPOD_GAP = 10;
const PAD = 14;
const HEAD = 70;
const BRIDGE_H = 40;
const BRIDGE_GAP = 30;
const KNODE_MIN_W = 420;
export const SVC_W = 250;

export interface KubeNodeData extends HostNodeData {
  cluster: true;
  ip: string | null;
  podCIDR: string | null;
  ready: boolean;
  bridge: { name: string; addrs: string[]; up: boolean; ports: string[] };
  bridgeY: number;
  podCount: number;
}

export interface KubePodData extends Record<string, unknown> {
  kind: 'kpod';
  pod: PodPicture;
  /** `namespace/name` */
  key: string;
  /** for the trace: the pod's namespace ('' before its sandbox exists) */
  netns: string;
  width: number;
  height: number;
}

export interface ServiceNodeData extends Record<string, unknown> {
  kind: 'service';
  svc: ServicePicture;
  key: string;
  width: number;
  height: number;
}

export type KubeNodeNode = Node<KubeNodeData, 'knode'>;
export type KubePodNode = Node<KubePodData, 'kpod'>;
export type ServiceNode = Node<ServiceNodeData, 'service'>;
export type CanvasNode = LabNode | KubeNodeNode | KubePodNode | ServiceNode;

export interface EndpointEdgeData extends Record<string, unknown> {
  kind: 'endpoint';
  ready: boolean;
  terminating: boolean;
  label: string;
}
export type EndpointEdge = Edge<EndpointEdgeData, 'endpoint'>;
export type CanvasEdge = LinkEdge | EndpointEdge;

export interface CanvasGraph extends Omit<LabGraph, 'nodes' | 'edges'> {
  nodes: CanvasNode[];
  edges: CanvasEdge[];
}

export const kpodId = (key: string) => `kpod:${key}`;
export const svcId = (key: string) => `svc:${key}`;

/** Columns of a node's pod grid: near square, a little wider than tall. */
export function podColumns(n: number): number {
  if (n <= 0) return 0;
  return Math.min(n, Math.max(3, Math.ceil(Math.sqrt(n * 1.3))));
}

/** Labels worth a chip: the ones people wrote (controllers' hashes are noise). */
export function shownLabels(labels: Record<string, string>): [string, string][] {
  return Object.entries(labels).filter(([k]) => k !== 'pod-template-hash' && k !== 'controller-revision-hash');
}

export function serviceHeight(svc: ServicePicture): number {
  return 80 + Math.max(1, svc.ports.length) * 20 + svc.ports.filter((p) => p.nodePort !== null).length * 18;
}

const byKey = (a: PodPicture, b: PodPicture) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name);

/** The graph of a lab with a cluster. Without one, it is buildGraph's. */
export function buildClusterGraph(snapshot: WorldSnapshot, cluster: ClusterPicture, creators: Record<string, string>, positions: Record<string, XY> = {}, auto: Record<string, XY> = {}): CanvasGraph {
  const podNetns = new Set(cluster.pods.map((p) => p.netns).filter((n): n is string => n !== null));
  const nodeNames = new Set(cluster.nodes.map((n) => n.name));
  const bridgeOf = new Map(cluster.nodes.map((n) => [n.name, n.bridge]));
  // what the CNI plugin made is drawn by the cluster view: the machines keep their own interfaces
  const machines: WorldSnapshot = {
    ...snapshot,
    netns: snapshot.netns
      .filter((ns) => !podNetns.has(ns.name))
      .map((ns) => (nodeNames.has(ns.name) ? { ...ns, devs: ns.devs.filter((d) => d.name !== bridgeOf.get(ns.name) && d.master !== bridgeOf.get(ns.name)) } : ns)),
  };
  const base = buildGraph(machines, creators, positions, auto);
  const place = (id: string, fallback: XY): XY => positions[id] ?? auto[id] ?? fallback;
  const nodes: CanvasNode[] = [];
  const edges: CanvasEdge[] = [...base.edges];
  const { nodeOfDev, edgesOfDev, nodeOfNetns } = base;

  const podsOn = new Map<string, PodPicture[]>();
  for (const p of [...cluster.pods].sort(byKey)) if (p.node) (podsOn.get(p.node) ?? podsOn.set(p.node, []).get(p.node)!).push(p);
  const nodeByName = new Map(cluster.nodes.map((n) => [n.name, n]));
  const podNodes: KubePodNode[] = [];

  for (const n of base.nodes) {
    const name = n.type === 'host' ? n.data.netns : null;
    const info = name ? nodeByName.get(name) : undefined;
    if (!name || !info || n.type !== 'host') {
      nodes.push(n);
      continue;
    }
    const pods = podsOn.get(name) ?? [];
    const cols = podColumns(pods.length);
    const rows = cols ? Math.ceil(pods.length / cols) : 0;
    const gridW = cols ? cols * KPOD_W + (cols - 1) * KPOD_GAP : 0;
    const portsW = n.data.ports.length ? n.data.ports.length * PORT_W + (n.data.ports.length - 1) * PORT_GAP : 0;
    const innerW = Math.max(KNODE_MIN_W - 2 * PAD, gridW, portsW);
    const width = innerW + 2 * PAD;
    const gridH = rows ? rows * KPOD_H + (rows - 1) * KPOD_GAP : 36;
    const bridgeY = HEAD + gridH + BRIDGE_GAP;
    const height = bridgeY + BRIDGE_H + 28 + PORT_H + PAD;
    const ports: PortView[] = n.data.ports.map((p, i) => ({ ...p, x: PAD + (innerW - portsW) / 2 + i * (PORT_W + PORT_GAP) }));
    const nsSnap = snapshot.netns.find((x) => x.name === name);
    const br = nsSnap?.devs.find((d) => d.name === info.bridge);
    const brPorts = nsSnap?.devs.filter((d) => d.master === info.bridge).map((d) => d.name) ?? [];
    if (br) nodeOfDev[devKey(name, br.name)] = n.id;
    for (const p of brPorts) nodeOfDev[devKey(name, p)] = n.id;
    const id = hostId(name);
    nodes.push({
      ...n,
      type: 'knode',
      ariaLabel: `Node ${name}${info.ip ? `, ${info.ip}` : ''}${info.podCIDR ? `, pods on ${info.podCIDR}` : ''}, ${info.ready ? 'Ready' : 'NotReady'}, ${pods.length} pod${pods.length === 1 ? '' : 's'}`,
      data: {
        ...n.data,
        ports,
        cluster: true,
        ip: info.ip,
        podCIDR: info.podCIDR,
        ready: info.ready,
        bridge: { name: info.bridge, addrs: br ? br.addrs.map((a) => `${a.addr}/${a.prefixlen}`) : [], up: br ? br.adminUp : false, ports: brPorts },
        bridgeY,
        podCount: pods.length,
        width,
        height,
      },
      width,
      height,
      style: { width, height },
    } as KubeNodeNode);
    const x0 = PAD + (innerW - gridW) / 2;
    pods.forEach((pod, i) => {
      const key = `${pod.namespace}/${pod.name}`;
      const pid = kpodId(key);
      if (pod.netns) {
        nodeOfNetns[pod.netns] = pid;
        nodeOfDev[devKey(pod.netns, 'eth0')] = pid;
      }
      podNodes.push({
        id: pid,
        type: 'kpod',
        parentId: id,
        extent: 'parent',
        position: place(pid, { x: x0 + (i % cols) * (KPOD_W + KPOD_GAP), y: HEAD + Math.floor(i / cols) * (KPOD_H + KPOD_GAP) }),
        ariaLabel: `Pod ${key} on ${name}, ${pod.ip ?? 'no IP yet'}, ${pod.terminating ? 'Terminating' : pod.ready ? 'Ready' : `not ready (${pod.phase})`}${shownLabels(pod.labels).length ? `, labels ${shownLabels(pod.labels).map(([k, v]) => `${k}=${v}`).join(', ')}` : ''}`,
        data: { kind: 'kpod', pod, key, netns: pod.netns ?? '', width: KPOD_W, height: KPOD_H },
        width: KPOD_W,
        height: KPOD_H,
        style: { width: KPOD_W, height: KPOD_H },
        dragHandle: '.node-drag',
      });
    });
  }
  nodes.push(...podNodes);

  // Services above the nodes, each linked to what its endpoints are
  const podIds = new Set(podNodes.map((p) => p.data.key));
  const nodeOfIp = new Map(cluster.nodes.filter((n) => n.ip).map((n) => [n.ip!, n.name]));
  let sx = 0;
  for (const svc of cluster.services) {
    const key = `${svc.namespace}/${svc.name}`;
    const id = svcId(key);
    const height = serviceHeight(svc);
    nodes.push({
      id,
      type: 'service',
      position: place(id, { x: sx, y: -height - 80 }),
      ariaLabel: `Service ${key}, ${svc.type}${svc.clusterIP ? ` ${svc.clusterIP}` : ''}, ${svc.endpoints.filter((e) => e.ready).length} of ${svc.endpoints.length} endpoints ready`,
      data: { kind: 'service', svc, key, width: SVC_W, height },
      width: SVC_W,
      height,
      style: { width: SVC_W, height },
      dragHandle: '.node-drag',
    });
    sx += SVC_W + 40;
    for (const e of svc.endpoints) {
      const target = e.pod && podIds.has(e.pod) ? kpodId(e.pod) : nodeOfIp.has(e.ip) ? hostId(nodeOfIp.get(e.ip)!) : null;
      if (!target) continue;
      edges.push({
        id: `ep:${key}>${e.pod ?? e.ip}`,
        type: 'endpoint',
        source: id,
        sourceHandle: 'endpoints',
        target,
        targetHandle: 'service',
        data: { kind: 'endpoint', ready: e.ready, terminating: e.terminating, label: `${key} → ${e.pod ?? e.ip} (${e.ip}${e.ready ? '' : ', not ready'}${e.terminating ? ', terminating' : ''})` },
      });
    }
  }
  return { nodes, edges, nodeOfDev, edgesOfDev, nodeOfNetns };
}
