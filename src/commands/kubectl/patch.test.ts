import { describe, expect, it, vi } from 'vitest';
import type { Deployment, EndpointSlice, Pod, Service } from '../../kube/api/types';
import { testCluster } from './testCluster';

// every test boots a cluster (a few hundred ms, more on a busy machine)
vi.setConfig({ testTimeout: 60_000 });

const boot = () => testCluster();

const web = (image: string, args: string[], ports: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: agnhost
        image: ${image}
        args: [${args.join(', ')}]
        ports: [${ports}]
`;

describe('kubectl apply (three-way strategic merge)', () => {
  it('changes what the manifest changed, drops what it dropped, keeps defaults, and says unchanged the second time', () => {
    const { cluster, kubectl } = boot();
    expect(kubectl('apply -f -', web('registry.k8s.io/e2e-test-images/agnhost:2.47', ['netexec', '--http-port=8080'], '{containerPort: 8080, name: http}')).stdout).toBe('deployment.apps/web created\n');
    const r = kubectl('apply -f -', web('registry.k8s.io/e2e-test-images/agnhost:2.48', ['netexec'], '{containerPort: 8080, name: http}'));
    expect(r.stdout).toBe('deployment.apps/web configured\n');
    const c = cluster.store.get<Deployment>('Deployment', 'default', 'web')!.spec.template.spec.containers[0];
    expect(c.image).toBe('registry.k8s.io/e2e-test-images/agnhost:2.48');
    expect(c.args).toEqual(['netexec']);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
    expect(c.ports).toEqual([{ containerPort: 8080, name: 'http', protocol: 'TCP' }]);
    expect(kubectl('apply -f -', web('registry.k8s.io/e2e-test-images/agnhost:2.48', ['netexec'], '{containerPort: 8080, name: http}')).stdout).toBe('deployment.apps/web unchanged\n');
  });

  it('merges Service ports by port: a port the live object gained elsewhere survives an apply', () => {
    const { cluster, kubectl } = boot();
    const svc = 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: 8080}]\n';
    kubectl('apply -f -', svc);
    expect(kubectl(`patch svc web -p '{"spec":{"ports":[{"name":"metrics","port":9090}]}}'`).stdout).toBe('service/web patched\n');
    expect(kubectl('apply -f -', svc.replace('targetPort: 8080', 'targetPort: 8081')).stdout).toBe('service/web configured\n');
    expect(cluster.store.get<Service>('Service', 'default', 'web')!.spec.ports!.map((p) => `${p.name}:${p.port}->${p.targetPort}`)).toEqual(['http:80->8081', 'metrics:9090->9090']);
  });
});

describe('kubectl patch', () => {
  const gatedPod = `apiVersion: v1
kind: Pod
metadata: {name: p, labels: {app: p}}
spec:
  readinessGates: [{conditionType: example.com/ready}]
  containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.47, args: [netexec]}]
---
apiVersion: v1
kind: Service
metadata: {name: p}
spec: {selector: {app: p}, ports: [{port: 80, targetPort: 8080}]}
`;

  it('makes a pod with a readiness gate Ready through the status subresource, and the condition sticks', () => {
    const { cluster, kubectl, world } = boot();
    kubectl('apply -f -', gatedPod);
    const ready = () => cluster.store.get<Pod>('Pod', 'default', 'p')!.status!.conditions!.find((c) => c.type === 'Ready')!.status;
    const sliceReady = () => cluster.store.list<EndpointSlice>('EndpointSlice', 'default').find((s) => s.metadata.labels?.['kubernetes.io/service-name'] === 'p')!.endpoints[0].conditions?.ready;
    expect(ready()).toBe('False');
    const r = kubectl(`patch pod p --subresource=status --type=strategic -p '{"status":{"conditions":[{"type":"example.com/ready","status":"True"}]}}'`);
    expect(r.stdout).toBe('pod/p patched\n');
    expect(ready()).toBe('True');
    expect(sliceReady()).toBe(true);
    world.advance(60_000);
    expect(ready()).toBe('True');
    expect(kubectl(`patch pod p --subresource=status -p '{"status":{"conditions":[{"type":"example.com/ready","status":"True"}]}}'`).stdout).toBe('pod/p patched (no change)\n');
    // a status patch cannot change the spec
    kubectl(`patch pod p --subresource=status --type=merge -p '{"metadata":{"labels":{"x":"y"}}}'`);
    expect(cluster.store.get<Pod>('Pod', 'default', 'p')!.metadata.labels).toEqual({ app: 'p' });
  });

  it('applies merge and JSON patches, scales through the scale subresource, and reports mistakes as kubectl does', () => {
    const { cluster, kubectl } = boot();
    kubectl('create deployment web --image=nginx --replicas=1');
    expect(kubectl(`patch deployment web --type=merge -p '{"metadata":{"labels":{"tier":"front"}}}'`).stdout).toBe('deployment.apps/web patched\n');
    expect(kubectl(`patch deploy web --type json -p '[{"op":"replace","path":"/spec/replicas","value":2}]'`).stdout).toBe('deployment.apps/web patched\n');
    expect(cluster.store.get<Deployment>('Deployment', 'default', 'web')!.spec.replicas).toBe(2);
    expect(kubectl(`patch deploy web --subresource=scale -p '{"spec":{"replicas":3}}'`).stdout).toBe('deployment.apps/web patched\n');
    expect(cluster.store.list<Pod>('Pod', 'default')).toHaveLength(3);
    expect(kubectl(`patch deploy web --type json -p '[{"op":"replace","path":"/spec/nope","value":2}]'`).stderr).toBe(
      'Error from server (BadRequest): replace operation does not apply: doc is missing key: /spec/nope: missing value\n',
    );
    expect(kubectl('patch deploy web').stderr).toBe('error: must specify --patch or --patch-file containing the contents of the patch\n');
    expect(kubectl(`patch deploy web --type=xml -p '{}'`).stderr).toBe('error: --type must be one of [json merge strategic], not "xml"\n');
    expect(kubectl(`patch deploy web --subresource=spec -p '{}'`).stderr).toBe('error: invalid subresource value: "spec". Must be one of [status scale]\n');
    expect(kubectl(`patch deploy nope -p '{}'`).stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n');
    const bad = kubectl(`patch deploy web -p '{"spec":{"replicas":-1}}'`);
    expect(bad.stderr).toBe('The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n');
    expect(bad.exit).toBe(1);
  });
});
