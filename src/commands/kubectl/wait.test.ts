import { describe, expect, it, vi } from 'vitest';
import { testCluster } from './testCluster';

vi.setConfig({ testTimeout: 60_000 });

const POD = (ns: string, name: string, ready: boolean) =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: {app: w}}\nspec:\n  containers:\n  - name: c\n    image: nicolaka/netshoot\n    command: [sleep, infinity]\n    readinessProbe: {exec: {command: ['${ready}']}, periodSeconds: 1}\n---\n`;

describe('kubectl wait', () => {
  it('waits across all namespaces with -A and --all or -l, in the order the server lists them', () => {
    const { kubectl } = testCluster();
    kubectl('create namespace team');
    expect(kubectl('apply -f -', POD('team', 'b', true) + POD('default', 'a', true)).exit).toBe(0);
    const all = kubectl('wait --for=condition=Ready pod -A --all --timeout=60s');
    expect(all.exit).toBe(0);
    const lines = all.stdout.trim().split('\n');
    // kube-system's two CoreDNS pods come between default/a and team/b
    expect(lines[0]).toBe('pod/a condition met');
    expect(lines.filter((l) => /^pod\/coredns-[a-z0-9]+-[a-z0-9]{5} condition met$/.test(l))).toHaveLength(2);
    expect(lines.at(-1)).toBe('pod/b condition met');
    expect(kubectl('wait --for=condition=Ready pods --all-namespaces -l app=w').stdout).toBe('pod/a condition met\npod/b condition met\n');
    // one namespace only without -A
    expect(kubectl('wait --for=condition=Ready pods -l app=w').stdout).toBe('pod/a condition met\n');
  });

  it('refuses as the resource builder does: no name and no selector, a name across all namespaces', () => {
    const { kubectl } = testCluster();
    const bare = kubectl('wait --for=condition=Ready pod -A');
    expect([bare.exit, bare.stderr]).toEqual([1, 'error: resource(s) were provided, but no name was specified\n']);
    const named = kubectl('wait --for=condition=Ready pod/x -A');
    expect([named.exit, named.stderr]).toEqual([1, 'error: a resource cannot be retrieved by name across all namespaces\n']);
    const none = kubectl('wait --for=condition=Ready pod -l app=none -A');
    expect([none.exit, none.stderr]).toEqual([1, 'error: no matching resources found\n']);
  });

  it('times out on the virtual clock for a pod that never gets Ready, naming it', () => {
    const { kubectl } = testCluster();
    kubectl('apply -f -', POD('default', 'slow', false));
    const r = kubectl('wait --for=condition=Ready pod -l app=w -A --timeout=5s');
    expect([r.exit, r.stdout, r.stderr]).toEqual([1, '', 'error: timed out waiting for the condition on pods/slow\n']);
  });
});
