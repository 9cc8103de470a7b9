import { describe, expect, it, vi } from 'vitest';
import type { ConfigMap, Deployment } from '../../kube/api/types';
import { RESOURCES } from '../../kube/api/resources';
import { convertUnstructured } from '../../kube/api/schema/decode';
import { KIND_STRUCTS } from '../../kube/api/schema/structs';
import { testCluster } from './testCluster';

// every test boots a cluster (a few hundred ms, more on a busy machine)
vi.setConfig({ testTimeout: 60_000 });

const boot = () => testCluster({ loadBalancerPool: '192.168.1.240/28' });

const deploy = (extra: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: agnhost
        image: registry.k8s.io/e2e-test-images/agnhost:2.47
        args: [netexec, --http-port=8080]
        ports: [{name: http, containerPort: 8080}]
${extra}`;

describe('server-side field validation (kubectl --validate)', () => {
  it('refuses unknown fields by default, with the path of each, and creates nothing', () => {
    const { kubectl, cluster } = boot();
    const r = kubectl('apply -f -', deploy('        requests: {cpu: 100m}\n      restartPolicyy: Always\n'));
    expect(r.stderr).toBe(
      'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].requests", unknown field "spec.template.spec.restartPolicyy"\n',
    );
    expect(r.exit).toBe(1);
    expect(cluster.store.get('Deployment', 'default', 'web')).toBeUndefined();
  });

  it('refuses a value of the wrong type whatever --validate says', () => {
    const { kubectl } = boot();
    const r = kubectl('create --validate=false -f -', 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: "80"}]\n');
    expect(r.stderr).toBe('Error from server (BadRequest): error when creating "STDIN": Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32\n');
  });

  it('warns and drops the field with --validate=warn, drops it silently with --validate=false', () => {
    const { kubectl, cluster } = boot();
    const r = kubectl('apply --validate=warn -f -', deploy('        hostPorts: 80\n'));
    expect(r.stderr).toBe('Warning: unknown field "spec.template.spec.containers[0].hostPorts"\n');
    expect(r.stdout).toBe('deployment.apps/web created\n');
    // the last-applied annotation keeps the manifest as written; the object itself has no such field
    expect(JSON.stringify(cluster.store.get<Deployment>('Deployment', 'default', 'web')!.spec)).not.toContain('hostPorts');
    const q = kubectl('create --validate=false -f -', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndatas: {a: b}\n');
    expect([q.stdout, q.stderr]).toEqual(['configmap/c created\n', '']);
    expect(kubectl('apply --validate=maybe -f -', deploy('')).stderr).toBe('error: invalid - validate option "maybe"; must be one of: strict (or true), warn, ignore (or false)\n');
  });

  it('refuses an unknown field in an apply to an existing object as an invalid patch', () => {
    const { kubectl } = boot();
    expect(kubectl('apply -f -', deploy('')).exit).toBe(0);
    const r = kubectl('apply -f -', deploy('      volumez: []\n'));
    expect(r.stderr).toMatch(/^The request is invalid: patch: Invalid value: "map\[metadata:map\[annotations:map\[kubectl\.kubernetes\.io\/last-applied-configuration:.*\]\] spec:map\[template:map\[spec:map\[volumez:\[\]\]\]\]\]": strict decoding error: unknown field "spec\.template\.spec\.volumez"\n$/s);
    // kubectl patch asks for no validation: the server warns and drops the field
    const p = kubectl(`patch deploy web -p '{"spec":{"replicaz":3}}'`);
    expect([p.stdout, p.stderr]).toEqual(['deployment.apps/web patched (no change)\n', 'Warning: unknown field "spec.replicaz"\n']);
  });

  it('takes the last of a repeated key, as kubectl\'s YAML decoding does', () => {
    const { kubectl, cluster } = boot();
    expect(kubectl('apply -f -', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: one}\ndata: {a: two}\n').stdout).toBe('configmap/c created\n');
    expect(cluster.store.get<ConfigMap>('ConfigMap', 'default', 'c')!.data).toEqual({ a: 'two' });
  });

  it('every object the cluster stores fits its kind\'s struct (so a patch never trips on the server\'s own fields)', () => {
    const { kubectl, cluster } = boot();
    kubectl('apply -f -', deploy(''));
    kubectl('expose deploy web --port 80 --type LoadBalancer');
    for (const r of RESOURCES)
      for (const o of cluster.store.list(r.kind)) expect([o.kind, o.metadata.name, convertUnstructured(KIND_STRUCTS[o.kind], o as unknown as Record<string, unknown>).unknown]).toEqual([o.kind, o.metadata.name, []]);
  });
});
