/**
 * The export to real Linux, held to the kernel: each preset's exported script (and a lab edited
 * with topology operations) is run in real network namespaces, inside a private
 * `unshare --net --mount --pid` as the oracle's recorder does, so this machine is left untouched.
 * Then every machine and pod pings every other one there, and each ping must end as the same
 * `ping -c 1 -W 1` ends in Hoplab: a reply (exit 0), silence (exit 1) or an error (exit 2).
 *
 * Needs root, util-linux's unshare and iproute2 (CI has them: .ci/run installs iproute2).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportLinuxScript } from '../../src/scenarios/export';
import { presets } from '../../src/scenarios/presets';
import { presetDoc, replay, PRESET_ORDER } from '../../src/store/replay';
import { matrixHosts } from '../../src/store/matrix';
import { runCommand } from '../../src/commands';
import type { LabDoc } from '../../src/store/doc';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const root = typeof process.getuid === 'function' && process.getuid() === 0;
const why = !root ? 'not root' : !has('unshare') ? 'no unshare' : !has('ip') || !has('ping') ? 'no iproute2 / iputils-ping' : null;

interface Ping {
  from: string;
  addr: string;
}

/** Every host pings every other host's address: the reachability matrix as ping commands. */
function pingsOf(doc: LabDoc): Ping[] {
  const hosts = matrixHosts(replay(doc).snapshot());
  return hosts.flatMap((a) => hosts.filter((b) => b.name !== a.name && b.addr).map((b) => ({ from: a.name, addr: b.addr! })));
}

/** Each ping's exit status in Hoplab, each on the lab as it stands (a fresh replay per source). */
function hoplabExits(doc: LabDoc, pings: Ping[]): number[] {
  const world = replay(doc);
  return pings.map((p) => runCommand(world, p.from, `ping -c 1 -W 1 ${p.addr}`).exit);
}

/** Build the lab from its script in a private network and mount namespace, then run the pings. */
function linuxExits(script: string, pings: Ping[]): { exits: number[]; log: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hoplab-export-'));
  try {
    fs.writeFileSync(path.join(dir, 'lab.sh'), script);
    // all pings at once (a silent drop costs its 1 s timeout), each exit status to its own file
    const pingLines = pings.map((p, i) => `(ip netns exec ${p.from} ping -c 1 -W 1 ${p.addr} >/dev/null 2>&1; echo $? > ${dir}/ping.${i}) &`);
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

function expectSameVerdicts(doc: LabDoc) {
  const pings = pingsOf(doc);
  const script = exportLinuxScript(doc);
  const want = hoplabExits(doc, pings);
  const { exits, log } = linuxExits(script, pings);
  const table = (xs: number[]) => pings.map((p, i) => `${p.from} -> ${p.addr}: ${xs[i]}`).join('\n');
  expect(log).not.toMatch(/hoplab export: .* failed/);
  expect(table(exits), log).toBe(table(want));
  return want;
}

describe.skipIf(why !== null)(`exported labs on real Linux${why ? ` (skipped: ${why})` : ''}`, () => {
  // a cluster stage is refused by the export (a script cannot rebuild an API server and its agents)
  for (const name of PRESET_ORDER.filter((n) => n !== 'empty' && presets[n].scenario.preset === undefined)) {
    it(`preset ${name}: the same ping verdicts as Hoplab`, () => {
      const exits = expectSameVerdicts(presetDoc(name));
      if (name === 'routed' || name === 'single-network') expect(exits.every((e) => e === 0)).toBe(true);
      if (name === 'before-routes') expect(new Set(exits)).toEqual(new Set([0, 1, 2]));
    }, 90_000);
  }

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

describe('the exported script', () => {
  it('quotes what was typed, and refuses names that are not namespace names', () => {
    const doc = presetDoc('fresh');
    doc.ops.push({ kind: 'cmd', on: 'node01', run: "echo 'it''s' $HOME; ip link set eth0 up", edit: true });
    expect(exportLinuxScript(doc)).toContain(`run node01 'echo '\\''it'\\'''\\''s'\\'' $HOME; ip link set eth0 up'`);
    doc.ops.push({ kind: 'host', name: 'x; rm -rf /' });
    expect(() => exportLinuxScript(doc)).toThrow(/not a namespace name/);
  });

  it('leaves out probes and deletes what it made on `down`', () => {
    const doc = presetDoc('before-routes');
    doc.ops.push({ kind: 'cmd', on: 'node01', run: 'ping -c 1 10.244.2.2', edit: false });
    const script = exportLinuxScript(doc);
    expect(script).not.toContain('ping -c 1 10.244.2.2');
    expect(script).toMatch(/for ns in node01 node02 node03 pod1 pod2 pod3 __lan_lan0; do ip netns del/);
  });
});
