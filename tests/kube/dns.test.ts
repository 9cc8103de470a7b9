/**
 * Cluster DNS the way a pod really asks (issues #11 and #12): its resolv.conf names the kube-dns
 * Service, kube-proxy DNATs each query to a CoreDNS pod, and the answer comes back from the
 * Service address. Every program that takes a host name goes through that resolver: dig,
 * nslookup, getent, curl, ping and traceroute.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { buildWorld, parseScenario, runScenario } from '../../src/scenarios/runner';
import { runCommand } from '../../src/commands';

vi.setConfig({ testTimeout: 120_000 });

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios', 'dns-through-service.json');
const load = () => parseScenario(fs.readFileSync(file, 'utf8'));

describe('a pod resolving names through the kube-dns Service', () => {
  const results = runScenario(load()).results;
  const step = (re: RegExp, nth = 0) => results.filter((r) => re.test(r.run))[nth];
  const pods = new Map(
    results[1].stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.split(/\s+/))
      .map((c) => [c[1], { ns: c[0], ip: c[6], node: c[7] }]),
  );
  const coredns = [...pods].filter(([n]) => n.startsWith('coredns-')).map(([, p]) => p.ip);
  const web = [...pods].filter(([n]) => n.startsWith('web-')).map(([n]) => n);

  it('asks the Service address its resolv.conf names, and gets the cluster answer (aa) back from it', () => {
    expect(step(/cat \/etc\/resolv.conf/).stdout).toBe('search shop.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n');
    const dig = step(/-- dig web\.shop/).stdout;
    expect(dig).toContain(';; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n');
    expect(dig).toContain(';; ANSWER SECTION:\nweb.shop.svc.cluster.local. 30\tIN\tA\t10.96.0.20\n');
    expect(dig).toContain(';; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n');
  });

  it('walks the search list for short names in dig +search, nslookup, getent and curl', () => {
    expect(step(/dig \+search \+short web$/).stdout).toBe('10.96.0.20\n');
    expect(step(/nslookup web$/).stdout).toBe('Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb.shop.svc.cluster.local\nAddress: 10.96.0.20\n\n');
    expect(step(/getent hosts web$/).stdout).toBe('10.96.0.20      web.shop.svc.cluster.local\n');
    expect(web).toContain(step(/curl -s http:\/\/web\.shop\.svc\.cluster\.local\/hostname/).stdout);
    expect(web).toContain(step(/curl -s http:\/\/web\/hostname/).stdout);
  });

  it('resolves names for ping and traceroute (a headless Service gives the pod itself), and names the replies back', () => {
    const db = pods.get('db-0')!.ip;
    expect(step(/dig \+short db\.shop/).stdout).toBe(`${db}\n`);
    const ping = step(/ping -c 1 -W 1 db$/);
    expect(ping.exit).toBe(0);
    // the reply is named again by a PTR question: CoreDNS names a headless Service's endpoint by its address
    const dashed = `${db.replace(/\./g, '-')}.db.shop.svc.cluster.local`;
    expect(ping.stdout).toMatch(new RegExp(`^PING db\\.shop\\.svc\\.cluster\\.local \\(${db.replace(/\./g, '\\.')}\\) 56\\(84\\) bytes of data\\.\\n64 bytes from ${dashed.replace(/\./g, '\\.')} \\(${db.replace(/\./g, '\\.')}\\): icmp_seq=1 `));
    const tr = step(/traceroute -n -q 1 -w 1 db$/);
    expect(tr.stdout).toMatch(new RegExp(`^traceroute to db \\(${db.replace(/\./g, '\\.')}\\), 30 hops max, 60 byte packets\\n`));
    expect(tr.stdout.trim().split('\n').at(-1)).toMatch(new RegExp(` ${db.replace(/\./g, '\\.')}  \\d+\\.\\d{3} ms$`));
    expect(step(/dig -x 10\.96\.0\.20 \+short/).stdout).toBe('web.shop.svc.cluster.local.\n');
  });

  it('spreads the queries over the CoreDNS pods: conntrack and the KUBE-SVC counters show both', () => {
    const ct = step(/conntrack -L -p udp --orig-dst 10\.96\.0\.10/).stdout.trim().split('\n');
    expect(ct.length).toBeGreaterThan(4);
    const answeredBy = new Set(ct.map((l) => /dport=53 src=(\S+) dst=10\.244\.3\.\d+ sport=53/.exec(l)?.[1]));
    expect(answeredBy).toEqual(new Set(coredns));
    const svc = step(/KUBE-SVC-TCOU7JCQXEZGVUNU/).stdout;
    for (const ip of coredns) expect(svc).toMatch(new RegExp(`^ +[1-9]\\d* +\\d+ KUBE-SEP-\\w+ .*/\\* kube-system/kube-dns:dns -> ${ip.replace(/\./g, '\\.')}:53 \\*/`, 'm'));
  });

  it('breaks resolution when CoreDNS is gone: kube-proxy rejects the Service without endpoints', () => {
    // kubectl's global flags may come before the subcommand
    expect(step(/kubectl -n kube-system scale/).stdout).toBe('deployment.apps/coredns scaled\n');
    expect(step(/iptables-save -t filter/).stdout).toContain('-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns has no endpoints" -m udp --dport 53 -j REJECT --reject-with icmp-port-unreachable\n');
    const ns = step(/nslookup web$/, 1);
    expect(ns.exit).toBe(1);
    expect(ns.stdout).toContain(';; no servers could be reached\n');
    const ping = step(/ping -c 1 -W 1 db$/, 1);
    expect(ping.exit).toBe(2);
    expect(ping.stderr).toBe('ping: db: Temporary failure in name resolution\ncommand terminated with exit code 2\n');
  });

  it('traces a query: DNAT to a CoreDNS pod on the way out, the answer un-DNATed to the Service address', () => {
    const sc = load();
    const world = buildWorld(sc);
    runCommand(world, 'node01', sc.steps[0].run, { stdin: sc.steps[0].stdin });
    world.tracing = true;
    const r = runCommand(world, 'node01', 'kubectl exec -n shop client -- dig +short web.shop.svc.cluster.local');
    expect(r.stdout).toBe('10.96.0.20\n');
    const lines = r.trace.map((e) => e.text);
    const dnat = lines.findIndex((l) => /^node03: NAT at PREROUTING: UDP \d+ → 53 10\.244\.3\.\d+ → 10\.96\.0\.10 .* rewritten to 10\.244\.3\.\d+ → 10\.244\.[12]\.2 /.test(l));
    const undo = lines.findIndex((l) => /^node03: NAT at POSTROUTING \(a reply: the connection's DNAT undone\): UDP 53 → \d+ 10\.244\.[12]\.2 → 10\.244\.3\.\d+ .* rewritten to 10\.96\.0\.10 → 10\.244\.3\.\d+ /.test(l));
    expect(dnat).toBeGreaterThanOrEqual(0);
    expect(undo).toBeGreaterThan(dnat);
    expect(lines.slice(0, dnat).some((l) => /^node03: nat KUBE-SVC-TCOU7JCQXEZGVUNU rule \d+ ".*kube-system\/kube-dns:dns -> 10\.244\.[12]\.2:53.*" → jump KUBE-SEP-/.test(l))).toBe(true);
  });
});
