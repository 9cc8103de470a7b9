/**
 * DNS over TCP in a cluster (RFC 7766): an answer too big for 512 bytes comes back truncated (TC)
 * to a client without EDNS, which asks again over TCP through the kube-dns Service's `dns-tcp`
 * port; kube-proxy DNATs the connection to a CoreDNS pod listening on TCP 53. `dig +tcp` asks over
 * TCP from the start. The trace shows the handshake to the Service address and its DNAT.
 */
import { describe, expect, it } from 'vitest';
import { buildWorld, parseScenario, runScenario } from '../../src/scenarios/runner';
import { runCommand } from '../../src/commands';

/** a selector-less headless Service whose hand-written EndpointSlice holds `n` addresses */
function bigService(n: number): string {
  const eps = Array.from({ length: n }, (_, i) => `  - addresses: ["10.250.${Math.floor(i / 200)}.${(i % 200) + 1}"]`).join('\n');
  return `apiVersion: v1
kind: Service
metadata: {name: big}
spec:
  clusterIP: None
  ports: [{name: http, port: 80}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: big-1
  labels: {kubernetes.io/service-name: big}
addressType: IPv4
ports: [{name: http, port: 80, protocol: TCP}]
endpoints:
${eps}
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  containers:
  - name: c
    image: nicolaka/netshoot
    command: [sleep, infinity]
`;
}

const SCENARIO = {
  name: 'dns-tcp',
  preset: 'cluster',
  steps: [
    { on: 'node01', run: 'kubectl apply -f -', stdin: bigService(40) },
    { on: 'node01', run: 'kubectl exec client -- dig +noedns big.default.svc.cluster.local' },
    { on: 'node01', run: 'kubectl exec client -- dig +noedns +ignore +noall +comments big.default.svc.cluster.local' },
    { on: 'node01', run: 'kubectl exec client -- dig +tcp +short kubernetes.default.svc.cluster.local' },
    { on: 'node01', run: 'kubectl exec client -- getent ahostsv4 big.default.svc.cluster.local' },
    { on: 'node01', run: 'kubectl exec client -- nslookup big.default.svc.cluster.local' },
  ],
};

describe('DNS over TCP through the kube-dns Service', () => {
  const { results: r } = runScenario(parseScenario(JSON.stringify(SCENARIO)));

  it('retries a truncated answer over TCP and gets every record', () => {
    const out = r[1].stdout;
    expect(out).toMatch(/^;; Truncated, retrying in TCP mode\.\n/m);
    expect(out).toContain(';; SERVER: 10.96.0.10#53(10.96.0.10) (TCP)\n');
    expect(out.match(/^big\.default\.svc\.cluster\.local\.\s+30\s+IN\s+A\s+10\.250\.0\.\d+$/gm)).toHaveLength(40);
    expect(out).toMatch(/;; flags: qr aa rd; QUERY: 1, ANSWER: 40, AUTHORITY: 0, ADDITIONAL: 0/);
  });

  it('shows the truncated UDP answer with +ignore: tc set, fewer records', () => {
    expect(r[2].stdout).toMatch(/;; flags: qr aa tc rd; QUERY: 1, ANSWER: \d+,/);
    const answers = Number(/ANSWER: (\d+),/.exec(r[2].stdout)![1]);
    expect(answers).toBeLessThan(40);
  });

  it('asks over TCP from the start with +tcp; glibc and nslookup fall back to TCP too', () => {
    expect(r[3].stdout).toBe('10.96.0.1\n');
    expect(r[4].stdout.trim().split('\n').filter((l) => / STREAM big\.default\.svc\.cluster\.local$/.test(l))).toHaveLength(1);
    expect(r[4].stdout.trim().split('\n').filter((l) => /^10\.250\.0\.\d+\s+STREAM/.test(l))).toHaveLength(40);
    expect(r[5].stdout).toMatch(/^;; Truncated, retrying in TCP mode\.\n/);
    expect(r[5].stdout.match(/^Address: 10\.250\.0\.\d+$/gm)).toHaveLength(40);
  });

  it('traces the TCP query: the handshake to the Service, DNATed by kube-proxy to CoreDNS on TCP 53', () => {
    const sc = parseScenario(JSON.stringify(SCENARIO));
    const world = buildWorld(sc);
    runCommand(world, 'node01', sc.steps[0].run, { stdin: sc.steps[0].stdin });
    world.tracing = true;
    const t = runCommand(world, 'node01', 'kubectl exec client -- dig +tcp +short kubernetes.default.svc.cluster.local');
    expect(t.stdout).toBe('10.96.0.1\n');
    const lines = t.trace.map((e) => e.text);
    expect(lines.some((l) => /nat KUBE-SERVICES rule \d+ ".*kube-system\/kube-dns:dns-tcp cluster IP.*" → jump KUBE-SVC-/.test(l))).toBe(true);
    expect(lines.some((l) => /NAT at OUTPUT: TCP \d+ → 53 \[S\] 10\.244\.\d+\.\d+ → 10\.96\.0\.10 .* rewritten to 10\.244\.\d+\.\d+ → 10\.244\.\d+\.\d+ /.test(l) || /NAT at PREROUTING: TCP \d+ → 53 \[S\] .* → 10\.96\.0\.10 /.test(l))).toBe(true);
  });
});
