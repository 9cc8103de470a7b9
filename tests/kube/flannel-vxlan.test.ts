/**
 * A cluster whose pod network is flannel's vxlan backend, as scenarios in issue #11's format
 * (tests/kube/scenarios, `"cluster": {"podNetwork": "vxlan"}`): what flanneld programs on a node
 * and takes away when a Node goes, and pod traffic across nodes (ping, a ClusterIP, DNS) carried
 * in VXLAN, encapsulated at the sending node and decapsulated at the receiving one.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { buildWorld, parseScenario, runScenario, type StepResult } from '../../src/scenarios/runner';
import { runCommand } from '../../src/commands';
import { clusterOf } from '../../src/kube/cluster';
import { clusterPicture } from '../../src/store/cluster';
import { buildClusterGraph, type KubeNodeNode } from '../../src/ui/canvas/clusterGraph';

vi.setConfig({ testTimeout: 120_000 });

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');
const load = (name: string) => parseScenario(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
const byRun = (results: StepResult[], run: string): StepResult => results.find((r) => r.run === run)!;

const MAC = '[0-9a-f]{2}(?::[0-9a-f]{2}){5}';

describe('flannel vxlan backend: what a node holds', () => {
  const results = runScenario(load('flannel-vxlan-node')).results;

  it('makes flannel.1: VNI 1 on the kernel port, the node address as local, eth0 below, no learning, 1450', () => {
    const out = byRun(results, 'ip -d link show flannel.1').stdout;
    expect(out).toMatch(new RegExp(`^\\d+: flannel\\.1: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\n    link/ether ${MAC} brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 65535 \\n`));
    expect(out).toContain('    vxlan id 1 local 192.168.1.11 dev eth0 srcport 0 0 dstport 8472 nolearning ttl auto ageing 300 udpcsum noudp6zerocsumtx noudp6zerocsumrx ');
    expect(byRun(results, 'ip -4 addr show dev flannel.1').stdout).toContain('    inet 10.244.1.0/32 scope global flannel.1\n');
    expect(byRun(results, 'ss -uan').stdout).toMatch(/UNCONN 0 +0 +0\.0\.0\.0:8472 +0\.0\.0\.0:\*/);
  });

  it('programs a route, a permanent ARP entry and an FDB entry per other node, with the MAC each published', () => {
    const annotations = JSON.parse(byRun(results, "kubectl get node node02 -o jsonpath='{.metadata.annotations}'").stdout) as Record<string, string>;
    expect(annotations['flannel.alpha.coreos.com/backend-type']).toBe('vxlan');
    expect(annotations['flannel.alpha.coreos.com/public-ip']).toBe('192.168.1.12');
    expect(annotations['flannel.alpha.coreos.com/kube-subnet-manager']).toBe('true');
    const data = annotations['flannel.alpha.coreos.com/backend-data'];
    expect(data).toMatch(new RegExp(`^\\{"VNI":1,"VtepMAC":"${MAC}"\\}$`));
    const mac2 = (JSON.parse(data) as { VtepMAC: string }).VtepMAC;
    expect(byRun(results, 'ip route').stdout).toBe(
      'default via 192.168.1.1 dev eth0 \n' +
        '10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 \n' +
        '10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink \n' +
        '10.244.3.0/24 via 10.244.3.0 dev flannel.1 onlink \n' +
        '192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.11 \n',
    );
    expect(byRun(results, 'ip neigh show dev flannel.1').stdout).toContain(`10.244.2.0 lladdr ${mac2} PERMANENT \n`);
    expect(byRun(results, 'bridge fdb show dev flannel.1').stdout).toContain(`${mac2} dst 192.168.1.12 self permanent\n`);
    expect(byRun(results, 'bridge fdb show dev flannel.1').stdout.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('writes subnet.env, and cni0 and the pods take its MTU', () => {
    expect(byRun(results, 'cat /run/flannel/subnet.env').stdout).toBe('FLANNEL_NETWORK=10.244.0.0/22\nFLANNEL_SUBNET=10.244.1.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n');
    expect(byRun(results, 'ip link show cni0').stdout).toMatch(/^\d+: cni0: .* mtu 1450 /);
    expect(byRun(results, 'kubectl exec a -- ip link show eth0').stdout).toMatch(/^\d+: eth0@if\d+: .* mtu 1450 /);
  });

  it("takes a deleted Node's route, ARP and FDB entries away on the others", () => {
    const after = results.at(-1)!.stdout;
    expect(after).not.toContain('10.244.3.0');
    expect(after).not.toContain('192.168.1.13');
    expect(after).toContain('10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink \n');
  });

  it('does it all with commands a person would type, logged as flanneld', () => {
    const w = buildWorld(load('flannel-vxlan-node'));
    const log = clusterOf(w)!
      .peekLog()
      .filter((e) => e.by === 'flanneld' && e.on === 'node02' && !e.run.startsWith('iptables'));
    for (const e of log) expect(e.exit, e.run).toBe(0);
    const lines = log.map((e) => e.run.replace(new RegExp(MAC, 'g'), 'MAC'));
    expect(lines.slice(0, 5)).toEqual([
      'ip link add flannel.1 address MAC type vxlan id 1 local 192.168.1.12 dev eth0 nolearning dstport 8472',
      'mkdir -p /run/flannel',
      'touch /run/flannel/subnet.env',
      'ip addr add 10.244.2.0/32 dev flannel.1',
      'ip link set flannel.1 up',
    ]);
    expect(lines).toContain('ip neigh replace 10.244.3.0 lladdr MAC dev flannel.1 nud permanent');
    expect(lines).toContain('bridge fdb replace MAC dev flannel.1 dst 192.168.1.13 self permanent');
    expect(lines).toContain('ip route replace 10.244.3.0/24 via 10.244.3.0 dev flannel.1 onlink');
  });
});

describe('flannel vxlan backend: pods across nodes', () => {
  const results = runScenario(load('flannel-vxlan-pods')).results;

  it('pings a pod on another node, curls a ClusterIP whose endpoints are elsewhere, resolves names', () => {
    for (const r of results.filter((x) => x.on === 'node01')) expect(r.exit, r.run).toBe(0);
    expect(results[3].stdout).toContain('2 packets transmitted, 2 received, 0% packet loss');
    // two routers on the way: the client's node and the far pod's node
    expect(results[3].stdout).toContain('ttl=62');
    for (const i of [4, 5, 6]) expect(results[i].stdout).toMatch(/^web-[a-z0-9]+-[a-z0-9]{5}$/);
    expect(results[7].stdout).toMatch(/Name:\tweb\.default\.svc\.cluster\.local\nAddress: 10\.\d+\.\d+\.\d+\n/);
    // the far node answers from its flannel.1 address
    expect(results[8].stdout).toContain(' 2  10.244.3.0 ');
  });

  it('shows the underlay only UDP 8472 between node addresses, the pod packet inside', () => {
    const dump = results[9].stdout.split('\n');
    expect(dump[0]).toMatch(/^IP 192\.168\.1\.13\.\d+ > 192\.168\.1\.11\.8472: OTV, flags \[I\] \(0x08\), overlay 0, instance 1$/);
    expect(dump[1]).toMatch(/^IP 10\.244\.3\.2 > 10\.244\.1\.0: ICMP echo request, id \d+, seq 1, length 64$/);
  });

  it('encapsulates at the sending node and decapsulates at the receiving one, in the trace', () => {
    const sc = load('flannel-vxlan-pods');
    const w = buildWorld(sc);
    const apply = (sc as { steps: { on: string; run: string; stdin?: string }[] }).steps[0];
    expect(runCommand(w, apply.on, apply.run, { stdin: apply.stdin }).exit).toBe(0);
    const far = runCommand(w, 'node01', "kubectl get pod far -o jsonpath='{.status.podIP}'").stdout;
    const r = runCommand(w, 'node01', `kubectl exec client -- ping -c 1 -W 1 ${far}`);
    expect(r.exit).toBe(0);
    const hops = r.trace.filter((e) => e.verdict === 'VXLAN_ENCAP' || e.verdict === 'VXLAN_DECAP').map((e) => `${e.verdict} ${e.netns} ${e.dev}`);
    expect(hops).toEqual(['VXLAN_ENCAP node01 flannel.1', 'VXLAN_DECAP node03 flannel.1', 'VXLAN_ENCAP node03 flannel.1', 'VXLAN_DECAP node01 flannel.1']);
    const encap = r.trace.find((e) => e.verdict === 'VXLAN_ENCAP')!;
    expect(encap.packet?.ip).toMatchObject({ src: '192.168.1.11', dst: '192.168.1.13' });
    expect(encap.packet?.udp?.dport).toBe(8472);
    expect(encap.packet?.vxlan?.inner.ip).toMatchObject({ dst: far });
  });

  it('is the same cluster in the same run order every time (seeded)', () => {
    expect(runScenario(load('flannel-vxlan-pods')).results.map((r) => r.stdout)).toEqual(results.map((r) => r.stdout));
  });

  it('draws flannel.1 on each node of the canvas, beside eth0, with its /32', () => {
    const w = buildWorld(load('flannel-vxlan-pods'));
    const graph = buildClusterGraph(w.snapshot(), clusterPicture(w)!, {});
    const knodes = graph.nodes.filter((n): n is KubeNodeNode => n.type === 'knode');
    expect(knodes).toHaveLength(3);
    for (const [i, n] of knodes.entries()) {
      const port = n.data.ports.find((p) => p.dev === 'flannel.1');
      expect(port?.kind).toBe('vxlan');
      expect(port?.addrs).toEqual([`10.244.${i + 1}.0/32`]);
      expect(n.data.ports.map((p) => p.dev)).toContain('eth0');
    }
  });
});
