import { describe, expect, it, vi } from 'vitest';
import { buildWorld, parseScenario } from '../../scenarios/runner';
import { runCommand } from '../../commands';

vi.setConfig({ testTimeout: 120_000 });

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      nodeName: node02
      containers:
      - name: agnhost
        image: registry.k8s.io/e2e-test-images/agnhost:2.47
        args: [netexec, --http-port=8080]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  healthCheckNodePort: 32000
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;

const SCENARIO = { name: 'hc', preset: 'cluster', cluster: { loadBalancerPool: '192.168.1.240/28' }, hosts: ['lb'], lans: { lan0: ['lb:eth0'] }, steps: [] };

describe("kube-proxy's health check node port", () => {
  const world = buildWorld(parseScenario(JSON.stringify(SCENARIO)));
  const on = (host: string, line: string, stdin?: string) => runCommand(world, host, line, { stdin });
  on('lb', 'ip addr add 192.168.1.100/24 dev eth0');
  on('lb', 'ip link set eth0 up');
  on('node01', 'kubectl apply -f -', MANIFEST);
  on('node01', 'kubectl rollout status deploy/web');

  it('answers 200 with the local endpoint count where a ready endpoint is, 503 elsewhere, as kube-proxy writes it', () => {
    const body = (n: number) => `{\n\t"service": {\n\t\t"namespace": "default",\n\t\t"name": "web"\n\t},\n\t"localEndpoints": ${n},\n\t"serviceProxyHealthy": true\n}`;
    const node02 = on('lb', 'curl -si 192.168.1.12:32000/healthz');
    expect(node02.stdout).toMatch(new RegExp(`^HTTP/1\\.1 200 OK\r\nContent-Type: application/json\r\nX-Content-Type-Options: nosniff\r\nX-Load-Balancing-Endpoint-Weight: 1\r\nDate: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\nContent-Length: ${body(1).length}\r\n\r\n`));
    expect(node02.stdout.split('\r\n\r\n')[1]).toBe(body(1));
    const node01 = on('lb', 'curl -s -o /dev/null -w "%{http_code}" 192.168.1.11:32000/');
    expect(node01.stdout).toBe('503');
    expect(on('lb', 'curl -s 192.168.1.13:32000/any/path').stdout).toBe(body(0));
  });

  it('follows the endpoints: scaled to none, every node says 503; a pod on node01 makes node01 healthy', () => {
    on('node01', 'kubectl scale deploy/web --replicas=0');
    expect(on('lb', 'curl -s -o /dev/null -w "%{http_code}" 192.168.1.12:32000/healthz').stdout).toBe('503');
    on('node01', 'kubectl patch deploy web -p \'{"spec":{"replicas":1,"template":{"spec":{"nodeName":"node01"}}}}\'');
    on('node01', 'kubectl rollout status deploy/web');
    expect(on('lb', 'curl -s -o /dev/null -w "%{http_code}" 192.168.1.11:32000/healthz').stdout).toBe('200');
    expect(on('lb', 'curl -s -o /dev/null -w "%{http_code}" 192.168.1.12:32000/healthz').stdout).toBe('503');
  });

  it('stops listening when the Service no longer needs it', () => {
    on('node01', 'kubectl patch svc web -p \'{"spec":{"externalTrafficPolicy":"Cluster"}}\'');
    const r = on('lb', 'curl -s -m 2 192.168.1.11:32000/healthz');
    expect(r.exit).toBe(7);
  });
});
