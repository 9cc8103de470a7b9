/**
 * WorldSnapshot → canvas graph. Pure: snapshot and document in, xyflow nodes and edges out.
 *
 * Picture (the one a lecture draws): each machine is a box; its pods sit at the top, each with
 * its interface as a port on the pod's lower edge; the node's bridges sit below the pods with
 * their ports on the top edge; the machine's own interfaces are ports on the box's lower edge,
 * cabled to LAN switches drawn below the machines. Veth pairs, LAN cables and point-to-point
 * cables are edges between ports.
 *
 * Which namespace is whose pod is not kernel state, so it is inferred: a namespace created with
 * `ip netns add` on a node belongs to that node; otherwise a namespace whose every interface is
 * a veth with its peer in one node (not cabled to a LAN) is treated as that node's pod.
 */
import type { Edge, Node } from '@xyflow/react';
import type { DevSnapshot, NetnsSnapshot, WorldSnapshot } from '../../engine/snapshot';
import type { XY } from '../../store/doc';

export const PORT_W = 190;
export const PORT_H = 44;
export const PORT_GAP = 8;
const PAD = 14;
const HOST_HEADER = 48;
const POD_HEADER = 52;
const BRIDGE_HEADER = 56;
const ROW_GAP = 44; // vertical room for veth edges between pods and bridges
const HOST_MIN_W = 344;
/** room between the machines and the switches below them (elk's layer spacing, layout.ts) */
export const LAN_GAP = 72;

export type PortState = 'up' | 'down' | 'no-carrier';

export interface PortView {
  dev: string;
  kind: DevSnapshot['kind'];
  addrs: string[];
  state: PortState;
  /** handle id within the node */
  handle: string;
  /** x offset of the port's left edge within its node */
  x: number;
}

export interface HostNodeData extends Record<string, unknown> {
  netns: string;
  ipForward: boolean;
  ports: PortView[];
  pods: string[];
  hasBridge: boolean;
  width: number;
  height: number;
  /** a namespace with no owner is drawn as a machine even if it is called pod… */
  kind: 'host';
}

export interface PodNodeData extends Record<string, unknown> {
  netns: string;
  owner: string;
  ports: PortView[];
  /** the default route, as `ip route` prints it, if any */
  gateway: string | null;
  width: number;
  height: number;
  kind: 'pod';
}

export interface BridgeNodeData extends Record<string, unknown> {
  netns: string;
  dev: string;
  addrs: string[];
  state: PortState;
  ports: PortView[];
  width: number;
  height: number;
  kind: 'bridge';
}

export interface LanNodeData extends Record<string, unknown> {
  lan: string;
  members: string[];
  /** one port per member along the top edge, ordered by where the member sits (x in %) */
  ports: { handle: string; member: string; left: number }[];
  subnet: string | null;
  width: number;
  height: number;
  kind: 'lan';
}

export type HostNode = Node<HostNodeData, 'host'>;
export type PodNode = Node<PodNodeData, 'pod'>;
export type BridgeNode = Node<BridgeNodeData, 'bridge'>;
export type LanNode = Node<LanNodeData, 'lan'>;
export type LabNode = HostNode | PodNode | BridgeNode | LanNode;

export interface LinkEdgeData extends Record<string, unknown> {
  kind: 'veth' | 'lan' | 'cable';
  state: PortState;
  /** the two ends as "netns/dev" (for a LAN edge the second end is the switch-side veth, if known) */
  ends: [string, string];
  label: string;
}
export type LinkEdge = Edge<LinkEdgeData, 'link'>;

export interface LabGraph {
  nodes: LabNode[];
  edges: LinkEdge[];
  /** "netns/dev" → node id holding that port (hidden LAN-side devices map to their LAN node) */
  nodeOfDev: Record<string, string>;
  /** "netns/dev" → ids of edges touching that device */
  edgesOfDev: Record<string, string[]>;
  /** netns → node id ("__lan_x" → "lan:x") */
  nodeOfNetns: Record<string, string>;
}

export const hostId = (n: string) => `host:${n}`;
export const podId = (n: string) => `pod:${n}`;
export const bridgeId = (netns: string, dev: string) => `br:${netns}/${dev}`;
export const lanId = (n: string) => `lan:${n}`;
export const devKey = (netns: string, dev: string) => `${netns}/${dev}`;

export function portState(d: DevSnapshot): PortState {
  if (!d.adminUp) return 'down';
  if (!d.carrier || d.operstate === 'LOWERLAYERDOWN' || d.operstate === 'DOWN') return 'no-carrier';
  return 'up';
}

const worst = (a: PortState, b: PortState): PortState => (a === 'down' || b === 'down' ? 'down' : a === 'no-carrier' || b === 'no-carrier' ? 'no-carrier' : 'up');

const addrsOf = (d: DevSnapshot) => d.addrs.map((a) => `${a.addr}/${a.prefixlen}`);

const portsWidth = (n: number) => (n === 0 ? 0 : n * PORT_W + (n - 1) * PORT_GAP);

/** Which node each pod belongs to. */
export function podOwners(snapshot: WorldSnapshot, creators: Record<string, string>): Record<string, string> {
  const hosts = new Map(snapshot.netns.filter((n) => n.role === 'host').map((n) => [n.name, n]));
  const onLan = new Set(snapshot.lans.flatMap((l) => l.members.map((m) => m.netns)));
  const owners: Record<string, string> = {};
  for (const ns of hosts.values()) {
    const creator = creators[ns.name];
    if (creator && creator !== ns.name && hosts.has(creator)) {
      owners[ns.name] = creator;
      continue;
    }
    if (onLan.has(ns.name)) continue;
    const devs = ns.devs.filter((d) => d.kind !== 'loopback');
    if (devs.length === 0 || !devs.every((d) => d.kind === 'veth' && d.peer)) continue;
    const peers = new Set(devs.map((d) => d.peer!.netns));
    if (peers.size !== 1) continue;
    const [node] = peers;
    const nodeNs = hosts.get(node);
    if (!nodeNs || node === ns.name) continue;
    const peerDevs = devs.map((d) => nodeNs.devs.find((x) => x.name === d.peer!.dev));
    if (peerDevs.some((d) => d?.master) || /pod/i.test(ns.name)) owners[ns.name] = node;
  }
  // one level only: a node that is itself somebody's pod keeps no pods
  for (const [pod, node] of Object.entries(owners)) if (owners[node]) delete owners[pod];
  return owners;
}

function layoutPorts(devs: DevSnapshot[], offset: number): PortView[] {
  return devs.map((d, i) => ({
    dev: d.name,
    kind: d.kind,
    addrs: addrsOf(d),
    state: portState(d),
    handle: `d:${d.name}`,
    x: offset + i * (PORT_W + PORT_GAP),
  }));
}

function lanSubnet(snapshot: WorldSnapshot, members: { netns: string; dev: string }[]): string | null {
  for (const m of members) {
    const d = snapshot.netns.find((n) => n.name === m.netns)?.devs.find((x) => x.name === m.dev);
    const a = d?.addrs.find((x) => !x.secondary);
    if (a) {
      const parts = a.addr.split('.').map(Number);
      const mask = a.prefixlen === 0 ? 0 : (~0 << (32 - a.prefixlen)) >>> 0;
      const ip = ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
      const net = (ip & mask) >>> 0;
      return `${[net >>> 24, (net >>> 16) & 255, (net >>> 8) & 255, net & 255].join('.')}/${a.prefixlen}`;
    }
  }
  return null;
}

/** Build the graph. `positions` are the hand-placed positions; `auto` elk's, for the rest. */
export function buildGraph(
  snapshot: WorldSnapshot,
  creators: Record<string, string>,
  positions: Record<string, XY> = {},
  auto: Record<string, XY> = {},
): LabGraph {
  const owners = podOwners(snapshot, creators);
  const hosts = snapshot.netns.filter((n) => n.role === 'host');
  const nodes: LabNode[] = [];
  const edges: LinkEdge[] = [];
  const nodeOfDev: Record<string, string> = {};
  const nodeOfNetns: Record<string, string> = {};
  const edgesOfDev: Record<string, string[]> = {};
  const devIndex = new Map<string, DevSnapshot>();
  for (const ns of snapshot.netns) for (const d of ns.devs) devIndex.set(devKey(ns.name, d.name), d);

  const topLevel = hosts.filter((h) => !owners[h.name]);
  const podsOf = new Map<string, NetnsSnapshot[]>();
  for (const h of hosts) if (owners[h.name]) (podsOf.get(owners[h.name]) ?? podsOf.set(owners[h.name], []).get(owners[h.name])!).push(h);
  const place = (id: string, fallback: XY): XY => positions[id] ?? auto[id] ?? fallback;

  // LAN switches first in the data, drawn below the machines
  const lanOfNetns = new Map<string, string>();
  for (const lan of snapshot.lans) {
    lanOfNetns.set(`__lan_${lan.name}`, lan.name);
  }
  for (const ns of snapshot.netns) {
    if (ns.role !== 'lan') continue;
    const lan = lanOfNetns.get(ns.name) ?? ns.name.replace(/^__lan_/, '');
    lanOfNetns.set(ns.name, lan);
  }

  let col = 0;
  const hostWidths: number[] = [];
  for (const ns of topLevel) {
    const id = hostId(ns.name);
    nodeOfNetns[ns.name] = id;
    const pods = podsOf.get(ns.name) ?? [];
    const bridges = ns.devs.filter((d) => d.kind === 'bridge');
    const bridgeNames = new Set(bridges.map((b) => b.name));
    const own = ns.devs.filter((d) => d.kind !== 'loopback' && d.kind !== 'bridge' && !(d.master && bridgeNames.has(d.master)));

    // pods row
    const podBoxes = pods.map((p) => {
      const devs = p.devs.filter((d) => d.kind !== 'loopback');
      const w = Math.max(210, portsWidth(devs.length) + 2 * PAD);
      return { ns: p, devs, w, h: POD_HEADER + PORT_H + PAD };
    });
    const bridgeBoxes = bridges.map((b) => {
      const portsOf = ns.devs.filter((d) => d.master === b.name);
      const w = Math.max(260, portsWidth(portsOf.length) + 2 * PAD);
      return { dev: b, ports: portsOf, w, h: PORT_H + BRIDGE_HEADER + PAD + 6 };
    });
    const rowW = (boxes: { w: number }[]) => (boxes.length ? boxes.reduce((s, b) => s + b.w, 0) + (boxes.length - 1) * 20 : 0);
    const innerW = Math.max(HOST_MIN_W - 2 * PAD, rowW(podBoxes), rowW(bridgeBoxes), portsWidth(own.length));
    const width = innerW + 2 * PAD;
    let y = HOST_HEADER;
    const podsH = podBoxes.length ? Math.max(...podBoxes.map((b) => b.h)) : 0;
    const bridgesH = bridgeBoxes.length ? Math.max(...bridgeBoxes.map((b) => b.h)) : 0;
    const podsY = y;
    if (podBoxes.length) y += podsH + ROW_GAP;
    const bridgesY = y;
    if (bridgeBoxes.length) y += bridgesH + 24;
    if (!podBoxes.length && !bridgeBoxes.length) y += 36; // room for the empty-state hint
    const height = y + PORT_H + PAD;

    const centerRow = (boxes: { w: number }[]) => {
      let x = PAD + (innerW - rowW(boxes)) / 2;
      return boxes.map((b) => {
        const at = x;
        x += b.w + 20;
        return at;
      });
    };
    const ownPorts = layoutPorts(own, PAD + (innerW - portsWidth(own.length)) / 2);
    for (const p of ownPorts) nodeOfDev[devKey(ns.name, p.dev)] = id;
    nodes.push({
      id,
      type: 'host',
      position: place(id, { x: col, y: 0 }),
      ariaLabel: `Machine ${ns.name}, ip_forward ${ns.ipForward ? 1 : 0}${ownPorts.length ? `, ${ownPorts.map((p) => `${p.dev} ${p.addrs[0] ?? 'no address'}`).join(', ')}` : ', no interface'}${pods.length ? `, pods ${pods.map((p) => p.name).join(', ')}` : ''}`,
      data: { kind: 'host', netns: ns.name, ipForward: ns.ipForward, ports: ownPorts, pods: pods.map((p) => p.name), hasBridge: bridges.length > 0, width, height },
      width,
      height,
      style: { width, height },
      dragHandle: '.node-drag',
    });
    hostWidths.push(width);
    col += width + 60;

    centerRow(podBoxes).forEach((x, i) => {
      const b = podBoxes[i];
      const pid = podId(b.ns.name);
      nodeOfNetns[b.ns.name] = pid;
      const ports = layoutPorts(b.devs, (b.w - portsWidth(b.devs.length)) / 2);
      for (const p of ports) nodeOfDev[devKey(b.ns.name, p.dev)] = pid;
      const gateway = b.ns.routes.find((r) => r.startsWith('default')) ?? null;
      nodes.push({
        id: pid,
        type: 'pod',
        parentId: id,
        extent: 'parent',
        position: place(pid, { x, y: podsY }),
        ariaLabel: `Pod ${b.ns.name} on ${ns.name}${ports.length ? `, ${ports.map((p) => `${p.dev} ${p.addrs[0] ?? 'no address'}`).join(', ')}` : ''}`,
        data: { kind: 'pod', netns: b.ns.name, owner: ns.name, ports, gateway, width: b.w, height: b.h },
        width: b.w,
        height: b.h,
        style: { width: b.w, height: b.h },
        dragHandle: '.node-drag',
      });
    });

    centerRow(bridgeBoxes).forEach((x, i) => {
      const b = bridgeBoxes[i];
      const bid = bridgeId(ns.name, b.dev.name);
      const ports = layoutPorts(b.ports, (b.w - portsWidth(b.ports.length)) / 2);
      for (const p of ports) nodeOfDev[devKey(ns.name, p.dev)] = bid;
      nodeOfDev[devKey(ns.name, b.dev.name)] = bid;
      nodes.push({
        id: bid,
        type: 'bridge',
        parentId: id,
        extent: 'parent',
        position: place(bid, { x, y: bridgesY }),
        ariaLabel: `Bridge ${b.dev.name} on ${ns.name}, ${addrsOf(b.dev)[0] ?? 'no address'}, ports ${ports.map((p) => p.dev).join(', ') || 'none'}`,
        data: { kind: 'bridge', netns: ns.name, dev: b.dev.name, addrs: addrsOf(b.dev), state: portState(b.dev), ports, width: b.w, height: b.h },
        width: b.w,
        height: b.h,
        style: { width: b.w, height: b.h },
        dragHandle: '.node-drag',
      });
    });
  }

  // LAN switches
  const nodeById = new Map(nodes.map((n) => [n.id, n]));
  const hostsRowW = hostWidths.reduce((s, w) => s + w, 0) + Math.max(0, hostWidths.length - 1) * 60;
  let lanX = 0;
  const maxHostH = Math.max(0, ...nodes.filter((n) => n.type === 'host').map((n) => (n.data as HostNodeData).height));
  for (const lanAll of snapshot.lans) {
    // a member whose interface was deleted (ip link del) is no longer plugged in
    const lan = { ...lanAll, members: lanAll.members.filter((m) => devIndex.has(devKey(m.netns, m.dev))) };
    const id = lanId(lan.name);
    nodeOfNetns[`__lan_${lan.name}`] = id;
    const width = Math.max(260, Math.min(Math.max(hostsRowW, 260), lan.members.length * 330));
    const height = 64;
    const members = lan.members.map((m) => `${m.netns}:${m.dev}`);
    const xOf = (netns: string) => {
      const n = nodeById.get(nodeOfNetns[netns]);
      if (!n) return 0;
      const parent = n.parentId ? nodeById.get(n.parentId) : undefined;
      return n.position.x + (parent?.position.x ?? 0);
    };
    // each member's x once: a switch with 2,000 ports sorts in n log n, not n² log n
    const ordered = lan.members
      .map((m) => ({ m, x: xOf(m.netns) }))
      .sort((p, q) => p.x - q.x)
      .map((e) => e.m);
    const ports = ordered.map((m, i) => ({
      handle: `m:${devKey(m.netns, m.dev)}`,
      member: `${m.netns}:${m.dev}`,
      left: Math.round(((i + 0.5) / ordered.length) * 1000) / 10,
    }));
    nodes.push({
      id,
      type: 'lan',
      position: place(id, { x: lanX + Math.max(0, (hostsRowW - width) / 2), y: maxHostH + LAN_GAP }),
      ariaLabel: `LAN switch ${lan.name}${members.length ? `, plugged in: ${members.join(', ')}` : ', nothing plugged in'}`,
      data: { kind: 'lan', lan: lan.name, members, ports, subnet: lanSubnet(snapshot, lan.members), width, height },
      width,
      height,
      style: { width, height },
      dragHandle: '.node-drag',
    });
    lanX += width + 60;
  }
  for (const ns of snapshot.netns) {
    if (ns.role !== 'lan') continue;
    const lan = lanOfNetns.get(ns.name);
    if (!lan) continue;
    nodeOfNetns[ns.name] = lanId(lan);
    for (const d of ns.devs) nodeOfDev[devKey(ns.name, d.name)] = lanId(lan);
  }

  const addEdge = (e: LinkEdge) => {
    edges.push(e);
    for (const end of e.data!.ends) (edgesOfDev[end] ??= []).push(e.id);
  };

  // LAN cables: host-side member → switch
  const lanSide = new Set<string>();
  for (const lan of snapshot.lans) {
    for (const m of lan.members) {
      const k = devKey(m.netns, m.dev);
      const d = devIndex.get(k);
      const nodeId = nodeOfDev[k];
      if (!d || !nodeId) continue;
      const peer = d.peer ? devKey(d.peer.netns, d.peer.dev) : `__lan_${lan.name}/?`;
      const peerDev = d.peer ? devIndex.get(peer) : undefined;
      const state = peerDev ? worst(portState(d), portState(peerDev)) : portState(d);
      lanSide.add(k);
      if (d.peer) lanSide.add(peer);
      addEdge({
        id: `lan:${lan.name}:${k}`,
        type: 'link',
        source: nodeId,
        sourceHandle: `d:${m.dev}`,
        target: lanId(lan.name),
        targetHandle: `m:${k}`,
        data: { kind: 'lan', state, ends: [k, peer], label: m.dev },
      });
    }
  }

  // veth pairs and cables
  const seen = new Set<string>();
  for (const ns of snapshot.netns) {
    for (const d of ns.devs) {
      if (d.kind !== 'veth' || !d.peer) continue;
      const a = devKey(ns.name, d.name);
      const b = devKey(d.peer.netns, d.peer.dev);
      if (lanSide.has(a) || lanSide.has(b)) continue;
      const key = a < b ? `${a}|${b}` : `${b}|${a}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const na = nodeOfDev[a];
      const nb = nodeOfDev[b];
      const peerDev = devIndex.get(b);
      if (!na || !nb || !peerDev) continue;
      const bothMachines = na.startsWith('host:') && nb.startsWith('host:');
      addEdge({
        id: `veth:${key}`,
        type: 'link',
        source: na,
        sourceHandle: `d:${d.name}`,
        target: nb,
        targetHandle: `d:${d.peer.dev}`,
        data: { kind: bothMachines ? 'cable' : 'veth', state: worst(portState(d), portState(peerDev)), ends: [a, b], label: bothMachines ? 'cable' : 'veth' },
      });
    }
  }

  return { nodes, edges, nodeOfDev, edgesOfDev, nodeOfNetns };
}

/** The namespace that owns a canvas node (host, pod or bridge), or null for a LAN. */
export function netnsOfNode(node: LabNode): string | null {
  return node.data.kind === 'lan' ? null : node.data.netns;
}

export type { NetnsSnapshot };
