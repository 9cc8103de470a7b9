/**
 * Export a lab to real Linux: a POSIX shell script that rebuilds, on a real machine and as root,
 * the datapath the lab has now: every network namespace (machines, pods, a cluster's nodes and
 * `cni-…` pod namespaces, and the hidden `__lan_<name>` namespace whose bridge is a LAN), their
 * devices (`ip link`: bridges, veth pairs across namespaces, vxlans and their fixed FDB entries,
 * MAC addresses, masters, mtus, up),
 * sysctls (`sysctl`: what differs from a new namespace, after pinning what a new namespace could
 * inherit from the machine), addresses (`ip addr`), routes (`ip route`), permanent neighbours, and
 * each namespace's netfilter rules (`iptables-restore` of what `iptables-save` prints there:
 * kube-proxy's Services, the policy agent's NetworkPolicies, flannel's masquerade).
 *
 * It reads the lab's state, not its history, so a cluster exports as what its agents made of it
 * (no API server or kubelet runs on the real machine: the pods' programs are not started) and
 * nothing a student typed besides the network (files, `rm`) reaches the real machine.
 *
 * `sh lab.sh` builds it, `sh lab.sh down` deletes every namespace it made.
 */
import type { World } from '../engine/world';
import type { Netns } from '../engine/netns/netns';
import type { Netdev, Vxlan } from '../engine/netns/netdev';
import { vxlanFdbList } from '../engine/vxlan/fdb';
import { MAC_ZERO } from '../engine/addr/mac';
import { BR, BRPORT_DEFAULT } from '../engine/netns/netdev';
import { Sysctls } from '../engine/netns/sysctl';
import { BRNF_SYSCTL_DEFAULTS } from '../engine/netfilter/sysctls';
import { formatIpv4, isMulticast } from '../engine/addr/ipv4';
import { formatRoute, scopeName } from '../engine/fib/format';
import { RTPROT } from '../engine/fib/route';
import { runCommand } from '../commands';

/** What record.mjs pins in every namespace (the values the engine assumes), and br_netfilter's. */
const PINNED_SYSCTLS: [string, string][] = [
  ['net.ipv4.ip_forward', '0'],
  ...['all', 'default'].flatMap((c): [string, string][] => [
    [`net.ipv4.conf.${c}.rp_filter`, '0'],
    [`net.ipv4.conf.${c}.accept_redirects`, '1'],
    [`net.ipv4.conf.${c}.send_redirects`, '1'],
    [`net.ipv4.conf.${c}.secure_redirects`, '1'],
    [`net.ipv4.conf.${c}.shared_media`, '1'],
    [`net.ipv4.conf.${c}.accept_local`, '0'],
    [`net.ipv4.conf.${c}.route_localnet`, '0'],
    [`net.ipv4.conf.${c}.proxy_arp`, '0'],
    [`net.ipv4.conf.${c}.arp_ignore`, '0'],
    [`net.ipv4.conf.${c}.arp_announce`, '0'],
    [`net.ipv4.conf.${c}.arp_filter`, '0'],
    [`net.ipv4.conf.${c}.arp_accept`, '0'],
    [`net.ipv4.conf.${c}.arp_notify`, '0'],
    [`net.ipv4.conf.${c}.ignore_routes_with_linkdown`, '0'],
    [`net.ipv4.conf.${c}.promote_secondaries`, '0'],
    [`net.ipv4.conf.${c}.accept_source_route`, c === 'all' ? '0' : '1'],
  ]),
  ['net.ipv6.conf.all.accept_dad', '0'],
  ['net.ipv6.conf.default.accept_dad', '0'],
  // Hoplab's namespaces have br_netfilter loaded (the script loads it): bridged IPv4 meets iptables
  ...Object.entries(BRNF_SYSCTL_DEFAULTS),
];

/** Quote for sh: one argument, whatever it holds. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Names the script will use: checked so that a lab cannot smuggle shell into them. */
const SAFE_NETNS = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/;
const SAFE_IF = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,14}$/;

function checked(name: string, re: RegExp, what: string): string {
  if (!re.test(name)) throw new Error(`cannot export ${what} "${name}": not a name a shell script can carry`);
  return name;
}

/** A sysctl key's place in the order writes must happen: ip_forward and conf.all propagate down. */
function sysctlRank(key: string): number {
  if (key === 'net.ipv4.ip_forward') return 0;
  if (key.startsWith('net.ipv4.conf.all.')) return 1;
  if (key.startsWith('net.ipv4.conf.default.')) return 2;
  return 3;
}

/**
 * A key as sysctl(8) reads it: dots separate its levels, so a device name with a dot in it
 * (flannel.1, eth0.100) is written in the other form sysctl takes, with slashes.
 */
function sysctlPath(key: string): string {
  const m = /^(net\.ipv[46]\.(?:conf|neigh))\.(.+)\.([^.]+)$/.exec(key);
  return m && m[2].includes('.') ? `${m[1].replace(/\./g, '/')}/${m[2]}/${m[3]}` : key;
}

/** The sysctls of a namespace that differ from what a new namespace with the same devices has. */
function changedSysctls(ns: Netns): [string, string][] {
  const fresh = new Sysctls();
  for (const d of ns.devList()) fresh.addConf(d.name);
  const out: [string, string][] = [];
  for (const key of ns.sysctl.keys()) {
    const v = ns.sysctl.get(key);
    if (v !== undefined && v !== fresh.get(key)) out.push([key, v]);
  }
  return out.sort((a, b) => sysctlRank(a[0]) - sysctlRank(b[0]) || (a[0] < b[0] ? -1 : 1));
}

/** What `iptables-save` prints in the namespace (read in a rollback: the lab does not move). */
function iptablesSave(world: World, ns: string): string {
  const saved = world.beginRollback();
  try {
    const r = runCommand(world, ns, 'iptables-save');
    return r.exit === 0 ? r.stdout : '';
  } finally {
    world.endRollback(saved);
  }
}

class ScriptWriter {
  readonly lines: string[] = [];
  comment(text: string) {
    this.lines.push('', `# ${text}`);
  }
  push(...l: string[]) {
    this.lines.push(...l);
  }
}

function devices(w: ScriptWriter, all: readonly Netns[]) {
  const made = new Set<Netdev>();
  for (const ns of all) {
    const n = checked(ns.name, SAFE_NETNS, 'namespace');
    for (const d of ns.devList()) {
      if (d.kind === 'loopback' || made.has(d)) continue;
      const name = checked(d.name, SAFE_IF, 'device');
      made.add(d);
      if (d.kind === 'bridge') {
        w.push(`ip -n ${n} link add ${name} type bridge${d.ageingTime !== 300 ? ` ageing_time ${d.ageingTime * 100}` : ''}`);
      } else if (d.kind === 'veth') {
        const peer = d.ops.peer(d);
        if (!peer) throw new Error(`cannot export veth ${d.name} in ${ns.name}: it has no peer`);
        made.add(peer);
        w.push(`ip -n ${n} link add ${name} type veth peer name ${checked(peer.name, SAFE_IF, 'device')} netns ${checked(peer.netns.name, SAFE_NETNS, 'namespace')}`);
      } else if (d.kind !== 'vxlan') {
        throw new Error(`cannot export ${(d as Netdev).kind} device ${(d as Netdev).name} in ${ns.name} yet`);
      }
    }
  }
  // a vxlan names its lower device: made once every other device is there
  for (const ns of all) for (const d of ns.devList()) if (d.kind === 'vxlan') vxlan(w, ns, d);
}

/** `ip link add … type vxlan` with what the device was made with, then its own FDB's fixed entries. */
function vxlan(w: ScriptWriter, ns: Netns, d: Vxlan) {
  const c = d.cfg;
  const lower = c.link ? ns.devByIndex(c.link)?.name : undefined;
  const opts = [
    `id ${c.vni}`,
    c.remote ? `${isMulticast(c.remote) ? 'group' : 'remote'} ${formatIpv4(c.remote)}` : '',
    c.local ? `local ${formatIpv4(c.local)}` : '',
    lower ? `dev ${lower}` : '',
    `dstport ${c.dstPort}`,
    c.portMin || c.portMax ? `srcport ${c.portMin} ${c.portMax}` : '',
    c.learning ? '' : 'nolearning',
    c.ttl ? `ttl ${c.ttl}` : '',
    c.ageing !== 300 ? `ageing ${c.ageing}` : '',
  ].filter(Boolean);
  w.push(`ip -n ${ns.name} link add ${checked(d.name, SAFE_IF, 'device')} type vxlan ${opts.join(' ')}`);
  for (const e of vxlanFdbList(d).reverse()) {
    if (e.state === 'reachable') continue;
    e.remotes.forEach((r, i) => {
      // the default entry's first destination is the device's own `remote`
      if (e.mac === MAC_ZERO && i === 0 && r.ip === c.remote) return;
      const extra = [r.port !== c.dstPort ? `port ${r.port}` : '', r.vni !== c.vni ? `vni ${r.vni}` : '', r.ifindex && r.ifindex !== c.link ? `via ${ns.devByIndex(r.ifindex)?.name}` : ''].filter(Boolean);
      w.push(`bridge -n ${ns.name} fdb append ${e.mac} dev ${d.name} dst ${formatIpv4(r.ip)}${extra.length ? ` ${extra.join(' ')}` : ''} ${e.state}`);
    });
  }
}

function linkSettings(w: ScriptWriter, ns: Netns) {
  for (const d of ns.devList()) {
    if (d.kind === 'loopback') continue;
    const at = `ip -n ${ns.name} link set dev ${d.name}`;
    // a bridge without an address of its own takes its ports' lowest, as Hoplab's did
    const own = d.kind !== 'bridge' || d.macFixed;
    if (own) w.push(`${at} address ${d.mac}`);
    if (d.mtu !== 1500 && (own || d.mtuFixed)) w.push(`${at} mtu ${d.mtu}`);
  }
  for (const d of ns.devList()) {
    if (d.master) w.push(`ip -n ${ns.name} link set dev ${d.name} master ${d.master.name}`);
    const flags = d.master ? d.brport.flags ^ BRPORT_DEFAULT.flags : 0;
    const opts = [
      [BR.HAIRPIN_MODE, 'hairpin'],
      [BR.LEARNING, 'learning'],
      [BR.FLOOD, 'flood'],
    ]
      .filter(([bit]) => flags & (bit as number))
      .map(([bit, word]) => `${String(word)} ${d.brport.flags & (bit as number) ? 'on' : 'off'}`);
    if (opts.length) w.push(`bridge -n ${ns.name} link set dev ${d.name} ${opts.join(' ')}`);
  }
}

function addresses(w: ScriptWriter, ns: Netns) {
  for (const d of ns.devList()) {
    if (d.kind === 'loopback') continue;
    for (const a of d.addrs) {
      const extra = [a.broadcast !== undefined ? `broadcast ${formatIpv4(a.broadcast)}` : '', a.scope !== 0 ? `scope ${scopeName(a.scope)}` : '', a.label !== d.name ? `label ${shellQuote(a.label)}` : ''].filter(Boolean);
      w.push(`ip -n ${ns.name} addr add ${formatIpv4(a.local)}/${a.plen}${extra.length ? ` ${extra.join(' ')}` : ''} dev ${d.name}`);
    }
  }
}

function routes(w: ScriptWriter, ns: Netns) {
  // the kernel made the prefix routes of the addresses; a gateway must be reachable before its route
  const own = ns.main.dump().filter((r) => r.proto !== RTPROT.kernel);
  const direct = own.filter((r) => r.nh?.gw === undefined);
  const via = own.filter((r) => r.nh?.gw !== undefined);
  for (const r of [...direct, ...via]) w.push(`ip -n ${ns.name} route add ${formatRoute(r).replace(/\blinkdown\b/, '').trim()}`);
  for (const n of ns.neigh.all()) if (n.state === 'PERMANENT' && n.mac) w.push(`ip -n ${ns.name} neigh replace ${formatIpv4(n.ip)} lladdr ${n.mac} dev ${n.dev.name} nud permanent`);
}

/** The script that rebuilds `world` as it is now. Throws for what a script cannot carry. */
export function exportLinuxScript(world: World, title: string): string {
  const all = world.allNetns();
  const w = new ScriptWriter();
  w.comment('namespaces: machines, pods, and one per LAN for its switch');
  for (const ns of all) w.push(`ip netns add ${checked(ns.name, SAFE_NETNS, 'namespace')}`, `ip -n ${ns.name} link set lo up`, `pin ${ns.name}`);
  w.comment('devices: bridges and veth pairs');
  devices(w, all);
  w.comment('link settings: addresses, masters, mtus');
  for (const ns of all) linkSettings(w, ns);
  w.comment('sysctls the lab changed');
  for (const ns of all) for (const [k, v] of changedSysctls(ns)) w.push(`ip netns exec ${ns.name} sysctl -qw ${shellQuote(`${sysctlPath(k)}=${v}`)}`);
  w.comment('links up, addresses, routes');
  for (const ns of all) for (const d of ns.devList()) if (d.kind !== 'loopback' && d.adminUp) w.push(`ip -n ${ns.name} link set dev ${d.name} up`);
  for (const ns of all) addresses(w, ns);
  for (const ns of all) routes(w, ns);
  const rules = all.map((ns) => [ns.name, iptablesSave(world, ns.name)] as const).filter(([, text]) => text.trim() !== '');
  if (rules.length) w.comment('netfilter: each namespace\'s tables, as iptables-save printed them in Hoplab');
  for (const [ns, text] of rules) w.push(`ip netns exec ${ns} iptables-restore <<'HOPLAB_RULES'`, ...text.replace(/\n$/, '').split('\n'), 'HOPLAB_RULES');
  const names = all.map((ns) => ns.name);
  return [
    '#!/bin/sh',
    `# Hoplab lab: ${title.replace(/[\r\n]+/g, ' ')}`,
    '# Rebuilds the lab\'s network in namespaces on a real Linux machine. Run it as root, with',
    '# iproute2 and iptables installed (apt-get install iproute2 iptables iputils-ping):',
    '#   sh lab.sh        build it; then e.g. `ip netns exec pod1 ping 10.244.2.2`',
    '#   sh lab.sh down   delete every namespace it made',
    '',
    'if [ "$1" = down ]; then',
    `  for ns in ${names.join(' ')}; do ip netns del "$ns" 2>/dev/null || true; done`,
    '  exit 0',
    'fi',
    'set -e',
    '# bridged traffic through iptables, and connection tracking, as in every Hoplab namespace',
    'modprobe br_netfilter 2>/dev/null || true',
    '# the sysctls a new namespace could otherwise inherit from this machine',
    'pin() {',
    `  ip netns exec "$1" sysctl -qw ${PINNED_SYSCTLS.map(([k, v]) => `${k}=${v}`).join(' ')} 2>/dev/null || true`,
    '}',
    ...w.lines,
    '',
  ].join('\n');
}
