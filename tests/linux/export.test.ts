/**
 * The export to real Linux, held to the kernel: each preset's exported script (the cluster stages
 * included, one with a NetworkPolicy, and a lab edited by hand) is run in real network namespaces,
 * inside a private `unshare --net --mount --pid` as the oracle's recorder does, so this machine's
 * own network is left untouched. Then every machine and pod pings every other one there, and each
 * ping must end as the same `ping -c 1 -W 1` ends in Hoplab: a reply (exit 0), silence (exit 1) or
 * an error (exit 2). A cluster's verdicts depend on its iptables rules and sysctls (the policy's
 * drops, forwarding, br_netfilter), which the script restores.
 *
 * Needs root, util-linux's unshare, iproute2, iputils-ping and iptables: CI has them (.ci/run
 * installs them), and without them this file fails, it does not skip.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportLinuxScript } from '../../src/scenarios/export';
import { presetDoc, replay, PRESET_ORDER } from '../../src/store/replay';
import { matrixHosts } from '../../src/store/matrix';
import { runCommand } from '../../src/commands';
import type { World } from '../../src/engine/world';
import type { LabDoc } from '../../src/store/doc';
import { lessonLabDoc } from '../../src/store/lessons';
import { builtinLesson } from '../../src/scenarios/lessons/builtin';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const missing = [!root && 'root', ...['unshare', 'ip', 'ping', 'iptables-restore'].filter((c) => !has(c))].filter(Boolean);

interface Ping {
  from: string;
  addr: string;
}

/** The lab as the app holds it: replayed, then a few seconds on its clock (a cluster's pods start). */
function lab(doc: LabDoc): World {
  const world = replay(doc);
  world.advance(3000);
  return world;
}

/** Every host pings every other host's address: the reachability matrix as ping commands. */
function pingsOf(world: World): Ping[] {
  const hosts = matrixHosts(world.snapshot());
  return hosts.flatMap((a) => hosts.filter((b) => b.name !== a.name && b.addr).map((b) => ({ from: a.name, addr: b.addr! })));
}
/** Build the lab from its script in a private network and mount namespace, then run the pings. */
function linuxExits(script: string, pings: Ping[]): { exits: number[]; log: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoplab-export-'));
  try {
    fs.writeFileSync(path.join(dir, 'lab.sh'), script);
    // all pings at once (a silent drop costs its timeout), each exit status to its own file; 3 s,
    // not Hoplab's 1 s of virtual time, so a machine busy with a hundred pings still hears a reply
    const pingLines = pings.map((p, i) => `(ip netns exec ${p.from} ping -c 1 -W 3 ${p.addr} >/dev/null 2>&1; echo $? > ${dir}/ping.${i}) &`);
    const inner = [
      'set -e',
      'mkdir -p /run/netns && mount -t tmpfs -o mode=0755,size=1m hoplab-netns /run/netns',
      '[ -d /etc/netns ] && mount -t tmpfs -o mode=0755,size=1m hoplab-etc-netns /etc/netns || true',
      `sh ${dir}/lab.sh`,
      'sleep 0.3',
      'set +e',
      ...pingLines,
      'wait',
      `sh ${dir}/lab.sh down`,
    ].join('\n');
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--net', '--pid', '--fork', '--mount-proc', '--kill-child', '--', 'sh', '-c', inner], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C', LC_ALL: 'C' },
    });
    const log = `exit ${r.status}\n${r.stdout}${r.stderr}`;
    const exits = pings.map((_, i) => {
      try {
        return Number(fs.readFileSync(path.join(dir, `ping.${i}`), 'utf8').trim());
      } catch {
        return NaN;
      }
    });
    return { exits, log };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function expectSameVerdicts(doc: LabDoc, extra: Ping[] = []) {
  const world = lab(doc);
  const pings = [...pingsOf(world), ...extra];
  const script = exportLinuxScript(world, doc.title);
  // the same pings in Hoplab, one after the other, on the lab as exported
  const want = pings.map((p) => runCommand(world, p.from, `ping -c 1 -W 1 ${p.addr}`).exit);
  const { exits, log } = linuxExits(script, pings);
  const table = (xs: number[]) => pings.map((p, i) => `${p.from} -> ${p.addr}: ${xs[i]}`).join('\n');
  expect(log, 'the script ran to its end').toMatch(/^exit 0\n/);
  expect(table(exits), log).toBe(table(want));
  return want;
}

const DENY_ALL_X = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny-all, namespace: x}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n';

describe('exported labs on real Linux', () => {
  it(`this machine can run them (root, unshare, iproute2, iputils-ping, iptables)${missing.length ? `: missing ${missing.join(', ')}` : ''}`, () => {
    expect(missing).toEqual([]);
  });

  for (const name of PRESET_ORDER.filter((n) => n !== 'empty')) {
    it(`preset ${name}: the same ping verdicts as Hoplab`, () => {
      const exits = expectSameVerdicts(presetDoc(name));
      if (name === 'routed' || name === 'single-network' || name.startsWith('cluster')) expect(exits.every((e) => e === 0)).toBe(true);
      if (name === 'before-routes') expect(new Set(exits)).toEqual(new Set([0, 1, 2]));
    }, 120_000);
  }

  it('a cluster with a NetworkPolicy: its drops come from the restored rules', () => {
    const doc = presetDoc('cluster-netpol');
    doc.ops.push({ kind: 'cmd', on: 'node01', run: 'kubectl apply -f -', stdin: DENY_ALL_X, edit: true });
    const exits = expectSameVerdicts(doc);
    // the pods of x answer only themselves now; everything else still does
    expect(exits).toContain(0);
    expect(exits).toContain(1);
  }, 120_000);

  it('a lab changed by hand: a router added and plugged in, a pod deleted, routes typed', () => {
    const doc = presetDoc('pods');
    const cmd = (on: string, run: string) => ({ kind: 'cmd' as const, on, run, edit: true });
    doc.ops.push(
      { kind: 'host', name: 'router' },
      { kind: 'lan-member', lan: 'lan0', member: 'router:eth0' },
      cmd('router', 'ip addr add 192.168.1.1/24 dev eth0'),
      cmd('router', 'ip route add 10.244.1.0/24 via 192.168.1.11; ip route add 10.244.2.0/24 via 192.168.1.12'),
      cmd('router', 'sysctl -w net.ipv4.ip_forward=1'),
      cmd('node01', 'ip route add 10.244.0.0/16 via 192.168.1.1 && sysctl -w net.ipv4.ip_forward=1'),
      cmd('node02', "ip route add 10.244.0.0/16 via 192.168.1.1; sysctl -w 'net.ipv4.ip_forward=1'"),
      { kind: 'remove-host', name: 'pod3' },
      { kind: 'host', name: 'spare' },
      { kind: 'link', a: 'spare:eth9', b: 'router:eth1' },
      cmd('spare', 'ip addr add 172.16.0.2/30 dev eth9'),
      cmd('router', 'ip addr add 172.16.0.1/30 dev eth1'),
    );
    const exits = expectSameVerdicts(doc);
    expect(exits).toContain(0);
  }, 90_000);
});

describe('exported overlays on real Linux', () => {
  it('a vxlan typed by hand between two nodes: its own FDB entries go along', () => {
    const doc = presetDoc('fresh');
    const cmd = (on: string, run: string) => ({ kind: 'cmd' as const, on, run, edit: true });
    doc.ops.push(
      cmd('node01', 'ip link add vx0 type vxlan id 42 remote 192.168.1.12 dstport 4789 dev eth0 && ip addr add 10.42.0.1/24 dev vx0 && ip link set vx0 up'),
      cmd('node02', 'ip link add vx0 type vxlan id 42 dstport 4789 dev eth0 nolearning && ip addr add 10.42.0.2/24 dev vx0 && ip link set vx0 up'),
      cmd('node02', 'bridge fdb append 00:00:00:00:00:00 dev vx0 dst 192.168.1.11'),
      // node03's tunnel leads nowhere: the same silence on both sides
      cmd('node03', 'ip link add vx0 type vxlan id 42 remote 192.168.1.99 dstport 4789 dev eth0 && ip addr add 10.42.0.3/24 dev vx0 && ip link set vx0 up'),
    );
    const exits = expectSameVerdicts(doc, [
      { from: 'node01', addr: '10.42.0.2' },
      { from: 'node02', addr: '10.42.0.1' },
      { from: 'node03', addr: '10.42.0.1' },
    ]);
    expect(exits.slice(-3)).toEqual([0, 0, 1]);
  }, 120_000);
});

describe('exported lessons on real Linux', () => {
  it('the overlays lesson at its end: the vxlan cluster (flannel.1, its routes, ARP and FDB entries) and the vxlan0 typed by hand', () => {
    const lesson = builtinLesson('overlays')!;
    const doc = lessonLabDoc(lesson, presetDoc);
    // what the solutions leave in the lab: the probes (pings, tcpdump) change nothing there
    for (const step of lesson.steps) for (const l of step.solution ?? []) if (!/\b(ping|tcpdump)\b/.test(l.run)) doc.ops.push({ kind: 'cmd', on: l.on, run: l.run, edit: true });
    const exits = expectSameVerdicts(doc, [
      { from: 'node01', addr: '10.42.0.2' },
      { from: 'node02', addr: '10.42.0.1' },
    ]);
    expect(exits.every((e) => e === 0)).toBe(true);
  }, 120_000);
});

describe('the exported script', () => {
  it('carries a cluster\'s datapath: netfilter rules restored per namespace, sysctls, pods\' namespaces', () => {
    const world = lab(presetDoc('cluster-service'));
    const script = exportLinuxScript(world, 'cluster');
    const pod = world.allNetns().find((n) => n.name.startsWith('cni-'))!.name;
    expect(script).toContain(`ip netns add ${pod}`);
    expect(script).toMatch(/^ip netns exec node02 iptables-restore <<'HOPLAB_RULES'\n# Generated by iptables-save/m);
    expect(script).toMatch(/^-A KUBE-SERVICES -d 10\.\d+\.\d+\.\d+\/32 -p tcp -m comment --comment "default\/web:http cluster IP"/m);
    expect(script).toMatch(/^ip netns exec node03 sysctl -qw net\.ipv4\.ip_forward=1$/m);
    expect(script).toMatch(/^ip -n node01 link add cni0 type bridge$/m);
  });

  it('writes a sysctl of a device whose name has a dot (flannel.1) in the form sysctl reads: with slashes', () => {
    const world = lab({ ...presetDoc('cluster'), base: { ...presetDoc('cluster').base, cluster: { podNetwork: 'vxlan' } } });
    const script = exportLinuxScript(world, 'vxlan cluster');
    expect(script).toMatch(/^ip netns exec node01 sysctl -qw net\/ipv4\/conf\/flannel\.1\/forwarding=1$/m);
    expect(script).not.toMatch(/conf\.flannel\.1\./);
    expect(script).toMatch(/^ip netns exec node01 sysctl -qw net\.ipv4\.conf\.cni0\.forwarding=1$/m);
  });

  it('reads the lab without changing it', () => {
    const world = lab(presetDoc('routed'));
    const version = world.version;
    const script = exportLinuxScript(world, 'routed');
    expect(world.version).toBe(version);
    expect(script).toMatch(/for ns in node01 node02 node03 pod1 pod2 pod3 __lan_lan0; do ip netns del/);
    expect(script).not.toMatch(/iptables-restore/);
  });
});
