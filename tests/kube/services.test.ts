/**
 * Service traffic as issue #11's "Done when" asks for it, as scenarios in the issue's format
 * (tests/kube/scenarios: `"preset": "cluster"`, `stdin` manifests, steps `on` nodes and on an
 * outside host added to the cluster's LAN). Each test runs its scenario headless and checks what
 * the real commands printed: which pod answered, the addresses it saw, kube-proxy's rules and the
 * connections conntrack holds.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { buildWorld, parseScenario, runScenario, type StepResult } from '../../src/scenarios/runner';
import { runCommand } from '../../src/commands';

vi.setConfig({ testTimeout: 120_000 });

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');

const load = (name: string) => parseScenario(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));

function run(name: string): StepResult[] {
  return runScenario(load(name)).results;
}

/** `kubectl get pods -o wide` rows: pod name → { ip, node } */
function podTable(out: string): Map<string, { ip: string; node: string }> {
  const rows = out.trim().split('\n').slice(1).map((l) => l.split(/\s+/));
  return new Map(rows.map((r) => [r[0], { ip: r[5], node: r[6] }]));
}

const stepsRunning = (results: StepResult[], re: RegExp) => results.filter((r) => re.test(r.run));

describe('Services through kube-proxy (issue #11 scenarios)', () => {
  it('balances 30 curls from a pod over a Deployment of three pods on three nodes, the same way every run', () => {
    const results = run('service-clusterip-balance');
    for (const r of results) expect(r.stderr.replace(/^conntrack v.*\n/m, '')).toBe('');
    const pods = podTable(results[1].stdout);
    const web = [...pods].filter(([n]) => n.startsWith('web-'));
    expect(new Set(web.map(([, p]) => p.node))).toEqual(new Set(['node01', 'node02', 'node03']));
    // kube-proxy's three statistic rules: 1/3, then 1/2 of the rest, then the last one
    expect(results[4].stdout).toMatch(/--probability 0\.33333333349 -j KUBE-SEP-/);
    expect(results[4].stdout).toMatch(/--probability 0\.50000000000 -j KUBE-SEP-/);
    const curls = stepsRunning(results, /curl -s 10\.96\.0\.20\/hostname$/);
    expect(curls).toHaveLength(30);
    const answered = curls.map((r) => r.stdout);
    expect(new Set(answered)).toEqual(new Set(web.map(([n]) => n)));
    // no endpoint takes almost everything
    for (const [n] of web) expect(answered.filter((a) => a === n).length).toBeGreaterThanOrEqual(4);
    const udp = stepsRunning(results, /nc -u/).map((r) => r.stdout);
    expect(udp).toHaveLength(6);
    for (const a of udp) expect(web.map(([n]) => n)).toContain(a);
    expect(results.at(-1)!.stdout).toBe('30\n');
    // seeded: a second run answers exactly the same
    expect(run('service-clusterip-balance').map((r) => r.stdout)).toEqual(results.map((r) => r.stdout));
  });

  it('reaches a NodePort from an outside host on every node, masqueraded to the node that took it', () => {
    const results = run('service-nodeport-outside');
    const web = [...podTable(results[3].stdout).keys()];
    expect(results[4].stdout).toMatch(/^web\s+NodePort\s+10\.\d+\.\d+\.\d+\s+<none>\s+80:30080\/TCP\s/m);
    const hits = stepsRunning(results, /^curl -s -m 2 192\.168\.1\.1\d:30080\/hostname$/);
    expect(hits).toHaveLength(3);
    for (const h of hits) {
      expect(h.exit).toBe(0);
      expect(web).toContain(h.stdout);
    }
    expect(stepsRunning(results, /30080\/clientip/)[0].stdout).toMatch(/^192\.168\.1\.13:\d+$/);
    const nat = stepsRunning(results, /iptables-save -t nat/)[0].stdout;
    expect(nat).toMatch(/^-A KUBE-EXT-\w+ -m comment --comment "masquerade traffic for default\/web:http external destinations" -j KUBE-MARK-MASQ$/m);
    expect(nat).toMatch(/^-A KUBE-NODEPORTS -p tcp -m comment --comment "default\/web:http" -m tcp --dport 30080 -j KUBE-EXT-\w+$/m);
    expect(nat).toContain('-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully\n');
    // conntrack: the outside client's connection, DNATed to a pod and answered to the node
    expect(stepsRunning(results, /conntrack -L/)[0].stdout).toMatch(/src=192\.168\.1\.100 dst=192\.168\.1\.13 sport=\d+ dport=30080 src=10\.244\.\d\.\d+ dst=192\.168\.1\.13 sport=8080/);
    // no Service on that port: the node refuses
    expect(results.at(-1)!.exit).toBe(7);
  });

  it('keeps the client address with externalTrafficPolicy: Local and drops on nodes without an endpoint', () => {
    const results = run('service-external-local');
    const [pod] = [...podTable(results[3].stdout).values()];
    const nodeIp: Record<string, string> = { node01: '192.168.1.11', node02: '192.168.1.12', node03: '192.168.1.13' };
    for (const r of stepsRunning(results, /30090\/clientip/)) {
      if (r.run.includes(nodeIp[pod.node])) expect(r.stdout).toMatch(/^192\.168\.1\.100:\d+$/);
      else expect(r.exit).toBe(28);
    }
    for (const r of stepsRunning(results, /iptables-save -t nat/)) {
      const local = r.on === pod.node;
      expect(r.stdout.includes(':KUBE-SVL-')).toBe(local);
      expect(/^-A KUBE-EXT-\w+ -j KUBE-SVL-\w+$/m.test(r.stdout)).toBe(local);
      expect(r.stdout).toMatch(/"route LOCAL traffic for default\/web:http external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-/);
    }
    expect(stepsRunning(results, /has no local endpoints/)[0].stdout).toMatch(/-m comment --comment "default\/web:http has no local endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30090 -j DROP/);
    // the node itself still reaches it (routed to the cluster-wide chain)
    expect(results.at(-1)!.stdout).toMatch(/^web-/);
  });

  it('sends each client back to its first endpoint with sessionAffinity: ClientIP', () => {
    const results = run('service-session-affinity');
    const rules = results[2].stdout.trim().split('\n');
    expect(rules.filter((l) => / -m recent --set --name KUBE-SEP-\w+ --mask 255\.255\.255\.255 --rsource -m tcp -j DNAT/.test(l))).toHaveLength(3);
    expect(rules.filter((l) => / -m recent --rcheck --seconds 60 --reap --name KUBE-SEP-\w+ --mask 255\.255\.255\.255 --rsource -j KUBE-SEP-/.test(l))).toHaveLength(3);
    for (const client of ['a', 'b']) {
      const answers = stepsRunning(results, new RegExp(`exec ${client} -- curl`)).map((r) => r.stdout);
      expect(answers).toHaveLength(8);
      expect(answers[0]).toMatch(/^web-/);
      expect(new Set(answers).size).toBe(1);
    }
  });

  it('masquerades a pod reaching a host outside the cluster to its node address (flanneld --ip-masq)', () => {
    const results = run('pod-egress-masquerade');
    const [pod] = [...podTable(results[3].stdout).values()];
    expect(results[4].exit).toBe(0);
    expect(results[4].stdout).toContain('2 packets transmitted, 2 received, 0% packet loss');
    expect(results[5].stdout).toMatch(new RegExp(`^icmp +1 \\d+ src=${pod.ip.replace(/\./g, '\\.')} dst=192\\.168\\.1\\.100 type=8 code=0 id=\\d+ src=192\\.168\\.1\\.100 dst=192\\.168\\.1\\.12 type=0 code=0`));
    expect(results[6].stdout).toMatch(/^ {4}1 {4}84 MASQUERADE .* \/\* flanneld masq \*\/ random-fully$/m);
  });

  it('traces the Service step: the KUBE-SVC chain, the endpoint rule chosen, the DNAT before and after, the reply un-DNATed', () => {
    const sc = load('service-clusterip-balance');
    const world = buildWorld(sc);
    runCommand(world, 'node01', sc.steps[0].run, { stdin: sc.steps[0].stdin });
    world.tracing = true;
    const r = runCommand(world, 'node01', 'kubectl exec client -- curl -s 10.96.0.20/hostname');
    const ip = runCommand(world, 'node01', `kubectl get pod ${r.stdout} -o jsonpath={.status.podIP}`).stdout;
    const lines = r.trace.map((e) => e.text);
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const svc = at(/^node01: nat KUBE-SERVICES rule \d+ ".*--comment "default\/web:http cluster IP".* -j KUBE-SVC-\w+" → jump KUBE-SVC-\w+$/);
    const sep = at(new RegExp(`^node01: nat KUBE-SVC-\\w+ rule \\d+ ".*--comment "default/web:http -> ${ip}:8080".*" → jump KUBE-SEP-\\w+$`));
    const dnat = at(new RegExp(`^node01: nat KUBE-SEP-\\w+ rule \\d+ ".* -j DNAT --to-destination ${ip}:8080" → DNAT --to-destination ${ip}:8080$`));
    const rewrite = at(new RegExp(`^node01: NAT at PREROUTING: TCP \\d+ → 80 \\[S\\] 10\\.244\\.1\\.\\d+ → 10\\.96\\.0\\.20 .* rewritten to 10\\.244\\.1\\.\\d+ → ${ip} `));
    const reply = at(/^node01: NAT at POSTROUTING \(a reply: the connection's DNAT undone\): TCP 8080 → \d+ \[S\.\] .* rewritten to 10\.96\.0\.20 → 10\.244\.1\.\d+ /);
    // the draw: the chosen endpoint, then every other endpoint of the Service with its share
    const eps = runCommand(world, 'node01', 'kubectl get pods -l app=web -o jsonpath={.items[*].status.podIP}').stdout.split(' ');
    const draw = at(new RegExp(`^node01: nat KUBE-SVC-\\w+: the random draw chose rule \\d+ → KUBE-SEP-\\w+ "default/web:http -> ${ip}:8080" 33\\.3% \\(.*\\) of 3 candidates; the others: `));
    const others = lines[draw]?.split('; the others: ')[1].split('; ') ?? [];
    expect(others.map((o) => /-> ([\d.]+):8080" 33\.3% \((--probability 0\.(33333333349|50000000000)|the rest)\)$/.exec(o)?.[1]).sort()).toEqual(eps.filter((e) => e !== ip).sort());
    expect([svc, sep, draw, dnat, rewrite, reply].every((i) => i >= 0)).toBe(true);
    expect(svc < sep && sep < draw && draw < dnat && dnat < rewrite && rewrite < reply).toBe(true);
  });
});
