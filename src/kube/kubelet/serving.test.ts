import { describe, expect, it, vi } from 'vitest';
import { World } from '../../engine/world';
import { bootCluster } from '../../commands/kubectl/boot';
import { runCommand } from '../../commands';

vi.setConfig({ testTimeout: 60_000 });

const pod = (name: string, node: string, image: string, args: string, port: number) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  nodeName: ${node}
  containers:
  - name: c
    image: ${image}
    args: [${args}]
    ports: [{containerPort: ${port}}]
`;

describe('servers in pods', () => {
  it('runs netexec in the pod: HTTP across nodes from pods and nodes, logs as Go does, gone with the pod', () => {
    const world = new World();
    bootCluster(world);
    const on = (host: string, line: string, stdin?: string) => runCommand(world, host, line, { stdin });
    expect(on('node01', 'kubectl apply -f -', pod('srv', 'node02', 'registry.k8s.io/e2e-test-images/agnhost:2.47', 'netexec, --http-port=8080', 8080)).exit).toBe(0);
    expect(on('node01', 'kubectl apply -f -', pod('cli', 'node03', 'nicolaka/netshoot', 'sleep, infinity', 1)).exit).toBe(0);
    const ip = on('node01', 'kubectl get pod srv -o jsonpath={.status.podIP}').stdout;
    const cli = on('node01', 'kubectl get pod cli -o jsonpath={.status.podIP}').stdout;
    expect(on('node01', `kubectl exec cli -- curl -s ${ip}:8080/hostname`).stdout).toBe('srv');
    expect(on('node01', `kubectl exec cli -- curl -s ${ip}:8080/clientip`).stdout).toMatch(new RegExp(`^${cli.replace(/\./g, '\\.')}:\\d+$`));
    expect(on('node01', 'kubectl logs srv').stdout).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Started UDP server on port  8081\n\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Started HTTP server on port 8080\n/);
    on('node01', 'kubectl delete pod srv --grace-period=0');
    expect(on('node02', `curl -s -m 1 ${ip}:8080/hostname`).exit).not.toBe(0);
  });

  it('answers like netexec on the ports an unknown image declares', () => {
    const world = new World();
    bootCluster(world);
    const on = (host: string, line: string, stdin?: string) => runCommand(world, host, line, { stdin });
    on('node01', 'kubectl apply -f -', pod('app', 'node01', 'example.com/shop:1.0', 'serve', 9000));
    const ip = on('node01', 'kubectl get pod app -o jsonpath={.status.podIP}').stdout;
    expect(on('node03', `curl -s ${ip}:9000/echo?msg=hello`).stdout).toBe('hello');
  });
});
