import { describe, expect, it, vi } from 'vitest';
import { runScenario } from './runner';
import { presets } from './presets';
import { clusterStages } from './clusterStages';

vi.setConfig({ testTimeout: 60_000 });

const run = (preset: string, lines: string[]) => runScenario({ name: 't', preset, steps: lines.map((run) => ({ on: 'node02', run })) }).results;

describe('the cluster stages', () => {
  it('are presets of the Lab menu, each a booted cluster plus manifests', () => {
    for (const s of clusterStages) {
      expect(presets[s.name]).toBe(s);
      expect(s.scenario.preset).toBe('cluster');
    }
  });

  it('a scenario may start from a stage: the Deployment behind its NodePort Service', () => {
    const [svc, eps] = run('cluster-service', ['kubectl get svc web -o jsonpath={.spec.ports[0].nodePort}', 'kubectl get endpointslices -l kubernetes.io/service-name=web -o jsonpath={.items[0].endpoints[*].conditions.ready}']);
    expect(svc).toMatchObject({ exit: 0, stdout: '30080' });
    expect(eps.stdout).toBe('true true true');
  });

  it('the e2e model: x, y, z × a, b, c running on node01–03', () => {
    const [pods] = run('cluster-netpol', ["kubectl get pods -A -l pod -o 'jsonpath={range .items[*]}{.metadata.namespace}/{.metadata.name}@{.spec.nodeName}={.status.phase} {end}'"]);
    expect(pods.stdout.trim().split(' ').sort()).toEqual(['x', 'y', 'z'].flatMap((ns) => ['a@node01', 'b@node02', 'c@node03'].map((p) => `${ns}/${p}=Running`)).sort());
  });
});
