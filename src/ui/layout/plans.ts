/**
 * What the Add dialogs and the inspector's delete buttons run: the exact command lists for a new
 * bridge or pod (what a CNI plugin does), address suggestions, and what deleting a machine takes
 * with it. Pure.
 */
import type { NetnsSnapshot, WorldSnapshot } from '../../engine/snapshot';
import type { EditStep } from '../../store/lab';
import { podOwners } from '../canvas/graph';

export const ipToInt = (ip: string): number => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0) >>> 0;
export const intToIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** Every IPv4 address in use anywhere in the world. */
export function usedAddrs(snapshot: WorldSnapshot): Set<string> {
  const s = new Set<string>();
  for (const ns of snapshot.netns) for (const d of ns.devs) for (const a of d.addrs) s.add(a.addr);
  return s;
}

/** First free host address in the subnet of `cidr` (skipping network, broadcast and used ones), as "a.b.c.d/len". */
export function nextFreeAddr(snapshot: WorldSnapshot, cidr: string, startOffset = 2): string | null {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!m) return null;
  const len = Number(m[2]);
  if (len > 30) return null;
  const mask = len === 0 ? 0 : (~0 << (32 - len)) >>> 0;
  const net = (ipToInt(m[1]) & mask) >>> 0;
  const size = 2 ** (32 - len);
  const used = usedAddrs(snapshot);
  for (let off = startOffset; off < Math.min(size - 1, 4096); off++) {
    const ip = intToIp((net + off) >>> 0);
    if (!used.has(ip)) return `${ip}/${len}`;
  }
  return null;
}

/** The number in a node's name ("node02" → 2), used for its pod subnet 10.244.N.0/24. */
export function nodeNumber(name: string, index: number): number {
  const m = /(\d+)$/.exec(name);
  const n = m ? Number(m[1]) : index + 1;
  return n >= 0 && n <= 255 ? n : index + 1;
}

export function bridgeCommands(name: string, addr: string): string[] {
  const lines = [`ip link add ${name} type bridge`, `ip link set dev ${name} up`];
  if (addr.trim()) lines.push(`ip addr add ${addr.trim()} dev ${name}`);
  return lines;
}

/** The commands that attach a pod to a node's bridge, as in the lesson (and what a CNI plugin does). */
export function podCommands(pod: string, bridge: string, addr: string, gateway: string | null): string[] {
  const inner = `veth-${pod}`;
  const outer = `veth-${pod}-br`;
  const lines = [
    `ip netns add ${pod}`,
    `ip link add ${inner} type veth peer name ${outer}`,
    `ip link set ${inner} netns ${pod}`,
    `ip link set ${outer} master ${bridge}`,
    `ip link set ${outer} up`,
  ];
  if (addr.trim()) lines.push(`ip -n ${pod} addr add ${addr.trim()} dev ${inner}`);
  lines.push(`ip -n ${pod} link set ${inner} up`);
  if (gateway) lines.push(`ip -n ${pod} route add default via ${gateway}`);
  return lines;
}

/** A new machine, optionally plugged into a LAN with an address. */
export function machineSteps(name: string, lan: string, addr: string): EditStep[] {
  const steps: EditStep[] = [{ kind: 'host', name }];
  if (lan) {
    steps.push({ kind: 'lan-member', lan, member: `${name}:eth0` });
    // the LAN plugs eth0 in up; it only needs an address
    if (addr.trim()) steps.push({ kind: 'cmd', on: name, run: `ip addr add ${addr.trim()} dev eth0` });
  }
  return steps;
}

/** The address part of "10.244.1.1/24". */
export const addrOnly = (cidr: string | undefined | null): string | null => (cidr ? cidr.split('/')[0] : null);

/** How a step reads in a "Will run" preview: the command, or a # comment for a topology operation. */
export function previewLine(s: EditStep): string {
  switch (s.kind) {
    case 'cmd':
      return s.run;
    case 'host':
      return `# new machine ${s.name}`;
    case 'lan':
      return `# new LAN switch ${s.name}${s.members.length ? ` with ${s.members.join(', ')}` : ''}`;
    case 'lan-member':
      return `# cable ${s.member} into switch ${s.lan}`;
    case 'link':
      return `# cable ${s.a} ⇄ ${s.b}`;
    case 'remove-host':
      return `# delete machine ${s.name}, as ip netns del ${s.name} does`;
    case 'remove-lan':
      return `# delete LAN switch ${s.name}, unplugging every cable`;
  }
}

/**
 * Deleting a machine: the pods drawn inside it go first (each is its own namespace and would
 * otherwise be left behind as a bare machine with only lo), then the machine. `creators` is
 * netnsCreators(doc): who ran `ip netns add` for which pod.
 */
export function deleteMachineSteps(snapshot: WorldSnapshot, creators: Record<string, string>, name: string): EditStep[] {
  const owners = podOwners(snapshot, creators);
  const pods = Object.keys(owners)
    .filter((pod) => owners[pod] === name)
    .sort();
  return [...pods.map((pod): EditStep => ({ kind: 'remove-host', name: pod })), { kind: 'remove-host', name }];
}

/** Delete a pod as a CNI plugin's DEL does: remove its veth pair from the node, then the namespace. */
export function deletePodCommands(ns: NetnsSnapshot, owner: string): string[] {
  const peers = ns.devs.filter((d) => d.kind === 'veth' && d.peer?.netns === owner).map((d) => `ip link del ${d.peer!.dev}`);
  return [...peers, `ip netns del ${ns.name}`];
}
