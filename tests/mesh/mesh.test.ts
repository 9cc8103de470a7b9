/**
 * The service mesh as issue #15's "Done when" asks for it, as headless scenarios in the
 * scenario format (tests/mesh/scenarios: `"preset": "cluster"` with `"istio": true`). Each test
 * runs its scenario and checks what the real commands printed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { buildWorld, parseScenario, runScenario, STEP_SETTLE_MS_PER_NETNS, type StepResult } from '../../src/scenarios/runner';
import { runCommand } from '../../src/commands';
import { clusterOf } from '../../src/kube/cluster';
import { meshOf } from '../../src/kube/mesh/mesh';
import type { MeshSpan } from '../../src/kube/mesh/envoy/telemetry';

vi.setConfig({ testTimeout: 120_000 });

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'scenarios');
const run = (name: string): StepResult[] => runScenario(parseScenario(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'))).results;

/** `kubectl get pods` rows: name → READY */
const readyByPod = (out: string): Map<string, string> => new Map(out.trim().split('\n').filter((l) => !l.startsWith('NAME')).map((l) => l.split(/\s+/)).map((r) => [r[0], r[1]]));

describe('sidecar injection (issue #15)', () => {
  it('injects labelled namespaces and opted-in pods, with istio-init rules in their namespaces', () => {
    const r = run('mesh-injection');
    expect(r[0].stdout).toMatch(/deployment\.apps\/istiod\s+1\/1/);
    const ready = readyByPod(r[3].stdout);
    const of = (prefix: string) => [...ready].filter(([n]) => n.startsWith(prefix)).map(([, v]) => v);
    expect(of('catalog-')).toEqual(['2/2', '2/2']);
    expect(of('legacy-')).toEqual(['1/1']);
    expect(of('probe-')).toEqual(['2/2']);
    expect(of('plain-')).toEqual(['1/1']);
    expect(r[4].stdout).toBe('catalog istio-proxy istio-init 1337 istio\n'.repeat(2));
    const nat = r[5].stdout;
    expect(nat).toContain('-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006\n');
    expect(nat).toContain('-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001\n');
    expect(nat).toContain('-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN\n');
    for (const port of [15008, 15090, 15021, 15020]) expect(nat).toContain(`-A ISTIO_INBOUND -p tcp -m tcp --dport ${port} -j RETURN\n`);
    expect(r[6].stdout).toBe('0\n');
  });

  it("lists and refuses Istio's resources as kubectl and the webhook do", () => {
    const r = run('mesh-injection');
    expect(r[7].stderr).toBe('No resources found in shop namespace.\n');
    expect(r[9].stdout).toMatch(/^virtualservice\.networking\.istio\.io\/catalog\s+\["catalog"\]\s+\d+s$/m);
    expect(r[9].stdout).toMatch(/^NAME\s+MODE\s+AGE\npeerauthentication\.security\.istio\.io\/default\s+STRICT\s/m);
    expect(r[9].stdout).toMatch(/^authorizationpolicy\.security\.istio\.io\/catalog-viewer\s+ALLOW\s/m);
    expect(r[10].stderr).toBe(
      'Error from server: error when creating "STDIN": admission webhook "validation.istio.io" denied the request: configuration is invalid: 2 errors occurred:\n\t* subset name is invalid: V2\n\t* total destination weight = 0\n\n\n',
    );
    expect(r[11].stderr).toMatch(/^The PeerAuthentication "typo" is invalid: spec\.mtls\.mode: Unsupported value: "STRICTER"/);
    expect(r[12].stdout).toBe('virtualservice.networking.istio.io/catalog\n');
  });
});

/** Run a scenario's steps in its world and keep the world, to read the mesh's spans afterwards. */
function runKeeping(name: string): { results: StepResult[]; spans: MeshSpan[] } {
  const sc = parseScenario(fs.readFileSync(path.join(dir, `${name}.json`), 'utf8'));
  const world = buildWorld(sc);
  const results = sc.steps.map((s) => {
    world.advance(STEP_SETTLE_MS_PER_NETNS * world.allNetns().length);
    const r = runCommand(world, s.on, s.run, { shell: 'sh', stdin: s.stdin });
    return { on: s.on, run: s.run, exit: r.exit, stdout: r.stdout, stderr: r.stderr };
  });
  return { results, spans: meshOf(clusterOf(world)!).telemetry.spans };
}

describe('traffic through the sidecars (issue #15)', () => {
  it('splits 200 requests 90/10 across DestinationRule subsets, the same way every run', () => {
    const r = run('mesh-canary-split');
    expect(r[3].stdout).toMatch(/^2\n1\n/);
    const counts = Object.fromEntries(r[4].stdout.trim().split('\n').map((l) => l.trim().split(/\s+/)).map(([n, v]) => [v, Number(n)]));
    expect(counts['ratings-v1'] + counts['ratings-v2']).toBe(200);
    // a binomial draw of 200 at p = 0.1: 20 ± 3σ
    expect(counts['ratings-v2']).toBeGreaterThanOrEqual(8);
    expect(counts['ratings-v2']).toBeLessThanOrEqual(32);
    expect(run('mesh-canary-split')[4].stdout).toBe(r[4].stdout);
  });

  it('retries hide a broken endpoint until outlier detection ejects it, and it comes back after the ejection', () => {
    const { results: r, spans } = runKeeping('mesh-retry-outlier');
    expect(r[4].stdout).toBe(`${'200 '.repeat(12)}\n`);
    expect(r[7].stdout).toBe(`${'200 '.repeat(6)}\n`);
    expect(r[8].stdout).toBe('upstream connect error or disconnect/reset before headers. reset reason: connection failure 503\n');
    const broken = r[3].stdout.match(/\d+\.\d+\.\d+\.\d+:8080/g)!;
    const client = spans.filter((s) => s.kind === 'client' && s.destination === 'outbound|80||inventory.default.svc.cluster.local');
    const failed = client.filter((s) => s.responseCode === 503);
    // the broken endpoint answered 503 (its sidecar found nothing listening) and each failed try was retried elsewhere
    expect(new Set(failed.map((s) => s.upstreamHost)).size).toBe(1);
    expect(broken).toContain(failed[0].upstreamHost);
    for (const f of failed) {
      const retry = client.find((s) => s.traceId === f.traceId && s.attempt === f.attempt + 1);
      expect(retry?.responseCode).toBe(200);
      expect(retry?.upstreamHost).not.toBe(f.upstreamHost);
    }
    // istioctl sees the ejection in the frontend's proxy
    const eps = r[5].stdout.trim().split('\n');
    expect(eps[0]).toBe('ENDPOINT                                                STATUS      OUTLIER CHECK     CLUSTER');
    expect(eps.filter((l) => l.includes(' FAILED ')).map((l) => l.split(/\s+/)[0])).toEqual([failed[0].upstreamHost]);
    expect(eps.filter((l) => / OK +outbound\|80\|\|inventory\.default\.svc\.cluster\.local$/.test(l))).toHaveLength(2);
    // three consecutive 5xx eject it: the first 12 requests try it exactly three times
    const firstBatch = client.filter((s) => s.start < client.find((x) => x.path === '/hostname' && x.start > 60_000)!.start);
    expect(firstBatch.filter((s) => s.upstreamHost === failed[0].upstreamHost)).toHaveLength(3);
    // a minute (baseEjectionTime × 1) later the next interval sweep returns it: it is tried, fails, and is retried around
    const later = client.filter((s) => s.start >= firstBatch.at(-1)!.start + 60_000);
    expect(later.some((s) => s.upstreamHost === failed[0].upstreamHost && s.responseCode === 503)).toBe(true);
  });

  it("istioctl shows the sidecar's clusters, routes, listeners, sync status and the analyzer's findings", () => {
    const r = run('mesh-retry-outlier');
    expect(r[9].stdout).toMatch(/^inventory\.default\.svc\.cluster\.local\s+80\s+-\s+outbound\s+EDS\s+inventory\.default$/m);
    expect(r[10].stdout).toMatch(/^80\s+inventory\.default\.svc\.cluster\.local:80\s+inventory, inventory\.default \+ 1 more\.\.\.\s+\/\*\s+inventory\.default$/m);
    expect(r[11].stdout).toContain('Cluster: inbound|8080||');
    expect(r[11].stdout).toMatch(/^0\.0\.0\.0\s+15001\s+ALL\s+PassthroughCluster$/m);
    expect(r[12].stdout.split('\n').filter((l) => /^\S+\.default\s+Kubernetes\s+SYNCED/.test(l))).toHaveLength(4);
    expect(r[14].stdout).toBe(
      'Error [IST0101] (VirtualService default/canary) Referenced host+subset in destinationrule not found: "inventory+canary"\nError [IST0101] (VirtualService default/canary) Referenced host not found: "inventroy"\nexit 79\n',
    );
    expect(r[14].stderr).toMatch(/^Error: Analyzers found issues when analyzing namespace: default\.\n/);
    expect(r[15].stderr).toBe('\u2714 No validation issues found when analyzing namespace: kube-system.\n');
  });

  it('STRICT mTLS resets a pod outside the mesh, lets a meshed one through, and RBAC answers 403', () => {
    const { results: r, spans } = runKeeping('mesh-mtls-authz');
    expect(r[2].stdout).toMatch(/^ledger-\S+ 200\n$/);
    expect(r[4].exit).toBe(56);
    expect(r[4].stderr).toBe('curl: (56) Recv failure: Connection reset by peer\ncommand terminated with exit code 56\n');
    expect(r[5].stdout).toMatch(/^ledger-\S+ 200\n$/);
    expect(r[7].stdout).toMatch(/^ledger-\S+ 200\n$/);
    expect(r[8].stdout).toMatch(/^HTTP\/1\.1 403 Forbidden\r\ncontent-length: 19\r\ncontent-type: text\/plain\r\ndate: .+ GMT\r\nserver: envoy\r\nx-envoy-upstream-service-time: \d+\r\n\r\nRBAC: access denied$/);
    expect(r[9].stdout).toBe('RBAC: access denied 403\n');
    const denied = spans.filter((s) => s.kind === 'server' && s.responseCode === 403);
    expect(denied.map((s) => [s.source, s.method, s.path])).toEqual([
      ['cluster.local/ns/bank/sa/default', 'GET', '/clientip'],
      ['cluster.local/ns/bank/sa/default', 'POST', '/hostname'],
    ]);
    expect(spans.filter((s) => s.kind === 'server' && s.pod.startsWith('bank/ledger-')).every((s) => s.mtls === (s.source !== 'cluster.local/ns/default/sa/default' && !/^\d/.test(s.source)))).toBe(true);
  });

  it("records one request's spans: the client sidecar's tries and the server sidecars' spans under them", () => {
    const { spans } = runKeeping('mesh-retry-outlier');
    const retried = spans.find((s) => s.kind === 'client' && s.attempt === 2)!;
    const trace = spans.filter((s) => s.traceId === retried.traceId);
    const clients = trace.filter((s) => s.kind === 'client').sort((a, b) => a.attempt - b.attempt);
    expect(clients.map((s) => [s.attempt, s.responseCode])).toEqual([
      [1, 503],
      [2, 200],
    ]);
    for (const c of clients) {
      const server = trace.find((s) => s.kind === 'server' && s.parentId === c.spanId)!;
      expect(server.destination).toBe('inbound|8080||');
      expect(server.responseCode).toBe(c.responseCode);
      expect(server.start).toBeGreaterThan(c.start);
      expect(server.start + server.duration).toBeLessThanOrEqual(c.start + c.duration);
      expect(c.mtls && server.mtls).toBe(true);
    }
    expect(clients[0].responseFlags).toBe('-');
    expect(trace.find((s) => s.kind === 'server' && s.responseCode === 503)!.responseFlags).toBe('UF');
    expect(clients[1].start).toBeGreaterThanOrEqual(clients[0].start + clients[0].duration);
  });
});
