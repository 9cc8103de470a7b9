import { describe, expect, it, vi } from 'vitest';
import type { Deployment, KubeEvent, Pod, ReplicaSet } from '../api/types';
import { maxSurge, maxUnavailable } from './rollout';
import { testCluster } from '../../commands/kubectl/testCluster';

// every test boots a cluster (a few hundred ms, more on a busy machine)
vi.setConfig({ testTimeout: 60_000 });

const manifest = (image: string, replicas: number, strategy = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
${strategy}  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: ${image}}]
`;

const boot = () => {
  const { world, cluster, kubectl } = testCluster();
  const scaling = () =>
    cluster.store
      .list<KubeEvent>('Event', 'default')
      .filter((e) => e.reason === 'ScalingReplicaSet')
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))
      .map((e) => e.message!.replace(/web-\w+/, (n) => (n === newName() ? 'NEW' : 'OLD')));
  const rsList = () => cluster.store.list<ReplicaSet>('ReplicaSet', 'default');
  const newName = () => rsList().find((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'] === cluster.store.get<Deployment>('Deployment', 'default', 'web')!.metadata.annotations?.['deployment.kubernetes.io/revision'])!.metadata.name;
  return { world, cluster, kubectl, scaling, rsList };
};

describe('deployment rollouts', () => {
  it('resolves maxSurge up and maxUnavailable down, never both zero', () => {
    const d = (replicas: number, surge: number | string, unavailable: number | string, type: 'RollingUpdate' | 'Recreate' = 'RollingUpdate') =>
      ({ spec: { replicas, strategy: { type, rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } } } }) as Deployment;
    expect([maxSurge(d(10, '25%', '25%')), maxUnavailable(d(10, '25%', '25%'))]).toEqual([3, 2]);
    expect([maxSurge(d(3, 0, 0)), maxUnavailable(d(3, 0, 0))]).toEqual([0, 1]);
    expect([maxSurge(d(2, '50%', 5)), maxUnavailable(d(2, '50%', 5))]).toEqual([1, 2]);
    expect([maxSurge(d(4, 1, 1, 'Recreate')), maxUnavailable(d(4, 1, 1, 'Recreate'))]).toEqual([0, 0]);
  });

  it('rolls 4 replicas over within one surge and one unavailable pod, numbering the revisions', () => {
    const { cluster, kubectl, scaling, rsList } = boot();
    kubectl('apply -f -', manifest('nginx:1.25', 4));
    expect(scaling()).toEqual(['Scaled up replica set NEW from 0 to 4']);
    kubectl('apply -f -', manifest('nginx:1.26', 4));
    const events = scaling().slice(1);
    expect(events.slice(0, 2)).toEqual(['Scaled up replica set NEW from 0 to 1', 'Scaled down replica set OLD from 4 to 3']);
    expect(events.at(-1)).toMatch(/^Scaled (up replica set NEW from \d to 4|down replica set OLD from \d to 0)$/);
    // every step kept between 3 and 5 pods wanted
    let newR = 0;
    let oldR = 4;
    for (const e of events) {
      const [, who, from, to] = /replica set (NEW|OLD) from (\d+) to (\d+)/.exec(e)!;
      expect(Number(from)).toBe(who === 'NEW' ? newR : oldR);
      if (who === 'NEW') newR = Number(to);
      else oldR = Number(to);
      expect(newR + oldR).toBeLessThanOrEqual(5);
      expect(newR + oldR).toBeGreaterThanOrEqual(3);
    }
    const [old, cur] = [...rsList()].sort((a, b) => Number(a.metadata.annotations!['deployment.kubernetes.io/revision']) - Number(b.metadata.annotations!['deployment.kubernetes.io/revision']));
    expect([old.spec.replicas, cur.spec.replicas]).toEqual([0, 4]);
    expect(cur.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '2', 'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5' });
    const d = cluster.store.get<Deployment>('Deployment', 'default', 'web')!;
    expect(d.metadata.annotations!['deployment.kubernetes.io/revision']).toBe('2');
    expect(d.status).toMatchObject({ replicas: 4, updatedReplicas: 4, readyReplicas: 4, availableReplicas: 4 });
    expect(d.status!.conditions!.map((c) => c.reason)).toEqual(['MinimumReplicasAvailable', 'NewReplicaSetAvailable']);
    expect(kubectl('get rs').stdout).toMatch(/web-\w+ +0 +0 +0 +\w+\nweb-\w+ +4 +4 +4 +\w+\n|web-\w+ +4 +4 +4 +\w+\nweb-\w+ +0 +0 +0 +\w+\n/);
  });

  it('going back to the first template reuses its ReplicaSet as revision 3 and remembers revision 1', () => {
    const { kubectl, rsList } = boot();
    kubectl('apply -f -', manifest('nginx:1.25', 2));
    kubectl('apply -f -', manifest('nginx:1.26', 2));
    kubectl('apply -f -', manifest('nginx:1.25', 2));
    const first = rsList().find((rs) => rs.spec.template.spec.containers[0].image === 'nginx:1.25')!;
    expect(first.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(first.spec.replicas).toBe(2);
  });

  it('Recreate takes every old pod down before any new one starts', () => {
    const { cluster, kubectl, world, scaling } = boot();
    const strategy = '  strategy: {type: Recreate}\n';
    kubectl('apply -f -', manifest('nginx:1.25', 2, strategy));
    kubectl('apply -f -', manifest('nginx:1.26', 2, strategy));
    expect(scaling().slice(1)).toEqual(['Scaled down replica set OLD from 2 to 0']);
    // nginx leaves on SIGTERM within a second; then the new pods come
    world.advance(2_000);
    expect(scaling().slice(1)).toEqual(['Scaled down replica set OLD from 2 to 0', 'Scaled up replica set NEW from 0 to 2']);
    expect(cluster.store.list<Pod>('Pod', 'default').map((p) => p.spec.containers[0].image)).toEqual(['nginx:1.26', 'nginx:1.26']);
  });
});
