/**
 * Export a lab to real Linux: a POSIX shell script of `ip netns`, `ip link`, `ip addr`, `ip route`
 * and `sysctl` commands (and whatever else the student typed to configure it, `iptables-restore`
 * included) that rebuilds the lab on a real machine, as root.
 *
 * The topology is built as the kernel oracle builds it (shared/oracle/record.mjs), which is also
 * how the engine models it: a machine or pod is a named network namespace with `lo` up; a LAN is a
 * bridge `br0` in a hidden namespace `__lan_<name>`, each member a veth whose peer `p<i>` is a port
 * of that bridge; a cable is a veth pair. The sysctls a new namespace may inherit from the host
 * (Debian sets rp_filter=2, for one) are pinned to the kernel defaults the engine models. Then the
 * configuring commands run in order, each in its namespace with `ip netns exec NAME sh -c '…'`;
 * probes (ping, traceroute) are left out: they change only caches.
 *
 * `sh lab.sh` builds it, `sh lab.sh down` deletes every namespace it made. Pure: text in, text out.
 */
import type { Scenario } from './scenario';
import { presets } from './presets';
import type { LabOp } from './labOp';

/** The parts of a lab document (src/store/doc.ts) the export reads. */
export interface ExportableLab {
  title: string;
  base: Scenario;
  ops: readonly LabOp[];
}

const LAN_NS_PREFIX = '__lan_';

/** What record.mjs pins in every host namespace: the values the engine assumes. */
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
];

/** Quote for sh: one argument, whatever it holds. */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Names the script will create: checked so that a lab file cannot smuggle shell into them. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const SAFE_IF = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$/;

function checkName(name: string, what: string) {
  if (!SAFE_NAME.test(name)) throw new Error(`cannot export ${what} "${name}": not a namespace name`);
}
function member(ref: string): [string, string] {
  const [h, i] = ref.split(':');
  checkName(h, 'machine');
  if (!SAFE_IF.test(i ?? '')) throw new Error(`cannot export interface "${ref}"`);
  return [h, i];
}

class ScriptWriter {
  readonly lines: string[] = [];
  readonly namespaces: string[] = [];
  private lanPorts = new Map<string, number>();

  comment(text: string) {
    this.lines.push('', `# ${text}`);
  }
  host(name: string) {
    checkName(name, 'machine');
    this.namespaces.push(name);
    this.lines.push(`ip netns add ${name}`, `ip -n ${name} link set lo up`, `pin ${name}`);
  }
  lan(name: string, members: readonly string[]) {
    checkName(name, 'LAN');
    const ns = LAN_NS_PREFIX + name;
    this.namespaces.push(ns);
    this.lanPorts.set(name, 0);
    this.lines.push(
      `ip netns add ${ns}`,
      `ip netns exec ${ns} sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1`,
      `ip -n ${ns} link add br0 type bridge`,
      `ip -n ${ns} link set br0 up`,
    );
    for (const m of members) this.plug(name, m);
  }
  plug(lan: string, ref: string) {
    const [h, ifn] = member(ref);
    const ns = LAN_NS_PREFIX + lan;
    const i = this.lanPorts.get(lan) ?? 0;
    this.lanPorts.set(lan, i + 1);
    this.lines.push(`ip -n ${h} link add ${ifn} type veth peer name p${i} netns ${ns}`, `ip -n ${ns} link set p${i} master br0`, `ip -n ${ns} link set p${i} up`, `ip -n ${h} link set ${ifn} up`);
  }
  link(a: string, b: string) {
    const [ha, ia] = member(a);
    const [hb, ib] = member(b);
    this.lines.push(`ip -n ${ha} link add ${ia} type veth peer name ${ib} netns ${hb}`, `ip -n ${ha} link set ${ia} up`, `ip -n ${hb} link set ${ib} up`);
  }
  run(on: string, line: string) {
    checkName(on, 'machine');
    this.lines.push(`run ${on} ${shellQuote(line)}`);
  }
  removeNetns(ns: string) {
    this.lines.push(`ip netns del ${ns}`);
  }
  topology(sc: Pick<Scenario, 'hosts' | 'lans' | 'links'>) {
    for (const h of sc.hosts ?? []) this.host(h);
    for (const [lan, members] of Object.entries(sc.lans ?? {})) this.lan(lan, members);
    for (const [a, b] of sc.links ?? []) this.link(a, b);
  }
}

export function exportLinuxScript(lab: ExportableLab): string {
  const w = new ScriptWriter();
  const base = lab.base;
  if (base.preset !== undefined) {
    const p = presets[base.preset];
    if (!p) throw new Error(`unknown preset "${base.preset}"`);
    if (p.scenario.preset !== undefined) throw new Error(`"${p.title}" runs a Kubernetes cluster (API server, kubelet, kube-proxy), which a shell script cannot rebuild`);
    w.comment(`the preset "${p.name}": ${p.title}`);
    w.topology(p.scenario);
    for (const s of p.scenario.steps) w.run(s.on, s.run);
  }
  w.comment('machines, pods, LANs and cables');
  w.topology(base);
  if (base.steps.length) w.comment('the lab\'s setup');
  for (const s of base.steps) w.run(s.on, s.run);
  if (lab.ops.length) w.comment('what was done in Hoplab, in order');
  for (const op of lab.ops) {
    switch (op.kind) {
      case 'cmd':
        if (op.edit) w.run(op.on, op.run);
        break;
      case 'host':
        w.host(op.name);
        break;
      case 'lan':
        w.lan(op.name, op.members);
        break;
      case 'lan-member':
        w.plug(op.lan, op.member);
        break;
      case 'link':
        w.link(op.a, op.b);
        break;
      case 'remove-host':
        checkName(op.name, 'machine');
        w.removeNetns(op.name);
        break;
      case 'remove-lan':
        checkName(op.name, 'LAN');
        w.removeNetns(LAN_NS_PREFIX + op.name);
        break;
    }
  }
  const title = lab.title.replace(/[\r\n]+/g, ' ');
  // pods made with `ip netns add` inside a machine are namespaces too: `down` deletes them as well
  const added = w.lines.flatMap((l) => [...l.matchAll(/ip netns add ([A-Za-z0-9][A-Za-z0-9_.-]*)/g)].map((m) => m[1]));
  const all = [...new Set([...w.namespaces, ...added])].sort((a, b) => Number(a.startsWith(LAN_NS_PREFIX)) - Number(b.startsWith(LAN_NS_PREFIX)));
  return [
    '#!/bin/sh',
    `# Hoplab lab: ${title}`,
    '# Rebuilds the lab in network namespaces on a real Linux machine. Run it as root, with',
    '# iproute2 installed (apt-get install iproute2 iputils-ping traceroute):',
    '#   sh lab.sh        build it; then e.g. `ip netns exec pod1 ping 10.244.2.2`',
    '#   sh lab.sh down   delete every namespace it made',
    '',
    'if [ "$1" = down ]; then',
    `  for ns in ${all.join(' ')}; do ip netns del "$ns" 2>/dev/null || true; done`,
    '  exit 0',
    'fi',
    'set -e',
    '# the sysctls a new namespace could otherwise inherit from this machine',
    'pin() {',
    `  ip netns exec "$1" sysctl -qw ${PINNED_SYSCTLS.map(([k, v]) => `${k}=${v}`).join(' ')} 2>/dev/null || true`,
    '}',
    '# a command as it was typed in Hoplab, in its namespace; a failure is reported, as Hoplab showed it',
    'run() {',
    '  ip netns exec "$1" sh -c "$2" || echo "hoplab export: on $1, \'$2\' failed (exit $?)" >&2',
    '}',
    ...w.lines,
    '',
  ].join('\n');
}
